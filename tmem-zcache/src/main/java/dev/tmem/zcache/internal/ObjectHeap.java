package dev.tmem.zcache.internal;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The dense allocator (zcache's zsmalloc): stores objects of 1..65536 bytes in size classes and
 * hands back handles (see {@link HandleLayout}) that stay valid while objects move. It keeps bytes;
 * it neither compresses nor checks them.
 *
 * <p><b>Concurrency.</b> Each {@link SizeClass} has its own lock; the {@link ChunkAllocator}'s lock
 * is taken only to get or give back a whole slab. There is no global lock on the store or load path.
 */
public final class ObjectHeap implements AutoCloseable {

    private final MemoryBudget budget;
    private final ChunkAllocator chunks;
    private final AtomicReferenceArray<SizeClass> classes = new AtomicReferenceArray<>(SizeClasses.count());
    private final AtomicBoolean evacuating = new AtomicBoolean();
    /**
     * Free units after the last evacuation: a free only starts another once a further chunk's worth
     * of units has come free, so a fragmentation that evacuation cannot mend (no room lower down)
     * does not make every free scan the chunks again.
     */
    private volatile int freeUnitsAfterEvacuation;
    private long slabsRelocated; // guarded by this

    public ObjectHeap(MemoryBudget budget) {
        this.budget = budget;
        this.chunks = new ChunkAllocator(budget);
    }

    /**
     * Stores the first {@code length} bytes of {@code src} with entry word 1 {@code word1}.
     *
     * @return the handle, or 0 if the budget has no room
     */
    public long store(MemorySegment src, int length, long word1) {
        if (!budget.tryReserve(EntryLayout.ENTRY_BYTES)) {
            return 0L;
        }
        int c = SizeClasses.classOf(length);
        int e = sizeClass(c).store(src, length, word1, chunks, budget);
        if (e < 0) { // no room for a new slab: gather the free slots of every class, then try once more
            compact();
            e = sizeClass(c).store(src, length, word1, chunks, budget);
        }
        if (e < 0) {
            budget.release(EntryLayout.ENTRY_BYTES);
            return 0L;
        }
        return HandleLayout.object(c, e);
    }

    /**
     * Copies the object of {@code handle} to the start of {@code dst} (at least its length) and
     * returns its entry word 1 (which holds the length); see {@link SizeClass#copyOut}.
     *
     * @throws IllegalStateException if {@code handle} is not a live object of this heap
     */
    public long copyOut(long handle, MemorySegment dst) {
        return classOf(handle).copyOut(HandleLayout.entry(handle), dst);
    }

    /** Entry word 1 of a live handle (read without a lock: see {@link EntryTable}). */
    public long word1(long handle) {
        SizeClass c = classOf(handle);
        long w1 = c.word1(HandleLayout.entry(handle));
        if (EntryLayout.kind(w1) == EntryLayout.KIND_FREE || EntryLayout.kind(w1) == EntryLayout.KIND_PATTERN) {
            throw new IllegalStateException("no object at handle " + Long.toHexString(handle));
        }
        return w1;
    }

    /** The stored bytes of a live object, in place: a test hook (tests damage them), not for reading. */
    public MemorySegment objectMemory(long handle) {
        return classOf(handle).memoryOf(HandleLayout.entry(handle));
    }

    /**
     * Frees the object of {@code handle} and returns its entry word 1. If freed slabs have left the
     * chunks fragmented, the freeing thread then gathers slabs into the lower chunks (with no class
     * lock held), unless another thread is already doing so.
     */
    public long free(long handle) {
        long w1 = classOf(handle).free(HandleLayout.entry(handle), chunks, budget);
        budget.release(EntryLayout.ENTRY_BYTES);
        int free = chunks.freeUnits();
        if (free < freeUnitsAfterEvacuation) {
            freeUnitsAfterEvacuation = free; // allocations used the free units up: measure from here
        } else if (free >= freeUnitsAfterEvacuation + ChunkAllocator.UNITS_PER_CHUNK && chunks.fragmented()) {
            evacuateChunks();
        }
        return w1;
    }

    /**
     * Moves the slabs of sparse high chunks into free runs of lower chunks, so that those chunks
     * empty and go back to the system. One thread at a time; others return at once. Returns the
     * slabs moved.
     */
    public int evacuateChunks() {
        if (!evacuating.compareAndSet(false, true)) {
            return 0;
        }
        try {
            int moved = 0;
            for (ChunkAllocator.Evacuee e : chunks.slabsToEvacuate()) {
                if (e.slab().owner.relocate(e.slab(), e.from(), chunks)) {
                    moved++;
                }
            }
            synchronized (this) {
                slabsRelocated += moved;
            }
            freeUnitsAfterEvacuation = chunks.freeUnits();
            return moved;
        } finally {
            evacuating.set(false);
        }
    }

    /** The bytes a live object costs: its slot, its entry, its reverse-map cell. */
    public static long chargedBytes(long handle) {
        return SizeClasses.size(HandleLayout.sizeClass(handle)) + EntryLayout.ENTRY_BYTES + Integer.BYTES;
    }

    /** Compacts every class, then gathers the remaining slabs into the fewest chunks; returns the slabs freed. */
    public int compact() {
        int freed = 0;
        for (int i = 0; i < classes.length(); i++) {
            SizeClass c = classes.get(i);
            if (c != null) {
                freed += c.compact(chunks, budget);
            }
        }
        evacuateChunks();
        return freed;
    }

    /** Sums over the classes, each read under its lock. */
    public Totals totals() {
        long objects = 0, slots = 0, slabs = 0, compactions = 0, moved = 0, freed = 0;
        for (int i = 0; i < classes.length(); i++) {
            SizeClass c = classes.get(i);
            if (c == null) {
                continue;
            }
            long stamp = c.lock.readLock();
            try {
                objects += c.live();
                slots += c.capacity();
                slabs += c.slabCount();
                compactions += c.compactions;
                moved += c.objectsMoved;
                freed += c.slabsFreed;
            } finally {
                c.lock.unlockRead(stamp);
            }
        }
        long relocated;
        synchronized (this) {
            relocated = slabsRelocated;
        }
        return new Totals(objects, slots, slabs, compactions, moved, freed, relocated, chunks.chunks());
    }

    /** Figures summed over the classes. */
    public record Totals(long objects, long slots, long slabs, long compactions, long objectsMoved,
            long slabsFreed, long slabsRelocated, int chunks) {}

    @Override
    public void close() {
        chunks.close();
    }

    private SizeClass classOf(long handle) {
        int c = HandleLayout.sizeClass(handle);
        SizeClass sc = c >= 0 && c < classes.length() ? classes.get(c) : null;
        if (sc == null || HandleLayout.isInline(handle)) {
            throw new IllegalStateException("not a handle of this store: " + Long.toHexString(handle));
        }
        return sc;
    }

    private SizeClass sizeClass(int c) {
        SizeClass sc = classes.getAcquire(c);
        if (sc == null) {
            SizeClass made = new SizeClass(c);
            sc = classes.compareAndExchange(c, null, made);
            if (sc == null) {
                sc = made;
            }
        }
        return sc;
    }
}
