package dev.tmem.protocol;

/**
 * Byte layout of a response frame (big-endian), offsets from the start of the frame:
 *
 * <pre>
 *   0               1               2               3
 *   0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7
 *  +---------------------------------------------------------------+
 *  |            length = 12 + payload size (u32)                   |  0
 *  +---------------+---------------+-------------------------------+
 *  | op (request's)|    status     |          reserved (0)         |  4
 *  +---------------+---------------+-------------------------------+
 *  |                      tag (the request's)                      |  8
 *  +---------------------------------------------------------------+
 *  |             value (signed 32; 0 unless the op says)           | 12
 *  +---------------------------------------------------------------+
 *  |              payload                                        ...  16
 * </pre>
 */
public final class ResponseLayout {

    public static final int LENGTH_OFFSET = 0;
    public static final int OP_OFFSET = 4;
    public static final int STATUS_OFFSET = 5;
    public static final int RESERVED_OFFSET = 6;
    public static final int TAG_OFFSET = 8;
    public static final int VALUE_OFFSET = 12;
    public static final int PAYLOAD_OFFSET = 16;

    /** The whole header, length field included. */
    public static final int HEADER_BYTES = 16;
    public static final int LENGTH_FIELD_BYTES = 4;
    /** The smallest valid value of the length field: a header without payload. */
    public static final int MIN_LENGTH = HEADER_BYTES - LENGTH_FIELD_BYTES;
    /**
     * The largest response payload this implementation sends or accepts: a page of the largest size.
     * PROTOCOL.md sets no bound on responses; every payload it defines (a page, a STATS object, a
     * HELLO greeting, a PING echo) fits in this.
     */
    public static final int MAX_PAYLOAD = 65536;
    public static final int MAX_LENGTH = MIN_LENGTH + MAX_PAYLOAD;

    private ResponseLayout() {}

    /**
     * The length field of a response with {@code payloadLength} bytes of payload.
     *
     * @throws IllegalArgumentException unless the payload is 0 to {@link #MAX_PAYLOAD} bytes
     */
    public static int lengthField(int payloadLength) {
        if (payloadLength < 0 || payloadLength > MAX_PAYLOAD) {
            throw new IllegalArgumentException("payloadLength must be 0 to " + MAX_PAYLOAD + ", was " + payloadLength);
        }
        return MIN_LENGTH + payloadLength;
    }
}
