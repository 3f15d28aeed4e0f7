package dev.tmem.core;

/** A client asked for more pools than {@link TmemEngine.Builder#maxPoolsPerClient} allows. */
public final class PoolLimitException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public PoolLimitException(String message) {
        super(message);
    }
}
