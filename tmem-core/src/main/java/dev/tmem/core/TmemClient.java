package dev.tmem.core;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.OptionalLong;

/**
 * One tenant of a {@link TmemEngine}: it owns private pools, attaches to shared pools, and is charged
 * for the pages it puts. Obtain one with {@link TmemEngine#client(String)}; all methods are
 * thread-safe.
 *
 * <p><b>Handles.</b> A page is addressed by (pool, object id, index). Pool ids are private to the
 * client; an id that is not one of this client's pools throws {@link UnknownPoolException}, whoever
 * owns it. Index is an unsigned 32-bit number (see {@link PageIndex}).
 *
 * <p><b>Bad input.</b> A {@code null}, a page of the wrong size, an index out of range, an unknown
 * pool, or a call after {@link #close()} throws an exception that names the bad argument, and
 * changes nothing.
 */
public final class TmemClient implements AutoCloseable {

    private final TmemEngine engine;
    final ClientState state;

    TmemClient(TmemEngine engine, ClientState state) {
        this.engine = engine;
        this.state = state;
    }

    public String name() {
        return state.name;
    }

    /** The client's number, unique among the engine's live clients. */
    public int number() {
        return state.number;
    }

    /**
     * Creates a private pool, or attaches to the shared pool of {@code spec.sharedUuid()} (creating it
     * if no client is attached). Each call returns a new id, also for a second attachment to the same
     * shared pool.
     *
     * @throws IllegalArgumentException if the shared pool exists with another page size
     * @throws PoolLimitException if the client already has the maximum number of pools
     */
    public PoolId newPool(PoolSpec spec) {
        return engine.newPool(state, spec);
    }

    /**
     * Destroys a private pool, removing all its pages, or detaches from a shared pool; the last detach
     * removes the shared pool's pages. Waits for pinned pages of the pool to be released.
     *
     * @return pages removed (0 for a detach that is not the last)
     * @throws PinTimeoutException if pins were not released in time; nothing was destroyed
     */
    public long destroyPool(PoolId pool) {
        return engine.destroyPool(state, pool);
    }

    /**
     * Stores a copy of {@code page} at the handle; the caller may reuse {@code page} at once. On
     * success the page replaces any page at the handle. On failure (no room in the budget or the cap
     * that eviction could make) the handle holds no page afterwards, even if it held one before.
     *
     * @param page exactly the pool's page size
     * @return {@code true} if stored
     */
    public boolean putPage(PoolId pool, ObjectId oid, long index, MemorySegment page) {
        return engine.putPage(state, pool, oid, index, page);
    }

    /** {@link #putPage(PoolId, ObjectId, long, MemorySegment)} from a byte array. */
    public boolean putPage(PoolId pool, ObjectId oid, long index, byte[] page) {
        return putPage(pool, oid, index, MemorySegment.ofArray(requirePage(page)));
    }

    /**
     * Copies the page at the handle into {@code dst}. A hit on a private ephemeral pool removes the
     * page; a hit on a shared pool leaves it; a hit on a persistent pool leaves it.
     *
     * @param dst exactly the pool's page size
     * @return {@code true} on a hit, {@code false} on a miss ({@code dst} is then unchanged)
     */
    public boolean getPage(PoolId pool, ObjectId oid, long index, MemorySegment dst) {
        return engine.getPage(state, pool, oid, index, dst, false);
    }

    /**
     * As {@link #getPage(PoolId, ObjectId, long, MemorySegment)}; with {@code exclusive} a hit on a
     * persistent pool also removes the page (frontswap's exclusive gets). On ephemeral pools the flag
     * changes nothing.
     */
    public boolean getPage(PoolId pool, ObjectId oid, long index, MemorySegment dst, boolean exclusive) {
        return engine.getPage(state, pool, oid, index, dst, exclusive);
    }

    /** The page at the handle as a new array, or {@code null} on a miss (same rules as above). */
    public byte[] getPage(PoolId pool, ObjectId oid, long index) {
        byte[] dst = new byte[engine.pageSize(state, pool)];
        return getPage(pool, oid, index, MemorySegment.ofArray(dst), false) ? dst : null;
    }

    /**
     * Removes the page at the handle. Idempotent.
     *
     * @return pages removed: 0 or 1
     */
    public int flushPage(PoolId pool, ObjectId oid, long index) {
        return engine.flushPage(state, pool, oid, index);
    }

    /**
     * Removes every page of the object. Idempotent.
     *
     * @return pages removed
     */
    public long flushObject(PoolId pool, ObjectId oid) {
        return engine.flushObject(state, pool, oid);
    }

    /**
     * Pins the page at the handle for zero-copy reading; see {@link PinnedPage}. Pinning never removes
     * the page, on any kind of pool.
     *
     * @return the pin, or {@code null} on a miss
     * @throws IllegalStateException if the pool is being destroyed
     */
    public PinnedPage pin(PoolId pool, ObjectId oid, long index) {
        return engine.pin(state, pool, oid, index);
    }

    /** The spec the pool was created with. */
    public PoolSpec poolSpec(PoolId pool) {
        return engine.poolSpec(state, pool);
    }

    /** This client's pool ids, in increasing order. */
    public List<PoolId> pools() {
        return engine.pools(state);
    }

    /** Sets the client's weight in eviction (see {@link TmemEngine}); default 1. */
    public void setWeight(int weight) {
        if (weight < 1) {
            throw new IllegalArgumentException("weight must be >= 1, was " + weight);
        }
        engine.checkOpen(state);
        state.weight = weight;
    }

    public int weight() {
        return state.weight;
    }

    /**
     * Caps the pages charged to this client (persistent and ephemeral). Lowering the cap below the
     * pages held evicts nothing at once: later puts evict the client's own pages or fail.
     */
    public void setCapPages(long capPages) {
        if (capPages < 0) {
            throw new IllegalArgumentException("capPages must be >= 0, was " + capPages);
        }
        engine.checkOpen(state);
        state.capPages = capPages;
    }

    /** Removes the client's cap. */
    public void clearCap() {
        engine.checkOpen(state);
        state.capPages = ClientState.NO_CAP;
    }

    public OptionalLong capPages() {
        long cap = state.capPages;
        return cap == ClientState.NO_CAP ? OptionalLong.empty() : OptionalLong.of(cap);
    }

    public ClientStats stats() {
        return engine.clientStats(state);
    }

    /**
     * Destroys the client's private pools, detaches it from shared pools, and removes every page
     * still charged to it (its pages in shared pools that others keep). Idempotent.
     *
     * @throws PinTimeoutException if pins of its pools were not released in time; the client stays
     *     open
     */
    @Override
    public void close() {
        engine.closeClient(state);
    }

    private static byte[] requirePage(byte[] page) {
        if (page == null) {
            throw new NullPointerException("page");
        }
        return page;
    }

    @Override
    public String toString() {
        return "TmemClient[" + state.name + "#" + state.number + "]";
    }
}
