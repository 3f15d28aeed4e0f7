package dev.tmem.core.spi;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Page-addressable memory (the "PAM" of the original tmem): keeps the bytes of pages and hands back
 * {@code long} handles. The engine decides which handle belongs to which (pool, object, index) and
 * when a page goes; the store only keeps bytes. The engine never touches page bytes itself.
 *
 * <p><b>Handles.</b> A handle is an opaque non-zero {@code long} whose bit layout each implementation
 * documents. {@link #NO_HANDLE} (0) and {@link #NO_ROOM} (-1) are never valid handles. A handle is valid from the
 * {@link #store} that returned it to the {@link #free} that releases it; using it afterwards is a
 * caller bug that implementations should detect where cheap.
 *
 * <p><b>Concurrency.</b> All methods may be called from many threads at once. The engine never calls
 * {@link #load}, {@link #view} or {@link #free} concurrently on the same handle with {@code free}.
 *
 * <p><b>Charges.</b> {@link #chargedBytes} is what the page costs against the engine's memory
 * budget: its stored size rounded up to the store's allocation unit. It must not change while the
 * handle lives.
 */
public interface PageStore extends AutoCloseable {

    /** Returned by {@link #store} when the store refuses this page (a policy); never a valid handle. */
    long NO_HANDLE = 0L;

    /**
     * Returned by {@link #store} when the store has no room now (its own memory limit), so that the
     * caller may free pages and try again; never a valid handle. The engine then evicts ephemeral
     * pages, least recently used first, as it does for its own budget.
     */
    long NO_ROOM = -1L;

    /** A short name for stats and logs ({@code "raw"}, {@code "zcache-lz4"}). */
    String name();

    /**
     * Stores a copy of {@code page}, whose size is the pool's page size (a power of two from 4096 to
     * 65536). The caller may reuse {@code page} as soon as this returns.
     *
     * @return the new handle; {@link #NO_ROOM} if the store has no room for it now; or
     *     {@link #NO_HANDLE} if it refuses the page for another reason (a policy, such as zcache
     *     refusing incompressible pages)
     */
    long store(MemorySegment page);

    /**
     * Replaces the page at {@code handle} with a copy of {@code page} in place, if the store can do
     * so without changing the handle or what it is charged (same size class, say); otherwise it
     * changes nothing and returns {@code false}, and the engine stores the page under a new handle.
     * The engine calls this while no one can read the handle (under its stripe lock, with the page
     * unpinned), so the bytes may be rewritten in place.
     *
     * @param page the pool's page size, as for {@link #store}
     */
    boolean overwrite(long handle, MemorySegment page);

    /**
     * Copies the page at {@code handle} into {@code dst}, whose size is the page size the page was
     * stored with.
     *
     * @throws IllegalStateException if the stored bytes are found corrupt (a store that can detect
     *     it must; the engine then treats the page as lost)
     */
    void load(long handle, MemorySegment dst);

    /**
     * A read-only view of the page at {@code handle} whose lifetime is {@code scope}: it must not be
     * usable after {@code scope} is closed. A store that keeps raw bytes returns them in place (zero
     * copy); a store that transforms them may allocate the view from {@code scope} and decode into it.
     * The caller guarantees that the handle is not freed while {@code scope} is open.
     */
    MemorySegment view(long handle, Arena scope);

    /** Bytes of page data the store keeps for {@code handle} (after compression, if any). */
    long storedBytes(long handle);

    /** Bytes that {@code handle} costs against the budget (see the class comment). */
    long chargedBytes(long handle);

    /** Releases {@code handle}; its memory may be reused at once. */
    void free(long handle);

    /** Memory the store holds now, in bytes, including free space inside its slabs. */
    long reservedBytes();

    /** Releases all memory. Handles become invalid; the engine calls this last, at its own close. */
    @Override
    void close();
}
