package dev.tmem.core;

/**
 * A 192-bit object id: three 64-bit words, compared as a whole. An object groups the pages of one
 * thing the caller names (a file, a part of a swap area); {@link TmemClient#flushObject} removes
 * them together.
 *
 * <pre>
 *  192                128                 64                  0
 *   +------------------+------------------+------------------+
 *   |       w2         |       w1         |       w0         |
 *   +------------------+------------------+------------------+
 * </pre>
 *
 * Every value is valid, zero included.
 */
public record ObjectId(long w0, long w1, long w2) {

    /** The object id with {@code w0 = value} and the upper words 0 (an inode number, say). */
    public static ObjectId of(long value) {
        return new ObjectId(value, 0L, 0L);
    }

    @Override
    public String toString() {
        return "ObjectId[%016x:%016x:%016x]".formatted(w2, w1, w0);
    }
}
