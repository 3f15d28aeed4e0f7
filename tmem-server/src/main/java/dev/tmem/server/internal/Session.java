package dev.tmem.server.internal;

/** One connection's protocol state; confined to the connection's event loop. */
final class Session {
    /** The client this connection said HELLO as, or {@code null} before a HELLO succeeded. */
    ClientRegistry.Entry entry;
    /** Set by a refusal before login: the answer goes out, then the connection closes. */
    boolean closeAfterWrite;
}
