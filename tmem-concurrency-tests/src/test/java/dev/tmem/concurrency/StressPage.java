package dev.tmem.concurrency;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Page bytes that name the put that wrote them, so a reader can tell by content alone whether it got
 * a whole page of its own handle.
 *
 * <pre>
 *  word  (8 bytes each, little-endian)
 *   0    MAGIC
 *   1    pool tag (the test's name for the pool, stable across destroy and recreate)
 *   2    object id (w0; w1 = ~w0, w2 = w0 * K in the ObjectId itself)
 *   3    page index
 *   4    writer thread number
 *   5    writer's sequence number (1, 2, ... per writer)
 *   6..  body: mix(header hash, word number), so any mix of two pages' words shows
 * </pre>
 */
record StressPage(long pool, long oid, long index, long writer, long seq) {

    static final long MAGIC = 0x7374_7265_7373_7067L; // "stresspg"
    private static final ValueLayout.OfLong WORD =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int HEADER_WORDS = 6;

    /** Why a page does not verify; {@code null} fields in {@link Decoded} mean it verified. */
    enum Defect { NOT_A_PAGE, TORN }

    record Decoded(StressPage page, Defect defect, String detail) {}

    void writeTo(MemorySegment dst) {
        long[] header = {MAGIC, pool, oid, index, writer, seq};
        for (int i = 0; i < HEADER_WORDS; i++) {
            dst.setAtIndex(WORD, i, header[i]);
        }
        long h = hash();
        long words = dst.byteSize() / 8;
        for (long i = HEADER_WORDS; i < words; i++) {
            dst.setAtIndex(WORD, i, mix(h + i));
        }
    }

    byte[] bytes(int pageSize) {
        byte[] b = new byte[pageSize];
        writeTo(MemorySegment.ofArray(b));
        return b;
    }

    static Decoded decode(MemorySegment src) {
        if (src.getAtIndex(WORD, 0) != MAGIC) {
            return new Decoded(null, Defect.NOT_A_PAGE, "first word " + Long.toHexString(src.getAtIndex(WORD, 0)));
        }
        StressPage p = new StressPage(src.getAtIndex(WORD, 1), src.getAtIndex(WORD, 2),
                src.getAtIndex(WORD, 3), src.getAtIndex(WORD, 4), src.getAtIndex(WORD, 5));
        long h = p.hash();
        long words = src.byteSize() / 8;
        for (long i = HEADER_WORDS; i < words; i++) {
            if (src.getAtIndex(WORD, i) != mix(h + i)) {
                return new Decoded(p, Defect.TORN, p + " differs from its header at word " + i);
            }
        }
        return new Decoded(p, null, null);
    }

    static Decoded decode(byte[] src) {
        return decode(MemorySegment.ofArray(src));
    }

    boolean sameHandle(long pool, long oid, long index) {
        return this.pool == pool && this.oid == oid && this.index == index;
    }

    private long hash() {
        return mix(mix(mix(mix(pool) ^ oid) ^ index) ^ writer) ^ seq;
    }

    /** SplitMix64's finalizer. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
