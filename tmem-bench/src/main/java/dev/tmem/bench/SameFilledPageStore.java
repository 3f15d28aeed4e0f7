package dev.tmem.bench;

import dev.tmem.core.spi.PageStore;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * A page store that keeps no page memory: it accepts only <em>same-filled</em> pages, one 8-byte
 * pattern repeated over the whole page (zswap's same-value pages: zero pages, pages of one fill
 * value), and keeps the pattern in a small table named by the handle. Any other page is refused with
 * {@link #NO_HANDLE}. It exists so the benchmark can hold ten million pages without 40 GB of page
 * bytes and measure the engine's own metadata per page.
 *
 * <p><b>Handle layout.</b>
 *
 * <pre>
 *   63  62                  36 35      32 31                          0
 *  +---+----------------------+----------+-----------------------------+
 *  | 1 |       0 (27 bits)    |  shift   |   pattern index (32 bits)   |
 *  +---+----------------------+----------+-----------------------------+
 * </pre>
 *
 * Bit 63 is always set, so no handle is {@link #NO_HANDLE} (0), the pattern 0 (a zero page)
 * included. {@code shift} is log2(page size) - 12 (0 for 4 KiB up to 4 for 64 KiB): {@link #view}
 * is not told the page size, so the handle carries it. The pattern index names a slot of the pattern
 * table; the same pattern always gets the same index.
 *
 * <p><b>Charges.</b> {@link #storedBytes} and {@link #chargedBytes} are 0: the page costs only the
 * engine's own per-page overhead. {@link #reservedBytes} is the size of the pattern table.
 *
 * <p><b>Concurrency.</b> Patterns are interned through a {@link ConcurrentHashMap}; the table slot is
 * written (a volatile store) before the index becomes reachable through a handle, so any thread that
 * holds a handle reads the pattern. {@link #free} only counts.
 *
 * <p><b>Limits.</b> At most {@code maxPatterns} distinct patterns (default {@value
 * #DEFAULT_MAX_PATTERNS}); patterns are never removed, and a page with a new pattern beyond the limit
 * is refused. Freed handles stay decodable, so use after free is not detected.
 */
public final class SameFilledPageStore implements PageStore {

    public static final int DEFAULT_MAX_PATTERNS = 4096;

    static final long VALID_BIT = 1L << 63;
    static final int SHIFT_SHIFT = 32;
    static final long SHIFT_MASK = 0xFL;
    static final long INDEX_MASK = 0xFFFF_FFFFL;
    private static final int MIN_PAGE_SHIFT = 12;
    private static final int MAX_PAGE_SHIFT = 16;

    private static final ValueLayout.OfLong WORD = ValueLayout.JAVA_LONG_UNALIGNED;

    private final AtomicLongArray patterns;
    private final ConcurrentHashMap<Long, Integer> indexOfPattern = new ConcurrentHashMap<>();
    private final AtomicInteger patternCount = new AtomicInteger();
    private final LongAdder live = new LongAdder();
    private final LongAdder refusedNotSameFilled = new LongAdder();
    private final LongAdder refusedTableFull = new LongAdder();
    private volatile boolean closed;

    public SameFilledPageStore() {
        this(DEFAULT_MAX_PATTERNS);
    }

    public SameFilledPageStore(int maxPatterns) {
        if (maxPatterns < 1) {
            throw new IllegalArgumentException("maxPatterns must be >= 1, was " + maxPatterns);
        }
        this.patterns = new AtomicLongArray(maxPatterns);
    }

    @Override
    public String name() {
        return "same-filled";
    }

    /**
     * Stores {@code page} if it is one 8-byte pattern repeated.
     *
     * @return the handle, or {@link #NO_HANDLE} if the page is not same-filled, its size is not a
     *     power of two from 4096 to 65536, or the pattern table is full
     */
    @Override
    public long store(MemorySegment page) {
        checkOpen();
        int shift = pageShift(page.byteSize());
        if (shift < 0 || !isSameFilled(page)) {
            refusedNotSameFilled.increment();
            return NO_HANDLE;
        }
        int index = intern(page.get(WORD, 0));
        if (index < 0) {
            refusedTableFull.increment();
            return NO_HANDLE;
        }
        live.increment();
        return encode(shift - MIN_PAGE_SHIFT, index);
    }

    /** The pattern is the handle: a different page needs a different handle, never in place. */
    @Override
    public boolean overwrite(long handle, MemorySegment page) {
        return false;
    }

    @Override
    public void load(long handle, MemorySegment dst) {
        checkOpen();
        long size = pageSize(handle);
        if (dst.byteSize() != size) {
            throw new IllegalArgumentException(
                    "dst must be " + size + " bytes for this handle, was " + dst.byteSize());
        }
        fill(dst, patterns.get(index(handle)));
    }

    /** Decodes the page into a segment allocated from {@code scope}: there are no bytes to share. */
    @Override
    public MemorySegment view(long handle, Arena scope) {
        checkOpen();
        MemorySegment page = scope.allocate(pageSize(handle), Long.BYTES);
        fill(page, patterns.get(index(handle)));
        return page.asReadOnly();
    }

    @Override
    public long storedBytes(long handle) {
        checkHandle(handle);
        return 0;
    }

    @Override
    public long chargedBytes(long handle) {
        checkHandle(handle);
        return 0;
    }

    @Override
    public void free(long handle) {
        checkHandle(handle);
        live.decrement();
    }

    @Override
    public long reservedBytes() {
        return (long) patterns.length() * Long.BYTES;
    }

    @Override
    public void close() {
        closed = true;
    }

    /** Handles stored and not yet freed. */
    public long liveHandles() {
        return live.sum();
    }

    /** Pages refused because they were not one 8-byte pattern repeated (or of a bad size). */
    public long refusedNotSameFilled() {
        return refusedNotSameFilled.sum();
    }

    /** Pages refused because their pattern was new and the table was full. */
    public long refusedTableFull() {
        return refusedTableFull.sum();
    }

    /** Distinct patterns seen so far. */
    public int patternCount() {
        return patternCount.get();
    }

    /** The page repeated its first 8 bytes iff it equals itself shifted by 8 bytes. */
    static boolean isSameFilled(MemorySegment page) {
        long size = page.byteSize();
        return MemorySegment.mismatch(page, 0, size - Long.BYTES, page, Long.BYTES, size) == -1;
    }

    static long encode(int shift, int index) {
        return VALID_BIT | ((long) shift << SHIFT_SHIFT) | (index & INDEX_MASK);
    }

    static long pageSize(long handle) {
        checkHandle(handle);
        return 1L << (MIN_PAGE_SHIFT + (int) ((handle >>> SHIFT_SHIFT) & SHIFT_MASK));
    }

    private static int index(long handle) {
        return (int) (handle & INDEX_MASK);
    }

    private static void checkHandle(long handle) {
        if ((handle & VALID_BIT) == 0) {
            throw new IllegalArgumentException("not a same-filled handle: 0x" + Long.toHexString(handle));
        }
    }

    private static int pageShift(long size) {
        if (Long.bitCount(size) != 1) {
            return -1;
        }
        int shift = Long.numberOfTrailingZeros(size);
        return shift >= MIN_PAGE_SHIFT && shift <= MAX_PAGE_SHIFT ? shift : -1;
    }

    /** The pattern's table index, or -1 if it is new and the table is full. */
    private int intern(long pattern) {
        Integer known = indexOfPattern.get(pattern);
        return known != null ? known : internNew(pattern);
    }

    private int internNew(long pattern) {
        int capacity = patterns.length();
        Integer index = indexOfPattern.computeIfAbsent(pattern, p -> {
            int next = patternCount.getAndUpdate(n -> n < capacity ? n + 1 : n);
            if (next >= capacity) {
                return null;
            }
            patterns.set(next, p);
            return next;
        });
        return index == null ? -1 : index;
    }

    /** Writes the pattern once, then doubles the filled prefix with bulk copies. */
    private static void fill(MemorySegment dst, long pattern) {
        if (pattern == 0) {
            dst.fill((byte) 0);
            return;
        }
        long size = dst.byteSize();
        dst.set(WORD, 0, pattern);
        for (long filled = Long.BYTES; filled < size; filled <<= 1) {
            MemorySegment.copy(dst, 0, dst, filled, Math.min(filled, size - filled));
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("store is closed");
        }
    }
}
