package dev.tmem.zcache.internal;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Places slabs: runs of contiguous 4 KiB units inside 256 KiB chunks of off-heap memory, one
 * {@link java.lang.foreign.Arena} per chunk. A chunk whose last slab leaves is closed at once (its
 * memory goes back to the system), except one spare kept to absorb churn.
 *
 * <p><b>Placement.</b> First fit from the lowest chunk id: new slabs fill the oldest chunks, so the
 * newest chunks are the ones that drain. When freed slabs leave chunks sparse,
 * {@link #slabsToEvacuate} names the slabs of the sparsest high chunks and {@link #relocate} moves
 * each to a lower chunk, so those chunks empty and are given back.
 *
 * <p><b>Budget.</b> A chunk is charged to the {@link MemoryBudget} before it is allocated; a slab
 * that would need a chunk beyond the budget is not placed.
 *
 * <p><b>Concurrency.</b> One lock, taken only to place, move or give back a whole slab (once per
 * several objects); callers that hold a size class's lock may take it (class lock, then this lock),
 * never the other way round.
 */
public final class ChunkAllocator {

    static final int UNITS_PER_CHUNK = 64;

    /** Bytes of a chunk. */
    public static final long CHUNK_BYTES = (long) UNITS_PER_CHUNK * SizeClasses.UNIT;

    private final ReentrantLock lock = new ReentrantLock();
    private final MemoryBudget budget;
    private final List<Chunk> chunks = new ArrayList<>(); // by id; null where a chunk was closed
    private int live;
    /** No chunk below this index has a free unit: first fit starts here. */
    private int firstNotFull;
    private volatile int freeUnits; // free units over all chunks held, the spare's included
    private Chunk spare;
    private boolean closed;

    public ChunkAllocator(MemoryBudget budget) {
        this.budget = budget;
    }

    /** Gives {@code slab} a run of its units; {@code false} if the budget has no room for a chunk. */
    boolean place(Slab slab) {
        lock.lock();
        try {
            checkOpen();
            for (int i = firstNotFull; i < chunks.size(); i++) {
                Chunk c = chunks.get(i);
                if (c != null && takeRun(c, slab)) {
                    return true;
                }
            }
            Chunk c = newChunk();
            return c != null && takeRun(c, slab);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Moves live {@code slab}, which must still be in chunk {@code from}, to a run in a chunk of lower
     * id, copying its bytes. The caller holds the slab's class lock, so no one reads or writes the
     * slab meanwhile. Returns {@code false} (and changes nothing) if no lower chunk has room.
     */
    boolean relocate(Slab slab, Chunk from) {
        lock.lock();
        try {
            if (closed || !slab.live || slab.chunk != from) {
                return false;
            }
            Chunk old = slab.chunk;
            int oldFirst = slab.firstUnit;
            MemorySegment oldMemory = slab.memory;
            for (int i = firstNotFull; i < from.id; i++) {
                Chunk c = chunks.get(i);
                if (c != null && takeRun(c, slab)) {
                    MemorySegment.copy(oldMemory, 0, slab.memory, 0, oldMemory.byteSize());
                    releaseRun(old, oldFirst, slab.units);
                    return true;
                }
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Gives back the run of {@code slab}; closes its chunk if that was its last slab. */
    void free(Slab slab) {
        lock.lock();
        try {
            slab.live = false;
            if (!closed) {
                releaseRun(slab.chunk, slab.firstUnit, slab.units);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whether free units are worth gathering: at least two chunks' worth, and a quarter of all units
     * held. Read without the lock.
     */
    boolean fragmented() {
        int free = freeUnits;
        return free >= 2 * UNITS_PER_CHUNK && free * 4 >= live * UNITS_PER_CHUNK;
    }

    /**
     * The slabs of the chunks worth emptying, highest chunk first: chunks at most three quarters
     * used whose used units fit in the free units of the chunks below them.
     */
    List<Evacuee> slabsToEvacuate() {
        lock.lock();
        try {
            int[] freeBelow = new int[chunks.size() + 1];
            for (int i = 0; i < chunks.size(); i++) {
                Chunk c = chunks.get(i);
                freeBelow[i + 1] = freeBelow[i] + (c == null ? 0 : UNITS_PER_CHUNK - c.used());
            }
            List<Evacuee> out = new ArrayList<>();
            for (int i = chunks.size() - 1; i > 0; i--) {
                Chunk c = chunks.get(i);
                if (c == null || c.isEmpty() || c.used() * 4 > UNITS_PER_CHUNK * 3 || c.used() > freeBelow[i]) {
                    continue;
                }
                for (Slab s : c.slabAt) {
                    if (s != null) {
                        out.add(new Evacuee(s, c));
                    }
                }
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** A slab to move and the chunk it was in when named. */
    record Evacuee(Slab slab, Chunk from) {}

    /** Free units over all chunks held now (read without the lock). */
    int freeUnits() {
        return freeUnits;
    }

    /** Chunks held now, the spare included. */
    public int chunks() {
        lock.lock();
        try {
            return live;
        } finally {
            lock.unlock();
        }
    }

    /** Closes every chunk; slabs become unusable. */
    public void close() {
        lock.lock();
        try {
            closed = true;
            for (Chunk c : chunks) {
                if (c != null) {
                    c.arena.close();
                    budget.release(CHUNK_BYTES);
                }
            }
            chunks.clear();
            live = 0;
            freeUnits = 0;
            spare = null;
        } finally {
            lock.unlock();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the store is closed");
        }
    }

    private boolean takeRun(Chunk c, Slab slab) {
        int first = c.findFreeRun(slab.units);
        if (first < 0) {
            return false;
        }
        c.usedUnits |= Chunk.mask(first, slab.units);
        c.slabAt[first] = slab;
        freeUnits -= slab.units;
        if (c == spare) {
            spare = null;
        }
        slab.chunk = c;
        slab.firstUnit = first;
        slab.memory = c.memory.asSlice((long) first * SizeClasses.UNIT, (long) slab.units * SizeClasses.UNIT);
        slab.live = true;
        while (firstNotFull < chunks.size()
                && (chunks.get(firstNotFull) == null || chunks.get(firstNotFull).usedUnits == -1L)) {
            firstNotFull++;
        }
        return true;
    }

    private void releaseRun(Chunk c, int first, int units) {
        c.usedUnits &= ~Chunk.mask(first, units);
        c.slabAt[first] = null;
        freeUnits += units;
        firstNotFull = Math.min(firstNotFull, c.id);
        if (c.isEmpty()) {
            retire(c);
        }
    }

    private Chunk newChunk() {
        if (!budget.tryReserve(CHUNK_BYTES)) {
            return null;
        }
        int id = chunks.indexOf(null);
        if (id < 0) {
            id = chunks.size();
            chunks.add(null);
        }
        Chunk c;
        try {
            c = new Chunk(id);
        } catch (OutOfMemoryError e) {
            budget.release(CHUNK_BYTES);
            return null;
        }
        chunks.set(id, c);
        firstNotFull = Math.min(firstNotFull, id);
        live++;
        freeUnits += UNITS_PER_CHUNK;
        return c;
    }

    private void retire(Chunk c) {
        if (spare == null) {
            spare = c;
            return;
        }
        // keep the lower of the two as the spare: first fit then refills low chunks first
        Chunk goner = c.id > spare.id ? c : spare;
        if (goner == spare) {
            spare = c;
        }
        chunks.set(goner.id, null);
        live--;
        freeUnits -= UNITS_PER_CHUNK;
        goner.arena.close();
        budget.release(CHUNK_BYTES);
    }
}
