package dev.tmem.core;

/**
 * The pool id is not one of the calling client's pools: it was never created, it was destroyed, or
 * it belongs to another client (a client cannot tell which, by design).
 */
public final class UnknownPoolException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final int poolId;

    public UnknownPoolException(String client, int poolId) {
        super("pool " + poolId + " is not a pool of client '" + client + "'");
        this.poolId = poolId;
    }

    public int poolId() {
        return poolId;
    }
}
