package dev.tmem.core;

/**
 * Teardown ({@link TmemClient#destroyPool}, {@link TmemClient#close}, {@link TmemEngine#close})
 * waited for pinned pages to be released and gave up. Nothing was torn down: the pool (or engine)
 * is as it was, and the call may be retried once the pins are released.
 */
public final class PinTimeoutException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public PinTimeoutException(String message) {
        super(message);
    }
}
