package dev.tmem.protocol;

/**
 * Each rule of PROTOCOL.md a frame or request can break, with the status that answers it. The
 * decoder reports the first rule a request breaks, in the protocol's order (length, login, op,
 * flags and reserved and unused fields, pool, payload, option, space); the rules it cannot judge
 * alone (login, token, pool, space) are here too, so a server counts every refusal by one name.
 */
public enum Rule {
    // ----- length (the connection is closed after these) -----
    LENGTH_BELOW_MIN(Status.TOO_LARGE, "length below " + RequestLayout.MIN_LENGTH),
    LENGTH_ABOVE_MAX(Status.TOO_LARGE, "length above " + RequestLayout.MAX_LENGTH),
    // ----- login (judged by the server) -----
    NOT_LOGGED_IN(Status.DENIED, "the first request must be a HELLO"),
    // ----- op -----
    UNKNOWN_OP(Status.UNSUPPORTED, "unknown op"),
    // ----- flags, reserved, unused fields -----
    UNDEFINED_FLAGS(Status.BAD_REQUEST, "flag bits the op does not define are set"),
    RESERVED_NOT_ZERO(Status.BAD_REQUEST, "reserved field is not 0"),
    UNUSED_POOL_NOT_ZERO(Status.BAD_REQUEST, "pool is not 0 but the op does not use it"),
    UNUSED_OID_NOT_ZERO(Status.BAD_REQUEST, "oid is not 0 but the op does not use it"),
    UNUSED_INDEX_NOT_ZERO(Status.BAD_REQUEST, "index is not 0 but the op does not use it"),
    // ----- pool (judged by the server) -----
    NO_POOL(Status.NO_POOL, "the pool id is not one of this client's pools"),
    // ----- payload -----
    PAYLOAD_SIZE(Status.BAD_REQUEST, "wrong payload size for the op"),
    BAD_PAGE_SHIFT(Status.BAD_REQUEST, "page_shift is not 12 to 16"),
    HELLO_MALFORMED(Status.BAD_REQUEST, "malformed HELLO payload"),
    HELLO_VERSION(Status.DENIED, "unsupported protocol version"),
    SECOND_HELLO(Status.BAD_REQUEST, "HELLO on a connection that has already said HELLO"),
    BAD_TOKEN(Status.DENIED, "wrong token"),
    SHARED_PAGE_SIZE(Status.BAD_REQUEST, "the shared pool exists with another page size"),
    // ----- option -----
    SHARED_PERSISTENT(Status.UNSUPPORTED, "shared pools are ephemeral: SHARED with PERSIST"),
    // ----- space (judged by the server) -----
    NO_SPACE(Status.NO_SPACE, "no room in the budget or the client's cap"),
    POOL_LIMIT(Status.NO_SPACE, "the client has the most pools the server allows"),
    // ----- responses (checked by clients) -----
    RESPONSE_LENGTH(Status.BAD_REQUEST, "response length out of range"),
    RESPONSE_RESERVED(Status.BAD_REQUEST, "response reserved field is not 0"),
    RESPONSE_STATUS(Status.BAD_REQUEST, "unknown response status");

    private final Status status;
    private final String description;

    Rule(Status status, String description) {
        this.status = status;
        this.description = description;
    }

    /** The status a request breaking this rule gets. */
    public Status status() {
        return status;
    }

    public String description() {
        return description;
    }
}
