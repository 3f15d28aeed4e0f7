package dev.tmem.zcache.internal;

/**
 * The bit layout of a zcache handle (a {@code long}, never 0).
 *
 * <pre>
 * inline same-filled page:  1 | page code (3) | pattern, sign-extended from 60 bits (60)
 * stored object:            0 | class + 1 (15) | entry index in the class's table (48)
 * </pre>
 *
 * The page code is {@code log2(pageSize) - 12} (0 for 4 KiB .. 4 for 64 KiB). A same-filled page
 * whose pattern does not fit in 60 signed bits (a pattern whose top five bits are not all equal) is
 * kept as an entry of the pattern table, whose class number is {@link #PATTERN_CLASS}: still no
 * slab memory and no codec call, but 16 bytes of entry.
 */
public final class HandleLayout {

    private static final long INLINE = 1L << 63;
    private static final int PAGE_CODE_SHIFT = 60;
    private static final int CLASS_SHIFT = 48;
    private static final long ENTRY_MASK = (1L << CLASS_SHIFT) - 1;
    private static final long PATTERN_MASK = (1L << PAGE_CODE_SHIFT) - 1;

    /** The class number of the pattern table: one past the last size class. */
    public static final int PATTERN_CLASS = SizeClasses.count();

    private HandleLayout() {}

    public static boolean fitsInline(long pattern) {
        return pattern << 4 >> 4 == pattern;
    }

    public static long inline(long pattern, int pageCode) {
        return INLINE | (long) pageCode << PAGE_CODE_SHIFT | pattern & PATTERN_MASK;
    }

    public static boolean isInline(long handle) {
        return handle < 0;
    }

    public static long inlinePattern(long handle) {
        return handle << 4 >> 4;
    }

    public static int inlinePageCode(long handle) {
        return (int) (handle >>> PAGE_CODE_SHIFT) & 7;
    }

    public static long object(int sizeClass, int entry) {
        return (long) (sizeClass + 1) << CLASS_SHIFT | entry;
    }

    /** The class of an object handle (or {@link #PATTERN_CLASS}); -1 for a handle no store made. */
    public static int sizeClass(long handle) {
        return (int) (handle >>> CLASS_SHIFT) - 1;
    }

    public static int entry(long handle) {
        long e = handle & ENTRY_MASK;
        return e > Integer.MAX_VALUE ? -1 : (int) e;
    }

    public static int pageCode(int pageSize) {
        return Integer.numberOfTrailingZeros(pageSize) - 12;
    }

    public static int pageSize(int pageCode) {
        return 4096 << pageCode;
    }
}
