package dev.tmem.client;

/**
 * The server could not be asked: it is unreachable, a connection broke, it did not answer within the
 * timeout, or the client is reconnecting. The request may or may not have taken effect on the
 * server (it may have been sent before the connection broke). Retry later: the client reconnects by
 * itself.
 */
public class TmemUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TmemUnavailableException(String message) {
        super(message);
    }

    public TmemUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
