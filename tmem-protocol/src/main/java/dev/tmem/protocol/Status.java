package dev.tmem.protocol;

/** The status codes of responses (PROTOCOL.md, "Status codes"). Code 8 is not assigned. */
public enum Status {
    /** Done. */
    OK(0),
    /** GET_PAGE found no page. */
    MISS(1),
    /** A put did not fit the budget or the client's cap, or a pool creation went past the limit. */
    NO_SPACE(2),
    /** The pool id is not one of this client's pools. */
    NO_POOL(3),
    /** Malformed: sizes, page shift, non-zero reserved or unused fields or flag bits, bad HELLO. */
    BAD_REQUEST(4),
    /** No HELLO yet, a bad token, or an unsupported version. */
    DENIED(5),
    /** The length field is below 40 or above 40 + 65536; the connection is then closed. */
    TOO_LARGE(6),
    /** Unknown op, or an option this server does not offer. */
    UNSUPPORTED(7),
    /** The server failed; the request had no effect. */
    INTERNAL(9);

    private static final Status[] BY_CODE = new Status[256];

    static {
        for (Status s : values()) {
            BY_CODE[s.code] = s;
        }
    }

    private final int code;

    Status(int code) {
        this.code = code;
    }

    /** The status byte on the wire. */
    public int code() {
        return code;
    }

    /** The status of a wire code, or {@code null} for a code PROTOCOL.md does not define. */
    public static Status of(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
