package dev.tmem.frontend.spi;

import dev.tmem.core.ObjectId;
import dev.tmem.core.PoolId;
import dev.tmem.core.PoolSpec;
import java.lang.foreign.MemorySegment;

/**
 * What keeps the pages behind the frontends: the tmem operations of {@code SEMANTICS.md} section 2.
 * A local engine, a remote server's client and a peer cluster all implement this one interface, so
 * {@link dev.tmem.frontend.Cleancache} and {@link dev.tmem.frontend.Frontswap} plug into any of them
 * the same way.
 *
 * <p><b>Contract.</b> Every rule of section 2 holds: puts and gets copy; a get returns the bytes of
 * the last successful put at the handle or misses; a failed put leaves nothing at its handle;
 * persistent pages stay until flushed; a hit on a private ephemeral pool removes the page. Pool ids
 * are the backend's own: the frontends keep them and never invent them.
 *
 * <p><b>Concurrency.</b> All methods may be called from many threads at once. The frontends never
 * call a page operation on a pool concurrently with, or after, {@link #destroyPool} of that pool,
 * and never call anything after {@link #close()}.
 *
 * <p><b>Failures.</b> A method may throw a {@link RuntimeException} when the backend cannot do its
 * work (a lost connection, say). Cleancache treats that as a miss or a dropped put; frontswap
 * refuses the store, and propagates the exception from a load (the page cannot be found anywhere
 * else).
 */
public interface TmemBackend extends AutoCloseable {

    /** A short name for stats and error messages ({@code "local(raw)"}). */
    String name();

    /** Creates a pool, or attaches to the shared pool of {@code spec.sharedUuid()}. */
    PoolId newPool(PoolSpec spec);

    /**
     * Destroys a pool (detaches from a shared pool), removing its pages.
     *
     * @return pages removed
     */
    long destroyPool(PoolId pool);

    /**
     * Stores a copy of {@code page} (exactly the pool's page size) at the handle.
     *
     * @return {@code true} if stored; on {@code false} the handle holds no page
     */
    boolean putPage(PoolId pool, ObjectId oid, long index, MemorySegment page);

    /**
     * Copies the page at the handle into {@code dst}; with {@code exclusive} a hit also removes it
     * (on persistent pools; a hit on a private ephemeral pool always removes it).
     *
     * @return {@code true} on a hit; {@code dst} is unchanged on a miss
     */
    boolean getPage(PoolId pool, ObjectId oid, long index, MemorySegment dst, boolean exclusive);

    /** Removes the page at the handle; returns 0 or 1. */
    int flushPage(PoolId pool, ObjectId oid, long index);

    /** Removes every page of the object; returns how many. */
    long flushObject(PoolId pool, ObjectId oid);

    /**
     * Whether the backend is short of memory now: a hint that {@link dev.tmem.frontend.SelfShrink}
     * acts on by moving frontswap pages back to their swap areas. Cheap enough to call every few
     * seconds. By default never.
     */
    default boolean underPressure() {
        return false;
    }

    /**
     * Whether frontswap should switch to writethrough mode when this backend registers: a backend
     * whose pages may vanish without frontswap's knowledge (a remote server that can restart) says
     * yes, so that every swap page is in its swap area too and a load the backend can no longer
     * answer is read from there. By default no.
     */
    default boolean prefersWritethrough() {
        return false;
    }

    /** Releases the backend's resources. The frontends have destroyed their pools before. */
    @Override
    void close();
}
