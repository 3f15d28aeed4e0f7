package dev.tmem.zcache.internal;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.concurrent.locks.StampedLock;

/**
 * One size class: its entries, its slabs, and the lock that guards them. Objects are stored,
 * copied out, freed and moved (by {@link #compact}) under {@link #lock}, which no path holds while
 * compressing or decompressing: a put compresses first, then takes the lock to copy the result in; a
 * get copies the stored bytes out under the lock, then decompresses them.
 *
 * <p><b>Compaction.</b> When a free leaves the class with at least two slabs' worth of free slots
 * and a quarter of its slots free, it moves objects from the emptiest slabs into the fullest ones
 * until no further slab can be emptied, and frees the empty slabs. An object's handle names its
 * entry, not its place, so a move only rewrites the entry's word 0: handles stay valid, and a reader
 * copies from the old place or the new one, each complete (a copy that raced the move is not
 * validated and is made again under the lock).
 */
public final class SizeClass {

    /** Write mode for every change; optimistic reads, then read mode, for {@link #copyOut}. */
    final StampedLock lock = new StampedLock();
    final int index;
    final int size;
    final int objectsPerSlab;
    final int slabUnits;
    final EntryTable entries = new EntryTable();

    private Slab[] slabs = new Slab[4];
    private int slabCount;
    private int[] freeIds = new int[4];
    private int freeIdCount;
    private Slab partialHead;
    private long capacity; // slots in all slabs
    // counters, read by stats under the lock
    long compactions, objectsMoved, slabsFreed;

    SizeClass(int index) {
        this.index = index;
        this.size = SizeClasses.size(index);
        this.objectsPerSlab = SizeClasses.objectsPerSlab(index);
        this.slabUnits = SizeClasses.slabUnits(index);
    }

    /**
     * Stores the first {@code length} bytes of {@code src} with entry word 1 {@code word1}.
     *
     * @return the entry, or -1 if a new slab was needed and the budget had no room for it
     */
    int store(MemorySegment src, int length, long word1, ChunkAllocator chunks, MemoryBudget budget) {
        long stamp = lock.writeLock();
        try {
            Slab slab = partialHead;
            if (slab == null) {
                slab = newSlab(chunks, budget);
                if (slab == null) {
                    return -1;
                }
            }
            int e = entries.allocate();
            int slot = slab.take(e);
            if (slab.full()) {
                unlinkPartial(slab);
            }
            MemorySegment.copy(src, 0, slab.memory, (long) slot * size, length);
            entries.set(e, EntryLayout.word0(slab.id, slot), word1);
            return e;
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /**
     * Copies the stored bytes of entry {@code e} to the start of {@code dst} and returns its word 1,
     * which holds their length. The caller checks and decodes the copy with no lock held.
     *
     * <p>First optimistically ({@link StampedLock#tryOptimisticRead}): the copy writes no shared cache
     * line, so loads on many threads do not contend on the lock word (under a server's load the read
     * lock's CAS and its release took a quarter of the server's samples). A writer that changed the
     * class meanwhile (a store into a reused slot, a move, a freed slab or chunk) fails the
     * validation, or makes the racy reads throw (an index out of range, a slab gone, a closed
     * chunk's memory: the FFM API checks every access); either way the copy is made again under the
     * read lock, where nothing changes or moves the bytes.
     *
     * @throws IllegalStateException if {@code e} is not a live entry (a stale or foreign handle)
     */
    long copyOut(int e, MemorySegment dst) {
        long stamp = lock.tryOptimisticRead();
        if (stamp != 0L) {
            try {
                long w1 = entries.word1(e);
                if (isLive(w1)) {
                    copy(entries.word0(e), w1, dst);
                    if (lock.validate(stamp)) {
                        return w1;
                    }
                }
            } catch (RuntimeException racedWithAWriter) {
                // read again under the lock, below
            }
        }
        stamp = lock.readLock();
        try {
            long w1 = liveWord1(e);
            copy(entries.word0(e), w1, dst);
            return w1;
        } finally {
            lock.unlockRead(stamp);
        }
    }

    private void copy(long w0, long w1, MemorySegment dst) {
        MemorySegment.copy(slabs[EntryLayout.slab(w0)].memory, (long) EntryLayout.slot(w0) * size, dst, 0,
                EntryLayout.length(w1));
    }

    /** The stored bytes of live entry {@code e}, in place (for tests that damage them). */
    MemorySegment memoryOf(int e) {
        long stamp = lock.writeLock();
        try {
            long w1 = liveWord1(e);
            long w0 = entries.word0(e);
            return slabs[EntryLayout.slab(w0)].memory.asSlice((long) EntryLayout.slot(w0) * size, EntryLayout.length(w1));
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /** Frees entry {@code e} and its slot; returns its word 1. */
    long free(int e, ChunkAllocator chunks, MemoryBudget budget) {
        long stamp = lock.writeLock();
        try {
            long w1 = liveWord1(e);
            long w0 = entries.word0(e);
            entries.free(e);
            Slab slab = slabs[EntryLayout.slab(w0)];
            boolean wasFull = slab.full();
            slab.release(EntryLayout.slot(w0));
            if (wasFull) {
                linkPartial(slab);
            }
            if (slab.used == 0) {
                freeSlab(slab, chunks, budget); // the chunk allocator's spare absorbs put/free churn
            } else if (shouldCompact()) {
                compactLocked(chunks, budget);
            }
            return w1;
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /** Word 1 of a live entry, read by a handle's holder without the lock (see {@link EntryTable}). */
    long word1(int e) {
        return entries.word1(e);
    }

    /**
     * Moves objects out of the emptiest slabs into the fullest until no more slabs can be emptied,
     * and frees the emptied ones. Returns the slabs freed.
     */
    int compact(ChunkAllocator chunks, MemoryBudget budget) {
        long stamp = lock.writeLock();
        try {
            return compactLocked(chunks, budget);
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    private int compactLocked(ChunkAllocator chunks, MemoryBudget budget) {
        Slab[] open = new Slab[slabCount];
        int n = 0;
        for (Slab s = partialHead; s != null; s = s.next) {
            open[n++] = s;
        }
        Arrays.sort(open, 0, n, (a, b) -> Integer.compare(a.used, b.used));
        int lo = 0, hi = n - 1, freed = 0;
        while (lo < hi) {
            Slab src = open[lo], dst = open[hi];
            if (src.used == 0) {
                freeSlab(src, chunks, budget);
                freed++;
                lo++;
            } else if (dst.full()) {
                unlinkPartial(dst);
                hi--;
            } else {
                moveOne(src, dst);
            }
        }
        for (int i = lo; i < n; i++) { // the last destination may have filled on the last move
            if (open[i].used == 0) {
                freeSlab(open[i], chunks, budget);
                freed++;
            } else if (open[i].full()) {
                unlinkPartial(open[i]);
            }
        }
        compactions++;
        slabsFreed += freed;
        return freed;
    }

    /**
     * Moves {@code slab} out of chunk {@code from} to a lower chunk, if it is still live there and a
     * lower chunk has room. Returns whether it moved.
     */
    boolean relocate(Slab slab, Chunk from, ChunkAllocator chunks) {
        long stamp = lock.writeLock();
        try {
            return chunks.relocate(slab, from);
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    int live() {
        return entries.live();
    }

    long capacity() {
        return capacity;
    }

    int slabCount() {
        return slabCount - freeIdCount;
    }

    private boolean shouldCompact() {
        long free = capacity - live();
        return free >= 2L * objectsPerSlab && free * 4 >= capacity;
    }

    private void moveOne(Slab src, Slab dst) {
        int from = 0;
        while (src.slots[from] < 0) {
            from++;
        }
        int e = src.slots[from];
        int to = dst.take(e);
        MemorySegment.copy(src.memory, (long) from * size, dst.memory, (long) to * size, size);
        entries.setWord0(e, EntryLayout.word0(dst.id, to));
        src.release(from);
        objectsMoved++;
    }

    private static boolean isLive(long w1) {
        int kind = EntryLayout.kind(w1);
        return kind == EntryLayout.KIND_COMPRESSED || kind == EntryLayout.KIND_RAW;
    }

    private long liveWord1(int e) {
        long w1 = entries.inRange(e) ? entries.word1(e) : 0L;
        if (!isLive(w1)) {
            throw new IllegalStateException("no page at entry " + e + " of size class " + index
                    + " (a freed or foreign handle)");
        }
        return w1;
    }

    private Slab newSlab(ChunkAllocator chunks, MemoryBudget budget) {
        long meta = Slab.metadataBytes(objectsPerSlab);
        if (!budget.tryReserve(meta)) {
            return null;
        }
        Slab slab = new Slab(this, slabUnits);
        if (!chunks.place(slab)) {
            budget.release(meta);
            return null;
        }
        slab.format(objectsPerSlab);
        int id;
        if (freeIdCount > 0) {
            id = freeIds[--freeIdCount];
        } else {
            if (slabCount == slabs.length) {
                slabs = Arrays.copyOf(slabs, slabCount * 2);
            }
            id = slabCount++;
        }
        slab.id = id;
        slabs[id] = slab;
        capacity += objectsPerSlab;
        linkPartial(slab);
        return slab;
    }

    private void freeSlab(Slab slab, ChunkAllocator chunks, MemoryBudget budget) {
        unlinkPartial(slab);
        slabs[slab.id] = null;
        if (freeIdCount == freeIds.length) {
            freeIds = Arrays.copyOf(freeIds, freeIdCount * 2);
        }
        freeIds[freeIdCount++] = slab.id;
        capacity -= objectsPerSlab;
        chunks.free(slab);
        budget.release(Slab.metadataBytes(objectsPerSlab));
    }

    private void linkPartial(Slab s) {
        if (s.partial) {
            return;
        }
        s.partial = true;
        s.prev = null;
        s.next = partialHead;
        if (partialHead != null) {
            partialHead.prev = s;
        }
        partialHead = s;
    }

    private void unlinkPartial(Slab s) {
        if (!s.partial) {
            return;
        }
        s.partial = false;
        if (s.prev != null) {
            s.prev.next = s.next;
        } else {
            partialHead = s.next;
        }
        if (s.next != null) {
            s.next.prev = s.prev;
        }
        s.prev = s.next = null;
    }
}
