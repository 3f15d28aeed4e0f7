package dev.tmem.zcache.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A run of {@value ChunkAllocator#UNITS_PER_CHUNK} units of off-heap memory with an {@link Arena} of
 * its own, so that it can be given back to the system as soon as its last slab leaves. Guarded by
 * the {@link ChunkAllocator}'s lock.
 */
final class Chunk {

    final int id;
    final Arena arena;
    final MemorySegment memory;
    /** Bit {@code u} set when unit {@code u} belongs to a slab. */
    long usedUnits;
    /** The slab whose run starts at each unit. */
    final Slab[] slabAt = new Slab[ChunkAllocator.UNITS_PER_CHUNK];

    Chunk(int id) {
        this.id = id;
        this.arena = Arena.ofShared();
        this.memory = arena.allocate(ChunkAllocator.CHUNK_BYTES, SizeClasses.UNIT);
    }

    boolean isEmpty() {
        return usedUnits == 0;
    }

    int used() {
        return Long.bitCount(usedUnits);
    }

    /** The first unit of a free run of {@code units} units, or -1. */
    int findFreeRun(int units) {
        long free = ~usedUnits;
        if (units == Long.SIZE) {
            return free == -1L ? 0 : -1;
        }
        long runs = free; // bit u stays set iff units u..u+units-1 are all free
        for (int i = 1; i < units && runs != 0; i++) {
            runs &= free >>> i;
        }
        runs &= -1L >>> (units - 1); // a run may not pass the chunk's end
        return runs == 0 ? -1 : Long.numberOfTrailingZeros(runs);
    }

    static long mask(int first, int units) {
        return (units == Long.SIZE ? -1L : (1L << units) - 1) << first;
    }
}
