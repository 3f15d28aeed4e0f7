package dev.tmem.protocol;

import java.nio.ByteBuffer;

/**
 * Writes requests. The header is written as given, so a test can write a header that breaks rules;
 * {@link RequestHeader#of} makes well-formed ones. All methods are static and thread-safe.
 */
public final class RequestEncoder {

    private RequestEncoder() {}

    /**
     * Writes the 44-byte header at {@code dst}'s position (big-endian whatever {@code dst}'s order)
     * and advances the position past it.
     *
     * @throws java.nio.BufferOverflowException if fewer than 44 bytes remain
     */
    public static void encodeHeader(RequestHeader h, ByteBuffer dst) {
        ByteBuffer b = RequestDecoder.bigEndian(dst);
        int at = dst.position();
        if (dst.limit() - at < RequestLayout.HEADER_BYTES) {
            throw new java.nio.BufferOverflowException();
        }
        b.putInt(at + RequestLayout.LENGTH_OFFSET, h.length())
                .put(at + RequestLayout.OP_OFFSET, (byte) h.op())
                .put(at + RequestLayout.FLAGS_OFFSET, (byte) h.flags())
                .putShort(at + RequestLayout.RESERVED_OFFSET, (short) h.reserved())
                .putInt(at + RequestLayout.TAG_OFFSET, h.tag())
                .putInt(at + RequestLayout.POOL_OFFSET, h.pool())
                .putLong(at + RequestLayout.OID0_OFFSET, h.oid0())
                .putLong(at + RequestLayout.OID1_OFFSET, h.oid1())
                .putLong(at + RequestLayout.OID2_OFFSET, h.oid2())
                .putInt(at + RequestLayout.INDEX_OFFSET, h.index());
        dst.position(at + RequestLayout.HEADER_BYTES);
    }

    /**
     * A whole frame: the header, then {@code payload}.
     *
     * @throws IllegalArgumentException if the header's length does not count {@code payload}
     */
    public static byte[] encode(RequestHeader h, byte[] payload) {
        if (h.payloadLength() != payload.length) {
            throw new IllegalArgumentException("length " + h.length() + " does not fit a payload of "
                    + payload.length + " bytes");
        }
        ByteBuffer b = ByteBuffer.allocate(RequestLayout.HEADER_BYTES + payload.length);
        encodeHeader(h, b);
        b.put(payload);
        return b.array();
    }
}
