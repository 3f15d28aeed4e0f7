package dev.tmem.protocol;

/**
 * The 44-byte header of a request as read off the wire, fields as unsigned as the protocol makes
 * them ({@code op}, {@code flags} 0..255, {@code reserved} 0..65535); {@code pool} and {@code index}
 * keep their 32 bits ({@code index} is unsigned: see {@link #indexAsLong()}). A header may break
 * rules: {@link RequestDecoder#checkHeader} judges it.
 *
 * @param length the length field: 40 + payload size
 */
public record RequestHeader(
        int length, int op, int flags, int reserved, int tag, int pool, long oid0, long oid1, long oid2, int index) {

    /** A well-formed header for {@code op} with reserved 0 and the length of {@code payloadLength}. */
    public static RequestHeader of(Op op, int flags, int tag, int pool, long oid0, long oid1, long oid2, int index,
            int payloadLength) {
        return new RequestHeader(RequestLayout.MIN_LENGTH + payloadLength, op.code(), flags, 0, tag, pool, oid0,
                oid1, oid2, index);
    }

    /** A header that uses no field: HELLO, STATS, PING, NEW_POOL. */
    public static RequestHeader of(Op op, int flags, int tag, int payloadLength) {
        return of(op, flags, tag, 0, 0, 0, 0, 0, payloadLength);
    }

    /** Bytes of payload after the header, by the length field (negative for a too short length). */
    public int payloadLength() {
        return length - RequestLayout.MIN_LENGTH;
    }

    /** The op, or {@code null} if the code is not one PROTOCOL.md defines. */
    public Op opCode() {
        return Op.of(op);
    }

    /** The page index as the unsigned value it is. */
    public long indexAsLong() {
        return Integer.toUnsignedLong(index);
    }
}
