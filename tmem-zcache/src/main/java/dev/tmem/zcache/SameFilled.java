package dev.tmem.zcache;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.OptionalLong;

/**
 * Same-filled pages: pages that are one 8-byte pattern repeated, zero pages included (zswap's
 * {@code same_filled_pages}). A store keeps the pattern in the handle instead of storing the page.
 *
 * <p><b>Byte order.</b> A pattern is the page's first 8 bytes read as a <i>little-endian</i>
 * {@code long}, whatever the platform: byte {@code i} of the page is bits {@code 8*(i%8)} to
 * {@code 8*(i%8)+7} of the pattern. {@link #fill} writes it back the same way, so
 * {@code fill(page, pattern(page))} reproduces a same-filled page exactly, and a pattern means the
 * same bytes on every machine (handles may travel to a peer).
 *
 * <p><b>Cost.</b> {@link #isSameFilled} compares the page with itself shifted by 8 bytes
 * ({@link MemorySegment#mismatch}, which the JDK vectorizes): equal exactly when every 8-byte word
 * equals the one before it. It stops at the first difference, so a typical page is rejected within
 * its first few words; only same-filled pages are read to the end.
 */
public final class SameFilled {

    private static final ValueLayout.OfLong WORD =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private SameFilled() {}

    /**
     * Whether {@code page} is one 8-byte pattern repeated. The page size must be a positive multiple
     * of 8 (every page size is).
     */
    public static boolean isSameFilled(MemorySegment page) {
        long size = checkSize(page);
        long first = page.get(WORD, 0);
        for (long i = 8; i < size; i += 8) { // no slices: nothing allocated on this per-put path
            if (page.get(WORD, i) != first) {
                return false;
            }
        }
        return true;
    }

    /** The page's first 8 bytes as a pattern (see the class comment); the page's pattern if it is same-filled. */
    public static long pattern(MemorySegment page) {
        checkSize(page);
        return page.get(WORD, 0);
    }

    /** The page's pattern if it is same-filled, else empty. */
    public static OptionalLong detect(MemorySegment page) {
        return isSameFilled(page) ? OptionalLong.of(pattern(page)) : OptionalLong.empty();
    }

    /** Fills all of {@code page} with {@code pattern} repeated (see the class comment for the byte order). */
    public static void fill(MemorySegment page, long pattern) {
        long size = checkSize(page);
        if (isOneByte(pattern)) {
            page.fill((byte) pattern); // zero pages and single-byte patterns: the JDK's fill
            return;
        }
        for (long i = 0; i < size; i += 8) {
            page.set(WORD, i, pattern);
        }
    }

    private static boolean isOneByte(long pattern) {
        return pattern == (pattern & 0xFF) * 0x0101010101010101L;
    }

    private static long checkSize(MemorySegment page) {
        long size = page.byteSize();
        if (size < 8 || (size & 7) != 0) {
            throw new IllegalArgumentException("page size must be a positive multiple of 8, was " + size);
        }
        return size;
    }
}
