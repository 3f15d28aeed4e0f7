package dev.tmem.zcache.internal;

import dev.tmem.zcache.Codec;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/** Argument checks and segment-to-buffer views shared by the codecs. */
public final class Pages {

    private Pages() {}

    /** Returns {@code pageSize} if it is a page size (a power of two, 4096..65536), else throws. */
    public static int checkPageSize(long pageSize) {
        if (pageSize < Codec.MIN_PAGE_SIZE || pageSize > Codec.MAX_PAGE_SIZE || Long.bitCount(pageSize) != 1) {
            throw new IllegalArgumentException("page size must be a power of two from " + Codec.MIN_PAGE_SIZE
                    + " to " + Codec.MAX_PAGE_SIZE + ", was " + pageSize);
        }
        return (int) pageSize;
    }

    static void checkWritable(MemorySegment s, String what) {
        if (s.isReadOnly()) {
            throw new IllegalArgumentException(what + " is read-only");
        }
    }

    /**
     * A buffer over all of {@code s} (position 0, limit its size): direct for a native segment,
     * array-backed for a writable {@code byte[]} heap segment, read-only for a read-only one; or
     * {@code null} if {@code s} cannot be seen as a buffer (a heap segment over another array type).
     */
    static ByteBuffer buffer(MemorySegment s) {
        if (s.isNative() || s.heapBase().orElse(null) instanceof byte[]) {
            return s.asByteBuffer();
        }
        return otherBuffer(s);
    }

    /** Read-only heap segments hide their array: only asking tells whether it is a byte[]. */
    private static ByteBuffer otherBuffer(MemorySegment s) {
        try {
            return s.asByteBuffer();
        } catch (UnsupportedOperationException notBytes) {
            return null;
        }
    }
}
