package dev.tmem.core.store;

import dev.tmem.core.spi.PageStore;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Keeps pages raw (uncompressed) off-heap, in slabs of {@value #SLAB_BYTES} bytes, each slab a
 * {@link MemorySegment} of its own {@link Arena} so that an empty slab can be given back alone.
 * A slab is carved into slots of one page size (4 KiB to 64 KiB); a page costs exactly its size.
 *
 * <h2>Handle layout</h2>
 *
 * <pre>
 *  63                 40 39                      16 15            4 3      0
 * +---------------------+--------------------------+---------------+--------+
 * |   0 (reserved)      |  slab number (24 bits)   | slot (12 bits)| class+1|
 * +---------------------+--------------------------+---------------+--------+
 * </pre>
 *
 * {@code class} is {@code log2(pageSize) - 12} (0..4), stored plus one so that no handle is 0
 * ({@link #NO_HANDLE}). A slab holds {@code SLAB_BYTES >> (class + 12)} slots (512 to 32).
 *
 * <h2>Implementation notes</h2>
 *
 * <p><b>Concurrency.</b> Slots are allocated and freed under the lock of a <i>shard</i>: each thread
 * allocates from the shard it was given on first use (round-robin), and a slab belongs to the shard
 * that formatted it, so threads on different shards never share a lock. A lock is held only to flip
 * a bit of the slab's free map; page bytes are copied outside any lock (a slot is owned by its handle
 * from allocation to free). Creating and releasing slabs (rare) takes the store's {@code slabLock}, after a shard lock
 * when both are held.
 *
 * <p><b>Lifetime.</b> A slab whose slots are all free goes to a small cache of empty slabs (reused
 * by any size class); beyond {@value #CACHED_EMPTY_SLABS} empty slabs its arena is closed and the
 * memory returned. {@link #close()} closes every arena.
 *
 * <p><b>Checks.</b> Freeing a free slot, or a handle whose slab was given back or reformatted for
 * another size, throws {@link IllegalStateException}. With {@code -Dtmem.debug.store=true}, loads
 * and views check the slot is allocated too.
 */
public final class OffHeapPageStore implements PageStore {

    public static final int SLAB_BYTES = 2 << 20;
    static final int CACHED_EMPTY_SLABS = 4;
    private static final int MIN_SHIFT = 12;
    private static final int CLASSES = 5;
    private static final int MAX_SLABS = 1 << 24;
    private static final boolean DEBUG = Boolean.getBoolean("tmem.debug.store");

    private final Shard[] shards;
    private final ReentrantLock slabLock = new ReentrantLock();
    /** Slabs by number; replaced (never shrunk) under slabLock, read without it. */
    private volatile Slab[] slabs = new Slab[64];
    private final ArrayDeque<Integer> freeNumbers = new ArrayDeque<>();
    private final ArrayDeque<Slab> emptySlabs = new ArrayDeque<>();
    private int nextNumber;
    private long reserved;
    private boolean closed;

    /** Threads take shards round-robin, on first use, so that two threads rarely share one. */
    private final AtomicInteger nextShard = new AtomicInteger();
    private final ThreadLocal<Shard> threadShard;

    public OffHeapPageStore() {
        int n = Integer.highestOneBit(Math.max(1, Runtime.getRuntime().availableProcessors()) * 4 - 1);
        shards = new Shard[n];
        for (int i = 0; i < n; i++) {
            shards[i] = new Shard();
        }
        threadShard = ThreadLocal.withInitial(() -> shards[nextShard.getAndIncrement() & (n - 1)]);
    }

    @Override
    public String name() {
        return "raw";
    }

    @Override
    public long store(MemorySegment page) {
        int size = (int) page.byteSize();
        int cls = Integer.numberOfTrailingZeros(size) - MIN_SHIFT;
        if (Integer.bitCount(size) != 1 || cls < 0 || cls >= CLASSES) {
            throw new IllegalArgumentException("page size must be a power of two from 4096 to 65536, was " + size);
        }
        long handle = threadShard.get().allocate(cls);
        if (handle == NO_HANDLE) {
            return NO_HANDLE;
        }
        MemorySegment.copy(page, 0, slabOf(handle).segment, offset(handle), size);
        return handle;
    }

    /** A raw page is the same size in place: always rewritten there when the sizes match. */
    @Override
    public boolean overwrite(long handle, MemorySegment page) {
        if (page.byteSize() != pageSize(handle)) {
            return false;
        }
        Slab slab = slabOf(handle);
        if (DEBUG) {
            slab.checkAllocated(handle);
        }
        MemorySegment.copy(page, 0, slab.segment, offset(handle), page.byteSize());
        return true;
    }

    @Override
    public void load(long handle, MemorySegment dst) {
        Slab slab = slabOf(handle);
        if (DEBUG) {
            slab.checkAllocated(handle);
        }
        MemorySegment.copy(slab.segment, offset(handle), dst, 0, pageSize(handle));
    }

    /**
     * {@inheritDoc} The view is the slab's own memory, re-scoped to {@code scope} (a restricted
     * method: run with {@code --enable-native-access}); the engine keeps the slot allocated while
     * the scope is open.
     */
    @Override
    @SuppressWarnings("restricted")
    public MemorySegment view(long handle, Arena scope) {
        Slab slab = slabOf(handle);
        if (DEBUG) {
            slab.checkAllocated(handle);
        }
        return slab.segment.asSlice(offset(handle), pageSize(handle)).reinterpret(scope, null).asReadOnly();
    }

    @Override
    public long storedBytes(long handle) {
        return pageSize(handle);
    }

    @Override
    public long chargedBytes(long handle) {
        return pageSize(handle);
    }

    @Override
    public void free(long handle) {
        Slab slab = slabOf(handle);
        slab.shard.free(slab, handle);
    }

    @Override
    public long reservedBytes() {
        slabLock.lock();
        try {
            return reserved;
        } finally {
            slabLock.unlock();
        }
    }

    /**
     * Handles allocated now (stored and not yet freed). Tests compare it with the engine's page
     * count to catch leaked or double-counted handles; it locks each shard in turn, so it is exact
     * only while nothing stores or frees.
     */
    public long liveHandles() {
        long live = 0;
        for (Slab slab : slabs) {
            if (slab == null) {
                continue;
            }
            Shard shard = slab.shard;
            if (shard == null) {
                continue;
            }
            shard.lock.lock();
            try {
                if (slab.cls >= 0) {
                    live += slab.slots - slab.free;
                }
            } finally {
                shard.lock.unlock();
            }
        }
        return live;
    }

    @Override
    public void close() {
        slabLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            for (Slab slab : slabs) {
                if (slab != null && slab.arena.scope().isAlive()) {
                    slab.arena.close();
                }
            }
            emptySlabs.clear();
            reserved = 0;
        } finally {
            slabLock.unlock();
        }
    }

    @Override
    public String toString() {
        return "OffHeapPageStore[reserved=" + reservedBytes() + "]";
    }

    // ---- handle fields ----

    private static int cls(long handle) {
        return (int) (handle & 0xF) - 1;
    }

    private static int slot(long handle) {
        return (int) (handle >>> 4) & 0xFFF;
    }

    private static int number(long handle) {
        return (int) (handle >>> 16) & (MAX_SLABS - 1);
    }

    private static int pageSize(long handle) {
        return 1 << (cls(handle) + MIN_SHIFT);
    }

    private static long offset(long handle) {
        return (long) slot(handle) << (cls(handle) + MIN_SHIFT);
    }

    private static long handle(int number, int slot, int cls) {
        return ((long) number << 16) | ((long) slot << 4) | (cls + 1);
    }

    private Slab slabOf(long handle) {
        int cls = cls(handle);
        int number = number(handle);
        Slab[] all = slabs;
        Slab slab = number < all.length ? all[number] : null;
        if (cls < 0 || cls >= CLASSES || slab == null || slab.cls != cls || handle >>> 40 != 0) {
            throw new IllegalStateException("not a live handle of this store: 0x" + Long.toHexString(handle));
        }
        return slab;
    }

    // ---- slabs ----

    /** An empty slab formatted for {@code cls} and owned by {@code shard}, or null when out of memory. */
    private Slab takeEmptySlab(int cls, Shard shard) {
        slabLock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("store is closed");
            }
            Slab slab = emptySlabs.pollFirst();
            if (slab == null) {
                slab = newSlab();
                if (slab == null) {
                    return null;
                }
            }
            slab.format(cls, shard);
            Slab[] all = slabs;
            all[slab.number] = slab;
            slabs = all; // volatile write publishes the reformatted slab
            return slab;
        } finally {
            slabLock.unlock();
        }
    }

    private Slab newSlab() {
        int number;
        if (!freeNumbers.isEmpty()) {
            number = freeNumbers.pollFirst();
        } else if (nextNumber < MAX_SLABS) {
            number = nextNumber++;
        } else {
            return null;
        }
        Arena arena = Arena.ofShared();
        MemorySegment segment;
        try {
            segment = arena.allocate(SLAB_BYTES, 4096);
        } catch (OutOfMemoryError e) {
            arena.close();
            freeNumbers.addFirst(number);
            return null;
        }
        if (number >= slabs.length) {
            slabs = Arrays.copyOf(slabs, Math.max(number + 1, slabs.length * 2));
        }
        reserved += SLAB_BYTES;
        return new Slab(number, arena, segment);
    }

    /** Takes back a slab that has just become empty. Caller holds the slab's shard lock. */
    private void returnEmptySlab(Slab slab) {
        slabLock.lock();
        try {
            if (closed) {
                return;
            }
            slab.cls = -1; // stale handles into it now fail the class check
            if (emptySlabs.size() < CACHED_EMPTY_SLABS) {
                emptySlabs.addFirst(slab);
                return;
            }
            Slab[] all = slabs;
            all[slab.number] = null;
            slabs = all;
            freeNumbers.addFirst(slab.number);
            reserved -= SLAB_BYTES;
            slab.arena.close();
        } finally {
            slabLock.unlock();
        }
    }

    private static final class Slab {
        final int number;
        final Arena arena;
        final MemorySegment segment;
        /** Guarded by {@code shard.lock}. Bit set = slot free. */
        final long[] freeMap = new long[SLAB_BYTES >> MIN_SHIFT >> 6];
        volatile int cls = -1;
        Shard shard;
        int free;
        int slots;

        Slab(int number, Arena arena, MemorySegment segment) {
            this.number = number;
            this.arena = arena;
            this.segment = segment;
        }

        void format(int cls, Shard shard) {
            this.shard = shard;
            this.slots = SLAB_BYTES >> (cls + MIN_SHIFT);
            this.free = slots;
            Arrays.fill(freeMap, 0);
            for (int s = 0; s < slots; s++) {
                freeMap[s >>> 6] |= 1L << s;
            }
            this.cls = cls;
        }

        int takeSlot() {
            for (int w = 0; w < freeMap.length; w++) {
                long bits = freeMap[w];
                if (bits != 0) {
                    int bit = Long.numberOfTrailingZeros(bits);
                    freeMap[w] = bits & ~(1L << bit);
                    free--;
                    return (w << 6) | bit;
                }
            }
            throw new AssertionError("slab on the partial list has no free slot");
        }

        void checkAllocated(long handle) {
            shard.lock.lock();
            try {
                int s = slot(handle);
                if ((freeMap[s >>> 6] & (1L << s)) != 0) {
                    throw new IllegalStateException("use after free of handle 0x" + Long.toHexString(handle));
                }
            } finally {
                shard.lock.unlock();
            }
        }
    }

    private final class Shard {
        final ReentrantLock lock = new ReentrantLock();
        /** Per class, slabs of this shard with at least one free slot. Guarded by lock. */
        @SuppressWarnings({"unchecked", "rawtypes"}) // a generic array
        final ArrayDeque<Slab>[] partial = new ArrayDeque[CLASSES];

        Shard() {
            for (int c = 0; c < CLASSES; c++) {
                partial[c] = new ArrayDeque<>();
            }
        }

        long allocate(int cls) {
            lock.lock();
            try {
                Slab slab = partial[cls].peekFirst();
                if (slab == null) {
                    slab = takeEmptySlab(cls, this);
                    if (slab == null) {
                        return NO_HANDLE;
                    }
                    partial[cls].addFirst(slab);
                }
                int s = slab.takeSlot();
                if (slab.free == 0) {
                    partial[cls].pollFirst();
                }
                return handle(slab.number, s, cls);
            } finally {
                lock.unlock();
            }
        }

        void free(Slab slab, long handle) {
            lock.lock();
            try {
                int s = slot(handle);
                if (slab.cls != cls(handle) || s >= slab.slots) {
                    throw new IllegalStateException("not a live handle of this store: 0x" + Long.toHexString(handle));
                }
                long bit = 1L << s;
                if ((slab.freeMap[s >>> 6] & bit) != 0) {
                    throw new IllegalStateException("double free of handle 0x" + Long.toHexString(handle));
                }
                slab.freeMap[s >>> 6] |= bit;
                if (slab.free++ == 0) {
                    partial[slab.cls].addFirst(slab);
                }
                if (slab.free == slab.slots) {
                    partial[slab.cls].remove(slab);
                    returnEmptySlab(slab);
                }
            } finally {
                lock.unlock();
            }
        }
    }
}
