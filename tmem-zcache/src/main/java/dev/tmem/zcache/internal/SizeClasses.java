package dev.tmem.zcache.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * The size classes of the dense allocator, in the spirit of zsmalloc: an object of {@code n} bytes
 * goes in the smallest class of at least {@code n} bytes, and a class's objects live in slabs of
 * {@link #slabUnits} contiguous 4 KiB units, each holding {@link #objectsPerSlab} objects.
 *
 * <p><b>Why classes, and which.</b> zsmalloc lets objects span the (non-contiguous) pages of a
 * zspage so that a class need not divide a page. Our slabs are contiguous runs of units, so no object
 * ever spans anything; instead each class size is chosen together with its slab length so that the
 * slab's tail (the bytes left over after the last whole object) is at most 2% of the slab (4% for the
 * few classes squeezed beside a page size, where no better fit lies within a step). Classes
 * are spaced about 1/32 of their size apart (16 bytes at the small end), so rounding an object up to
 * its class wastes about 1.5% on average. Slabs are kept short (at most 16 units for objects up to
 * 16 KiB, the fewest units that fit well): every class with objects has one partly filled slab, and
 * short slabs keep that cost small in a store of a few thousand pages. A simulation over the page corpus with lz4 (see
 * {@code docs/design/zcache.md}) gave a density of 0.95 with these choices.
 *
 * <p>Every page size (4096..65536) is a class of its own with a perfect fit, for pages stored raw.
 */
public final class SizeClasses {

    /** The allocation unit of slabs; chunks are made of these. */
    public static final int UNIT = 4096;

    /** The smallest class. */
    public static final int MIN_SIZE = 16;

    /** The largest object: a raw 64 KiB page. */
    public static final int MAX_SIZE = 65536;

    /** The most units a slab may have (one chunk). */
    public static final int MAX_SLAB_UNITS = 64;

    private static final double MAX_TAIL_WASTE = 0.02;
    /** Objects in a slab of a page-size class, where {@link #MAX_SLAB_UNITS} allows. */
    private static final int PAGE_SLAB_OBJECTS = 8;
    private static final int SPACING_DIVISOR = 32;

    private static final int[] SIZES;
    private static final int[] UNITS;
    private static final int[] OBJECTS;
    /** Class of an object of {@code n} bytes, indexed by {@code (n + 7) >>> 3}. */
    private static final short[] BY_EIGHTHS;

    static {
        List<Integer> sizes = new ArrayList<>();
        int prev = MIN_SIZE;
        sizes.add(prev);
        while (prev < MAX_SIZE) {
            int next = nextClass(prev);
            for (int page = 4096; page <= MAX_SIZE; page <<= 1) {
                if (page > prev && page < next) { // a page size between two classes becomes one itself
                    next = page;
                    break;
                }
            }
            sizes.add(next);
            prev = next;
        }
        int n = sizes.size();
        SIZES = new int[n];
        UNITS = new int[n];
        OBJECTS = new int[n];
        for (int i = 0; i < n; i++) {
            int size = sizes.get(i);
            SIZES[i] = size;
            UNITS[i] = size % UNIT == 0 ? pageSlabUnits(size) : bestUnits(size);
            OBJECTS[i] = (int) ((long) UNITS[i] * UNIT / size);
        }
        BY_EIGHTHS = new short[(MAX_SIZE >>> 3) + 1];
        int c = 0;
        for (int e = 0; e < BY_EIGHTHS.length; e++) {
            while (SIZES[c] < e << 3) {
                c++;
            }
            BY_EIGHTHS[e] = (short) c;
        }
    }

    private SizeClasses() {}

    /** The number of classes. */
    public static int count() {
        return SIZES.length;
    }

    /** The class of an object of {@code bytes} (1..{@value #MAX_SIZE}). */
    public static int classOf(int bytes) {
        if (bytes < 1 || bytes > MAX_SIZE) {
            throw new IllegalArgumentException("object size must be 1.." + MAX_SIZE + ", was " + bytes);
        }
        return BY_EIGHTHS[(bytes + 7) >>> 3];
    }

    /** The bytes of each object slot of class {@code c}. */
    public static int size(int c) {
        return SIZES[c];
    }

    /** The units of each slab of class {@code c}. */
    public static int slabUnits(int c) {
        return UNITS[c];
    }

    /** The objects each slab of class {@code c} holds. */
    public static int objectsPerSlab(int c) {
        return OBJECTS[c];
    }

    /** The next class above {@code prev}: the largest well-fitting size within one spacing step. */
    private static int nextClass(int prev) {
        int step = Math.max(MIN_SIZE, (prev / SPACING_DIVISOR) & ~7);
        int hi = Math.min(MAX_SIZE, prev + step);
        int best = hi;
        double bestWaste = Double.MAX_VALUE;
        for (int s = hi; s > prev; s -= 8) {
            double w = tailWaste(s, bestUnits(s));
            if (w <= MAX_TAIL_WASTE) {
                return s;
            }
            if (w < bestWaste) {
                bestWaste = w;
                best = s;
            }
        }
        return best; // nothing fits within 2%: the least wasteful size of the step
    }

    /**
     * Units of a slab of a page-size class (4, 8, ... 64 KiB: the raw pages, of the {@code none}
     * codec or incompressible under any other): {@value #PAGE_SLAB_OBJECTS} objects where that fits in
     * {@link #MAX_SLAB_UNITS}. One object per slab would cost a slab's metadata per page and a slab
     * made and freed (with its chunk units) on every put and free of such a page.
     */
    private static int pageSlabUnits(int size) {
        int perObject = size / UNIT;
        return perObject * Math.min(PAGE_SLAB_OBJECTS, MAX_SLAB_UNITS / perObject);
    }

    /** The fewest units whose slab wastes at most 2% in its tail, else the least wasteful. */
    private static int bestUnits(int size) {
        int max = Math.min(MAX_SLAB_UNITS, Math.max(16, 4 * ((size + UNIT - 1) / UNIT)));
        int best = -1;
        double bestWaste = Double.MAX_VALUE;
        for (int k = (size + UNIT - 1) / UNIT; k <= max; k++) {
            double w = tailWaste(size, k);
            if (w <= MAX_TAIL_WASTE) {
                return k;
            }
            if (w < bestWaste) {
                bestWaste = w;
                best = k;
            }
        }
        return best;
    }

    private static double tailWaste(int size, int units) {
        long bytes = (long) units * UNIT;
        return bytes < size ? 1.0 : (bytes % size) / (double) bytes;
    }
}
