package dev.tmem.zcache.internal;

/**
 * The entries of one class: two {@code long}s each (see {@link EntryLayout}) in chunks of 1024
 * entries, so the table grows without copying and a handle's entry never moves. Free entries form a
 * list through word 0.
 *
 * <p><b>Concurrency.</b> Changes are made under the owning class's lock. {@link #word1} may also be
 * read without it by the holder of a live handle (for its length): the handle was published to it
 * after the entry was written, and word 1 of a live entry never changes (compaction rewrites only
 * word 0); {@link #chunks} is volatile so a reader sees the chunk that holds it.
 */
final class EntryTable {

    private static final int SHIFT = 10;
    private static final int PER_CHUNK = 1 << SHIFT;
    private static final int MASK = PER_CHUNK - 1;

    private volatile long[][] chunks = new long[1][];
    private int highWater; // entries ever handed out
    private int freeHead = -1;
    private int live;

    /** A free entry index (not yet written). */
    int allocate() {
        int e = freeHead;
        if (e >= 0) {
            freeHead = (int) word0(e);
            live++;
            return e;
        }
        if (highWater == Integer.MAX_VALUE) {
            throw new IllegalStateException("entry table full");
        }
        e = highWater++;
        int c = e >>> SHIFT;
        long[][] cs = chunks;
        if (c == cs.length) {
            cs = java.util.Arrays.copyOf(cs, cs.length * 2);
        }
        if (cs[c] == null) {
            cs[c] = new long[2 * PER_CHUNK];
        }
        chunks = cs; // publish the chunk (volatile write)
        live++;
        return e;
    }

    void set(int e, long word0, long word1) {
        long[] c = chunks[e >>> SHIFT];
        int i = (e & MASK) << 1;
        c[i] = word0;
        c[i + 1] = word1;
    }

    void setWord0(int e, long word0) {
        chunks[e >>> SHIFT][(e & MASK) << 1] = word0;
    }

    void free(int e) {
        set(e, freeHead, 0L); // kind FREE
        freeHead = e;
        live--;
    }

    /** Whether {@code e} is an index this table has handed out (live or free). */
    boolean inRange(int e) {
        return e >= 0 && e < highWater;
    }

    long word0(int e) {
        return chunks[e >>> SHIFT][(e & MASK) << 1];
    }

    /** Word 1 of {@code e}, or 0 (kind FREE) if {@code e} was never handed out. */
    long word1(int e) {
        long[][] cs = chunks;
        int c = e >>> SHIFT;
        if (e < 0 || c >= cs.length || cs[c] == null) {
            return 0L;
        }
        return cs[c][((e & MASK) << 1) + 1];
    }

    int live() {
        return live;
    }
}
