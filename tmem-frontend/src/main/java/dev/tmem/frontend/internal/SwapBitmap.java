package dev.tmem.frontend.internal;

/**
 * Which offsets of one swap area have their page in the backend: one bit per offset, for offsets 0
 * to 2<sup>32</sup> - 1, in chunks of {@value #CHUNK_BITS} bits allocated when first set.
 *
 * <pre>
 *  offset:  31              15 14          6 5      0
 *          +------------------+-------------+--------+
 *          | chunk (17 bits)  | word (9)    | bit (6)|
 *          +------------------+-------------+--------+
 * </pre>
 *
 * <p><b>Concurrency.</b> Every word belongs to one stripe lock of its area ({@link #stripe}): reads
 * and writes of a word happen under that lock. The chunk directory is copy-on-grow and volatile;
 * chunks are created under this object's monitor (two stripes never create the same chunk twice) and
 * published by a new directory.
 */
public final class SwapBitmap {

    public static final int STRIPES = 64;
    static final int CHUNK_SHIFT = 15;
    static final int CHUNK_BITS = 1 << CHUNK_SHIFT;
    static final int WORDS_PER_CHUNK = CHUNK_BITS >>> 6;

    private volatile long[][] chunks = new long[0][];

    /** The stripe lock that guards the word of {@code offset}. */
    public static int stripe(long offset) {
        return (int) (offset >>> 6) & (STRIPES - 1);
    }

    /** Caller holds the stripe lock of {@code offset}. */
    public boolean get(long offset) {
        long[][] c = chunks;
        int ci = (int) (offset >>> CHUNK_SHIFT);
        if (ci >= c.length || c[ci] == null) {
            return false;
        }
        return (c[ci][wordInChunk(offset)] & (1L << offset)) != 0;
    }

    /** Sets the bit; returns whether it was set before. Caller holds the stripe lock of {@code offset}. */
    public boolean set(long offset) {
        long[] chunk = chunk((int) (offset >>> CHUNK_SHIFT));
        int w = wordInChunk(offset);
        long old = chunk[w];
        chunk[w] = old | (1L << offset);
        return (old & (1L << offset)) != 0;
    }

    /** Clears the bit; returns whether it was set. Caller holds the stripe lock of {@code offset}. */
    public boolean clear(long offset) {
        long[][] c = chunks;
        int ci = (int) (offset >>> CHUNK_SHIFT);
        if (ci >= c.length || c[ci] == null) {
            return false;
        }
        int w = wordInChunk(offset);
        long old = c[ci][w];
        c[ci][w] = old & ~(1L << offset);
        return (old & (1L << offset)) != 0;
    }

    /**
     * The first word at or after {@code fromWord} that holds a set bit, read without the words'
     * locks, or -1. Skips chunks never allocated. A hint only: the caller re-reads the word under
     * its lock; it sees every bit set before the caller last acquired that bit's stripe lock.
     */
    public long nextNonZeroWord(long fromWord) {
        long[][] c = chunks;
        int ci = (int) (fromWord / WORDS_PER_CHUNK);
        int w = (int) (fromWord % WORDS_PER_CHUNK);
        for (; ci < c.length; ci++, w = 0) {
            long[] chunk = c[ci];
            if (chunk == null) {
                continue;
            }
            for (; w < WORDS_PER_CHUNK; w++) {
                if (chunk[w] != 0) {
                    return (long) ci * WORDS_PER_CHUNK + w;
                }
            }
        }
        return -1;
    }

    /** The word of {@code wordIndex} (offsets {@code wordIndex * 64} to {@code + 63}); caller holds its stripe lock. */
    public long word(long wordIndex) {
        long[][] c = chunks;
        int ci = (int) (wordIndex / WORDS_PER_CHUNK);
        if (ci >= c.length || c[ci] == null) {
            return 0;
        }
        return c[ci][(int) (wordIndex % WORDS_PER_CHUNK)];
    }

    private static int wordInChunk(long offset) {
        return (int) (offset >>> 6) & (WORDS_PER_CHUNK - 1);
    }

    private long[] chunk(int ci) {
        long[][] c = chunks;
        if (ci < c.length && c[ci] != null) {
            return c[ci];
        }
        synchronized (this) {
            c = chunks;
            if (ci < c.length && c[ci] != null) {
                return c[ci];
            }
            // copy on every change: a directory, once published, is never written again, so a
            // reader that sees it (volatile read) sees all its chunks
            long[][] next = new long[Math.max(ci + 1, c.length)][];
            System.arraycopy(c, 0, next, 0, c.length);
            next[ci] = new long[WORDS_PER_CHUNK];
            chunks = next;
            return next[ci];
        }
    }
}
