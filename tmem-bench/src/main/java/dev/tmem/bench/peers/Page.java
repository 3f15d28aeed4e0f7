package dev.tmem.bench.peers;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/**
 * One 4 KiB page in the two forms the subjects take: an off-heap segment (tmem's API) and a
 * {@code byte[]} (the peers' APIs). Both hold the same bytes; a subject reads or writes the form
 * its API takes, so no subject pays for a conversion the others do not.
 *
 * <p>Source pages are written once before a run and only read after; a destination page belongs to
 * one thread.
 */
public record Page(MemorySegment segment, byte[] bytes) {

    public static final int SIZE = 4096;

    public Page {
        Objects.requireNonNull(segment, "segment");
        Objects.requireNonNull(bytes, "bytes");
        if (segment.byteSize() != SIZE || bytes.length != SIZE) {
            throw new IllegalArgumentException("a page is " + SIZE + " bytes");
        }
    }

    /** A zeroed page whose segment lives in {@code arena}. */
    public static Page allocate(Arena arena) {
        return new Page(arena.allocate(SIZE, 64), new byte[SIZE]);
    }

    /** A page holding a copy of {@code src} (4 KiB), its segment in {@code arena}. */
    public static Page copyOf(MemorySegment src, Arena arena) {
        Page page = allocate(arena);
        page.segment().copyFrom(src);
        MemorySegment.copy(src, ValueLayout.JAVA_BYTE, 0, page.bytes(), 0, SIZE);
        return page;
    }
}
