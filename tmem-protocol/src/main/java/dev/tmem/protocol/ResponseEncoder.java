package dev.tmem.protocol;

import java.nio.ByteBuffer;

/** Writes responses. All methods are static and thread-safe. */
public final class ResponseEncoder {

    private ResponseEncoder() {}

    /**
     * Writes a 16-byte response header at {@code dst}'s position (big-endian whatever {@code dst}'s
     * order) and advances the position past it.
     *
     * @param op the request's op byte (0 for TOO_LARGE, whose request is not read)
     * @param payloadLength the bytes that will follow the header
     */
    public static void encodeHeader(ByteBuffer dst, int op, Status status, int tag, int value, int payloadLength) {
        int length = ResponseLayout.lengthField(payloadLength);
        ByteBuffer b = RequestDecoder.bigEndian(dst);
        int at = dst.position();
        if (dst.limit() - at < ResponseLayout.HEADER_BYTES) {
            throw new java.nio.BufferOverflowException();
        }
        b.putInt(at + ResponseLayout.LENGTH_OFFSET, length)
                .put(at + ResponseLayout.OP_OFFSET, (byte) op)
                .put(at + ResponseLayout.STATUS_OFFSET, (byte) status.code())
                .putShort(at + ResponseLayout.RESERVED_OFFSET, (short) 0)
                .putInt(at + ResponseLayout.TAG_OFFSET, tag)
                .putInt(at + ResponseLayout.VALUE_OFFSET, value);
        dst.position(at + ResponseLayout.HEADER_BYTES);
    }

    /** A whole response frame. */
    public static byte[] encode(int op, Status status, int tag, int value, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(ResponseLayout.HEADER_BYTES + payload.length);
        encodeHeader(b, op, status, tag, value, payload.length);
        b.put(payload);
        return b.array();
    }
}
