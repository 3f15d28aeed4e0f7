package dev.tmem.zcache;

import dev.tmem.core.spi.PageStore;
import dev.tmem.zcache.ZcacheConfig.Incompressible;
import dev.tmem.zcache.internal.EntryLayout;
import dev.tmem.zcache.internal.HandleLayout;
import dev.tmem.zcache.internal.MemoryBudget;
import dev.tmem.zcache.internal.ObjectHeap;
import dev.tmem.zcache.internal.PageBuffers;
import dev.tmem.zcache.internal.PageCodec;
import dev.tmem.zcache.internal.Pages;
import dev.tmem.zcache.internal.PatternTable;
import dev.tmem.zcache.internal.StatePool;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.LongAdder;

/**
 * zcache: a {@link PageStore} that keeps pages compressed in a dense off-heap allocator (zswap's
 * policies over a zsmalloc-like heap).
 *
 * <p><b>A put.</b> A same-filled page (zero pages included) is kept as its 8-byte pattern in the
 * handle itself: no memory, no codec call. Any other page is copied into one thread's
 * {@link PageBuffers} and compressed there, outside every lock; a page whose compressed form is above
 * the reject threshold is stored raw or refused, by {@link Incompressible policy}. The result goes into the {@link ObjectHeap},
 * which copies it into a slot of its size class under that class's lock. Pages whose codec has no
 * checksum of its own (lz4, none) and raw pages carry a CRC-32C of their stored bytes.
 *
 * <p><b>A get.</b> The stored bytes are copied into the thread's {@link PageBuffers} under an
 * optimistic read of their size class's lock, validated (a copy that raced a store, free or
 * compaction of that class is made again under the read lock), then checked and decompressed (or
 * copied) into the caller's page with no lock held. Corrupt bytes throw {@link CorruptPageException}; they are never
 * returned as a page. Neither path allocates on the Java heap.
 *
 * <p><b>Memory.</b> {@link #reservedBytes()} ({@code bytes_used}) is every chunk held, free space in
 * it included, plus metadata (16 bytes per entry, a slot map per slab). It never exceeds
 * {@link ZcacheConfig#maxPoolBytes()}: once a put finds no room, the store refuses new pages until
 * usage falls to the accept threshold (zswap's {@code accept_threshold_percent}); such refusals return
 * {@link #NO_ROOM}, on which the engine evicts ephemeral pages and tries again, while a page refused
 * for being incompressible returns {@link #NO_HANDLE}. Compaction moves
 * objects out of sparse slabs when a class has at least two slabs' worth of free slots and a quarter
 * of its slots free, and empty chunks go back to the system.
 *
 * <p><b>Handles</b> are laid out as {@link HandleLayout} documents. This store never
 * {@linkplain #overwrite overwrites} in place: compressing under the engine's stripe lock would hold
 * it for microseconds, so a replaced page takes a new handle.
 */
public final class ZcachePageStore implements PageStore {

    private final ZcacheConfig config;
    private final PageCodec codec;
    private final String name;
    private final MemoryBudget budget;
    private final ObjectHeap heap;
    private final PatternTable patterns = new PatternTable();
    private final StatePool<PageBuffers> buffers;
    /** Per page code: the most compressed bytes a page of that size may take to count as compressible. */
    private final int[] rejectAbove = new int[5];

    private final LongAdder compressedPages = new LongAdder();
    private final LongAdder rawPages = new LongAdder();
    private final LongAdder sameFilledPages = new LongAdder();
    private final LongAdder pageBytes = new LongAdder();
    private final LongAdder bytesStored = new LongAdder();
    private final LongAdder rejectCompressPoor = new LongAdder();
    private final LongAdder poolLimitHit = new LongAdder();
    private final LongAdder corruptPages = new LongAdder();

    /** A store with the default config ({@link ZcacheConfig#defaults()}). */
    public ZcachePageStore() {
        this(ZcacheConfig.defaults());
    }

    public ZcachePageStore(ZcacheConfig config) {
        this.config = config;
        this.codec = Codecs.pageCodec(config.codec(), config.codecParams());
        this.name = "zcache-" + codec.name();
        this.budget = new MemoryBudget(config.maxPoolBytes(), config.acceptThresholdPercent());
        this.heap = new ObjectHeap(budget);
        this.buffers = new StatePool<>(() -> new PageBuffers(codec), b -> {});
        for (int code = 0; code < rejectAbove.length; code++) {
            int pageSize = HandleLayout.pageSize(code);
            rejectAbove[code] = (int) Math.min(pageSize, Math.floor(pageSize * config.rejectThresholdPercent() / 100));
        }
    }

    @Override
    public String name() {
        return name;
    }

    public ZcacheConfig config() {
        return config;
    }

    @Override
    public long store(MemorySegment page) {
        int pageSize = Pages.checkPageSize(page.byteSize());
        if (!budget.accepting()) {
            poolLimitHit.increment();
            return NO_ROOM;
        }
        int code = HandleLayout.pageCode(pageSize);
        if (SameFilled.isSameFilled(page)) {
            return storeSameFilled(SameFilled.pattern(page), code);
        }
        PageBuffers b = buffers.acquire();
        try {
            MemorySegment.copy(page, 0, b.in(), 0, pageSize);
            int limit = rejectAbove[code];
            int n = limit == 0 || (codec.alwaysFullSize() && limit < pageSize) ? -1 : b.compress(codec, pageSize, limit);
            int kind = EntryLayout.KIND_COMPRESSED;
            MemorySegment src = b.out();
            if (n < 0) {
                if (config.incompressible() == Incompressible.REJECT) {
                    rejectCompressPoor.increment();
                    return NO_HANDLE;
                }
                kind = EntryLayout.KIND_RAW;
                src = b.in();
                n = pageSize;
            }
            boolean checked = kind == EntryLayout.KIND_RAW || !codec.checksummed();
            int crc = !checked ? 0 : kind == EntryLayout.KIND_RAW ? b.crcOfIn(n) : b.crcOfOut(n);
            long h = heap.store(src, n, EntryLayout.word1(kind, code, n, checked, crc));
            if (h == NO_HANDLE) {
                poolLimitHit.increment();
                return NO_ROOM;
            }
            (kind == EntryLayout.KIND_RAW ? rawPages : compressedPages).increment();
            pageBytes.add(pageSize);
            bytesStored.add(n);
            return h;
        } finally {
            buffers.release(b);
        }
    }

    private long storeSameFilled(long pattern, int code) {
        long h;
        if (HandleLayout.fitsInline(pattern)) {
            h = HandleLayout.inline(pattern, code);
        } else {
            if (!budget.tryReserve(EntryLayout.ENTRY_BYTES)) {
                poolLimitHit.increment();
                return NO_ROOM;
            }
            h = HandleLayout.object(HandleLayout.PATTERN_CLASS, patterns.add(pattern, code));
        }
        sameFilledPages.increment();
        return h;
    }

    @Override
    public boolean overwrite(long handle, MemorySegment page) {
        return false; // see the class comment
    }

    @Override
    public void load(long handle, MemorySegment dst) {
        int pageSize = Pages.checkPageSize(dst.byteSize());
        if (HandleLayout.isInline(handle)) {
            checkPageSize(HandleLayout.inlinePageCode(handle), pageSize);
            SameFilled.fill(dst, HandleLayout.inlinePattern(handle));
            return;
        }
        if (HandleLayout.sizeClass(handle) == HandleLayout.PATTERN_CLASS) {
            int e = HandleLayout.entry(handle);
            checkPageSize(patterns.pageCode(e), pageSize);
            SameFilled.fill(dst, patterns.pattern(e));
            return;
        }
        PageBuffers b = buffers.acquire();
        try {
            decode(handle, heap.copyOut(handle, b.in()), b, dst);
        } finally {
            buffers.release(b);
        }
    }

    /** Checks and decodes the stored bytes copied to {@code b.in()} into {@code dst}, with no lock held. */
    private void decode(long handle, long w1, PageBuffers b, MemorySegment dst) {
        int pageSize = (int) dst.byteSize();
        checkPageSize(EntryLayout.pageCode(w1), pageSize);
        int n = EntryLayout.length(w1);
        if (EntryLayout.checked(w1) && b.crcOfIn(n) != EntryLayout.crc(w1)) {
            corruptPages.increment();
            throw new CorruptPageException(name, "stored bytes fail their CRC-32C (handle "
                    + Long.toHexString(handle) + ", " + n + " bytes)");
        }
        if (EntryLayout.kind(w1) == EntryLayout.KIND_RAW) {
            MemorySegment.copy(b.in(), 0, dst, 0, n);
            return;
        }
        try {
            b.decompress(codec, n, pageSize);
        } catch (CorruptPageException e) {
            corruptPages.increment();
            throw e;
        }
        MemorySegment.copy(b.out(), 0, dst, 0, pageSize);
    }

    private static void checkPageSize(int pageCode, int dstSize) {
        if (HandleLayout.pageSize(pageCode) != dstSize) {
            throw new IllegalArgumentException("the page is " + HandleLayout.pageSize(pageCode)
                    + " bytes but the destination is " + dstSize);
        }
    }

    @Override
    public MemorySegment view(long handle, Arena scope) {
        MemorySegment page = scope.allocate(pageSize(handle), 8);
        load(handle, page);
        return page.asReadOnly();
    }

    private int pageSize(long handle) {
        if (HandleLayout.isInline(handle)) {
            return HandleLayout.pageSize(HandleLayout.inlinePageCode(handle));
        }
        if (HandleLayout.sizeClass(handle) == HandleLayout.PATTERN_CLASS) {
            return HandleLayout.pageSize(patterns.pageCode(HandleLayout.entry(handle)));
        }
        return HandleLayout.pageSize(EntryLayout.pageCode(heap.word1(handle)));
    }

    @Override
    public long storedBytes(long handle) {
        if (HandleLayout.isInline(handle) || HandleLayout.sizeClass(handle) == HandleLayout.PATTERN_CLASS) {
            return 0;
        }
        return EntryLayout.length(heap.word1(handle));
    }

    @Override
    public long chargedBytes(long handle) {
        if (HandleLayout.isInline(handle)) {
            return 0;
        }
        if (HandleLayout.sizeClass(handle) == HandleLayout.PATTERN_CLASS) {
            return EntryLayout.ENTRY_BYTES;
        }
        return ObjectHeap.chargedBytes(handle);
    }

    @Override
    public void free(long handle) {
        if (HandleLayout.isInline(handle)) {
            sameFilledPages.decrement();
            return;
        }
        if (HandleLayout.sizeClass(handle) == HandleLayout.PATTERN_CLASS) {
            patterns.remove(HandleLayout.entry(handle));
            budget.release(EntryLayout.ENTRY_BYTES);
            sameFilledPages.decrement();
            return;
        }
        long w1 = heap.free(handle);
        (EntryLayout.kind(w1) == EntryLayout.KIND_RAW ? rawPages : compressedPages).decrement();
        pageBytes.add(-HandleLayout.pageSize(EntryLayout.pageCode(w1)));
        bytesStored.add(-EntryLayout.length(w1));
    }

    /** The stored bytes of an object handle, in place; for tests that damage them. */
    MemorySegment storedMemory(long handle) {
        return heap.objectMemory(handle);
    }

    @Override
    public long reservedBytes() {
        return budget.used();
    }

    /** Moves objects out of sparse slabs in every size class now; returns the slabs freed. */
    public int compact() {
        return heap.compact();
    }

    public ZcacheStats stats() {
        ObjectHeap.Totals t = heap.totals();
        return new ZcacheStats(compressedPages.sum(), rawPages.sum(), sameFilledPages.sum(), pageBytes.sum(),
                bytesStored.sum(), budget.used(), budget.max(), rejectCompressPoor.sum(), poolLimitHit.sum(),
                corruptPages.sum(), t.compactions(), t.objectsMoved(), t.slabsFreed(), t.slabsRelocated(), t.chunks());
    }

    @Override
    public void close() {
        heap.close();
    }

    @Override
    public String toString() {
        return name + config.toParams();
    }

}
