package dev.tmem.zcache.internal;

import java.lang.foreign.MemorySegment;

/**
 * One slab of a size class: a run of units holding equal slots, with the entry of the object in
 * each slot (the reverse map compaction needs) and a free list of slots through the same array.
 * Guarded by its class's lock. Entries name a slab by its id in the class, not by its memory, so the
 * allocator can move a slab's whole run to another chunk without touching any entry.
 */
final class Slab {

    /** Metadata bytes charged per slab besides its reverse map: this object and the segment's. */
    static final int HEADER_BYTES = 96;

    final SizeClass owner;
    final int units;
    // where the slab lives: set by the ChunkAllocator, changed only when it relocates the slab
    // (under both the owner's lock and the allocator's)
    Chunk chunk;
    int firstUnit;
    MemorySegment memory;
    /** False once the slab is given back. */
    boolean live;

    /** Index in the class's slab table. */
    int id = -1;
    /** Per slot: the entry stored there (>= 0), or, for a free slot, {@code -2 - nextFreeSlot}. */
    int[] slots;
    int used;
    private int freeHead;
    /** Links of the class's list of slabs with free slots. */
    Slab prev, next;
    boolean partial;

    Slab(SizeClass owner, int units) {
        this.owner = owner;
        this.units = units;
    }

    void format(int objects) {
        slots = new int[objects];
        for (int i = 0; i < objects; i++) {
            slots[i] = -2 - (i + 1 < objects ? i + 1 : -1);
        }
        freeHead = 0;
        used = 0;
    }

    boolean full() {
        return used == slots.length;
    }

    /** Takes a free slot for {@code entry}; the slab must not be full. */
    int take(int entry) {
        int s = freeHead;
        freeHead = -2 - slots[s];
        slots[s] = entry;
        used++;
        return s;
    }

    void release(int slot) {
        slots[slot] = -2 - freeHead;
        freeHead = slot;
        used--;
    }

    static long metadataBytes(int objects) {
        return HEADER_BYTES + 16 + 4L * objects;
    }
}
