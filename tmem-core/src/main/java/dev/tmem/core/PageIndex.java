package dev.tmem.core;

/**
 * A page index is an unsigned 32-bit number: 0 to {@value #MAX}. The API takes it as a {@code long}
 * so that callers never have to think about sign; values outside the range are rejected.
 */
public final class PageIndex {

    /** The largest page index, 2<sup>32</sup> - 1. */
    public static final long MAX = 0xFFFF_FFFFL;

    private PageIndex() {}

    /**
     * Checks {@code index} and returns its 32 bits as an {@code int}.
     *
     * @throws IllegalArgumentException naming {@code index} when it is negative or above {@link #MAX}
     */
    public static int check(long index) {
        if ((index & ~MAX) != 0) {
            throw new IllegalArgumentException(
                    "index must be an unsigned 32-bit value (0.." + MAX + "), was " + index);
        }
        return (int) index;
    }

    /** The unsigned value of a page index held in an {@code int}. */
    public static long toLong(int index) {
        return Integer.toUnsignedLong(index);
    }
}
