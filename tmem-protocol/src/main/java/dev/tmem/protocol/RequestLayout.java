package dev.tmem.protocol;

/**
 * Byte layout of a request frame (big-endian), offsets from the start of the frame:
 *
 * <pre>
 *   0               1               2               3
 *   0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7
 *  +---------------------------------------------------------------+
 *  |            length = 40 + payload size (u32)                   |  0
 *  +---------------+---------------+-------------------------------+
 *  |      op       |     flags     |       reserved (must be 0)    |  4
 *  +---------------+---------------+-------------------------------+
 *  |                          tag (echoed)                         |  8
 *  +---------------------------------------------------------------+
 *  |                       pool (signed 32)                        | 12
 *  +---------------------------------------------------------------+
 *  |                        oid0 (64 bits)                         | 16
 *  |                        oid1 (64 bits)                         | 24
 *  |                        oid2 (64 bits)                         | 32
 *  +---------------------------------------------------------------+
 *  |                    index (unsigned 32)                        | 40
 *  +---------------------------------------------------------------+
 *  |              payload: 0 to 65536 bytes                      ...  44
 * </pre>
 */
public final class RequestLayout {

    public static final int LENGTH_OFFSET = 0;
    public static final int OP_OFFSET = 4;
    public static final int FLAGS_OFFSET = 5;
    public static final int RESERVED_OFFSET = 6;
    public static final int TAG_OFFSET = 8;
    public static final int POOL_OFFSET = 12;
    public static final int OID0_OFFSET = 16;
    public static final int OID1_OFFSET = 24;
    public static final int OID2_OFFSET = 32;
    public static final int INDEX_OFFSET = 40;
    public static final int PAYLOAD_OFFSET = 44;

    /** The whole header, length field included. */
    public static final int HEADER_BYTES = 44;
    /** The length field itself, which its value does not count. */
    public static final int LENGTH_FIELD_BYTES = 4;
    /** The largest request payload. */
    public static final int MAX_PAYLOAD = 65536;
    /** The smallest valid value of the length field: a header without payload. */
    public static final int MIN_LENGTH = HEADER_BYTES - LENGTH_FIELD_BYTES;
    /** The largest valid value of the length field. */
    public static final int MAX_LENGTH = MIN_LENGTH + MAX_PAYLOAD;
    /** The largest whole request frame, length field included. */
    public static final int MAX_FRAME_BYTES = LENGTH_FIELD_BYTES + MAX_LENGTH;

    private RequestLayout() {}
}
