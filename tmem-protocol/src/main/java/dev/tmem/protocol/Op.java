package dev.tmem.protocol;

/**
 * The operations of PROTOCOL.md with their wire codes (Xen tmem's numbers where it has them), the
 * header fields each one uses, and the flag bits each one defines. Fields an op does not use must be
 * 0; so must flag bits it does not define.
 */
public enum Op {
    NEW_POOL(1, 0, Flags.PERSIST | Flags.SHARED),
    DESTROY_POOL(2, Op.USES_POOL, 0),
    PUT_PAGE(4, Op.USES_POOL | Op.USES_OID | Op.USES_INDEX, 0),
    GET_PAGE(5, Op.USES_POOL | Op.USES_OID | Op.USES_INDEX, Flags.EXCLUSIVE),
    FLUSH_PAGE(6, Op.USES_POOL | Op.USES_OID | Op.USES_INDEX, 0),
    FLUSH_OBJECT(7, Op.USES_POOL | Op.USES_OID, 0),
    HELLO(32, 0, 0),
    STATS(33, 0, 0),
    PING(34, 0, 0);

    /** The op uses the pool field. */
    public static final int USES_POOL = 1;
    /** The op uses the three oid words. */
    public static final int USES_OID = 1 << 1;
    /** The op uses the index field. */
    public static final int USES_INDEX = 1 << 2;

    /** The largest PING payload. */
    public static final int MAX_PING_PAYLOAD = 4096;

    private static final Op[] BY_CODE = new Op[256];

    static {
        for (Op op : values()) {
            BY_CODE[op.code] = op;
        }
    }

    private final int code;
    private final int uses;
    private final int flagMask;

    Op(int code, int uses, int flagMask) {
        this.code = code;
        this.uses = uses;
        this.flagMask = flagMask;
    }

    /** The op byte on the wire. */
    public int code() {
        return code;
    }

    /** Which of {@link #USES_POOL}, {@link #USES_OID}, {@link #USES_INDEX} the op reads. */
    public int uses() {
        return uses;
    }

    /** The flag bits this op defines; any other bit set is a bad request. */
    public int flagMask() {
        return flagMask;
    }

    /** The op of a wire code, or {@code null} for a code PROTOCOL.md does not define. */
    public static Op of(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
