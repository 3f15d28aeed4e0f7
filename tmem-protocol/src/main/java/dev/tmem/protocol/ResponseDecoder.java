package dev.tmem.protocol;

import java.nio.ByteBuffer;

/**
 * Reads and judges responses, for clients: {@link #checkLength} on the length field, then
 * {@link #decodeHeader} once 16 bytes are in, then {@link #checkHeader}. Static and thread-safe;
 * no method moves a buffer's position.
 */
public final class ResponseDecoder {

    private ResponseDecoder() {}

    /** Judges a response length field: 12 to 12 + {@value ResponseLayout#MAX_PAYLOAD}. */
    public static Violation checkLength(long length) {
        if (length < ResponseLayout.MIN_LENGTH || length > ResponseLayout.MAX_LENGTH) {
            return new Violation(Rule.RESPONSE_LENGTH, "length " + length + ", expected "
                    + ResponseLayout.MIN_LENGTH + " to " + ResponseLayout.MAX_LENGTH);
        }
        return null;
    }

    /**
     * Reads the 16-byte header that starts at {@code buf.position()}.
     *
     * @throws IndexOutOfBoundsException if fewer than 16 bytes remain
     */
    public static ResponseHeader decodeHeader(ByteBuffer buf) {
        ByteBuffer b = RequestDecoder.bigEndian(buf);
        int at = b.position();
        if (b.limit() - at < ResponseLayout.HEADER_BYTES) {
            throw new IndexOutOfBoundsException("a response header is " + ResponseLayout.HEADER_BYTES
                    + " bytes, " + (b.limit() - at) + " remain");
        }
        return new ResponseHeader(
                b.getInt(at + ResponseLayout.LENGTH_OFFSET),
                b.get(at + ResponseLayout.OP_OFFSET) & 0xFF,
                b.get(at + ResponseLayout.STATUS_OFFSET) & 0xFF,
                b.getShort(at + ResponseLayout.RESERVED_OFFSET) & 0xFFFF,
                b.getInt(at + ResponseLayout.TAG_OFFSET),
                b.getInt(at + ResponseLayout.VALUE_OFFSET));
    }

    /** Judges the length, the status code and the reserved field of a response header. */
    public static Violation checkHeader(ResponseHeader h) {
        Violation v = checkLength(Integer.toUnsignedLong(h.length()));
        if (v != null) {
            return v;
        }
        if (Status.of(h.status()) == null) {
            return new Violation(Rule.RESPONSE_STATUS, "status " + h.status());
        }
        if (h.reserved() != 0) {
            return new Violation(Rule.RESPONSE_RESERVED, "reserved 0x%04x".formatted(h.reserved()));
        }
        return null;
    }
}
