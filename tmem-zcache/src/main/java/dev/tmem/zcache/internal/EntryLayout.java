package dev.tmem.zcache.internal;

/**
 * The two words of an entry of a class's {@link EntryTable}: where an object is and what it is.
 *
 * <pre>
 * word 0: slab id (32) | slot (32)         for a stored object; the pattern for a pattern entry;
 *                                          the next free entry (or -1) for a free entry
 * word 1: crc32c (32) | length (17) | unused (9) | page code (3) | checked (1) | kind (2)
 * </pre>
 *
 * The crc32c is of the stored bytes, kept when the codec has no checksum of its own and for pages
 * stored raw; 0 (and unchecked) otherwise, flagged by {@link #CHECKED}.
 */
public final class EntryLayout {

    public static final int KIND_FREE = 0;
    public static final int KIND_COMPRESSED = 1;
    public static final int KIND_RAW = 2;
    public static final int KIND_PATTERN = 3;

    /** Set in word 1 when the crc field is to be checked. */
    public static final long CHECKED = 1L << 2;

    /** Metadata bytes of one entry (its two words). */
    public static final int ENTRY_BYTES = 16;

    private EntryLayout() {}

    public static long word0(int slab, int slot) {
        return (long) slab << 32 | slot & 0xFFFF_FFFFL;
    }

    public static int slab(long word0) {
        return (int) (word0 >>> 32);
    }

    public static int slot(long word0) {
        return (int) word0;
    }

    public static long word1(int kind, int pageCode, int length, boolean checked, int crc) {
        return (long) crc << 32 | (long) length << 15 | (long) pageCode << 3 | (checked ? CHECKED : 0) | kind;
    }

    public static int kind(long word1) {
        return (int) word1 & 3;
    }

    public static int pageCode(long word1) {
        return (int) (word1 >>> 3) & 7;
    }

    public static int length(long word1) {
        return (int) (word1 >>> 15) & 0x1FFFF;
    }

    public static boolean checked(long word1) {
        return (word1 & CHECKED) != 0;
    }

    public static int crc(long word1) {
        return (int) (word1 >>> 32);
    }
}
