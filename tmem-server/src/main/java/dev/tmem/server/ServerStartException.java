package dev.tmem.server;

/** The server could not start: the address is taken or cannot be bound, or the transport failed. */
public final class ServerStartException extends Exception {
    private static final long serialVersionUID = 1L;

    public ServerStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
