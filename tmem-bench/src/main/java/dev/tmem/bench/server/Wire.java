package dev.tmem.bench.server;

import java.io.IOException;

/**
 * One connection of the load generator to one server, in its own protocol. Requests are buffered
 * until {@link #flush}; answers come back in the order of the requests (both protocols pipeline in
 * order), so the driver matches them by position.
 */
sealed interface Wire extends AutoCloseable permits TmemWire, MemcachedWire {

    /** Buffers a set of {@code value} (4 KiB) at {@code key}. */
    void sendSet(long key, byte[] value) throws IOException;

    /** Buffers a get of {@code key}. */
    void sendGet(long key) throws IOException;

    void flush() throws IOException;

    /**
     * Reads the answer to the oldest request not yet answered: {@code true} for a set stored or a
     * get that hit, {@code false} for a get that missed.
     *
     * @throws IOException if the server answered with an error, or the connection broke
     */
    boolean readAnswer() throws IOException;

    @Override
    void close() throws IOException;
}
