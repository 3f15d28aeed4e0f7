package dev.tmem.client;

import dev.tmem.protocol.Op;
import dev.tmem.protocol.Status;

/**
 * The server answered a request with a status the operation does not expect: {@code NO_POOL} (not
 * one of this client's pools), {@code BAD_REQUEST}, {@code DENIED} (a bad token at HELLO),
 * {@code UNSUPPORTED}, {@code INTERNAL}, or {@code NO_SPACE} for a pool creation. Per PROTOCOL.md the
 * request had no effect.
 */
public class TmemStatusException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final Op op;
    private final Status status;

    public TmemStatusException(Op op, Status status, String detail) {
        super(op + " answered " + status + (detail.isEmpty() ? "" : ": " + detail));
        this.op = op;
        this.status = status;
    }

    public Op op() {
        return op;
    }

    public Status status() {
        return status;
    }
}
