package dev.tmem.frontend;

import dev.tmem.core.ObjectId;
import dev.tmem.core.PoolSpec;
import dev.tmem.frontend.internal.Attachment;
import dev.tmem.frontend.internal.Binding;
import dev.tmem.frontend.internal.SwapBitmap;
import dev.tmem.frontend.spi.TmemBackend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * frontswap: swap pages kept in a backend's persistent pools instead of being written to their swap
 * area ({@code SEMANTICS.md} section 4). Each swap area ({@code type}, any non-negative int) is one
 * persistent pool; an offset (0 to {@value #MAX_OFFSET}) is split into an object id and an index:
 *
 * <pre>
 *  offset:  31                            6 5        0
 *          +-------------------------------+----------+
 *          |   object id w0 (26 bits)      | index (6)|
 *          +-------------------------------+----------+
 * </pre>
 *
 * <p><b>Contract.</b> {@link #store} returns {@code true} when the page is in the backend and the
 * caller need not write it to the swap area; on {@code false} the caller must write it there (in
 * writethrough mode a kept page also returns {@code false}, so every page reaches the area). A
 * per-area bitmap records which offsets are in the backend: {@link #load} consults the backend only
 * for those, and a store that fails at an offset in the backend invalidates the old copy, so a load
 * never returns an older page than the swap area holds. With exclusive gets a load also removes the
 * page: the caller then holds the only copy and must store it again (or write it to the area) before
 * dropping it. {@link #shrink} and an unload move pages back to their areas through the
 * {@link SwapWriteback} given at {@link #init}.
 *
 * <p><b>Lazy initialization</b> (section 5). Areas initialized with no backend are remembered; stores
 * are refused and loads miss. {@link #register} replays every remembered area into the backend
 * (a pool each) and only then publishes it. A store to an area the backend has no pool for (its
 * replay failed) creates the pool first. {@link #unregister} writes every page back to its area,
 * drains operations in flight, destroys the pools and returns to the no-backend state.
 *
 * <h2>Implementation notes</h2>
 *
 * <p><b>Concurrency.</b> Lock order: {@code lifecycleLock} → an area's stripe lock → the backend's
 * locks. {@code lifecycleLock} serializes {@link #init}, {@link #invalidateArea}, {@link #register},
 * {@link #unregister} and {@link #shrink}. Every page operation on an offset holds the area's stripe
 * lock of that offset ({@link SwapBitmap#stripe}: 64 consecutive offsets share one), which guards the
 * offset's bitmap word and makes the bitmap change and the backend call one step: the bit is set
 * exactly when the backend holds the offset's latest stored page. Operations reach the backend only
 * through an {@link Attachment}, whose drain lets a pool be destroyed safely.
 *
 * <p><b>Unload.</b> The binding is marked {@code writingBack} before the write-back scan; a store
 * reads the mark under its stripe lock, after entering the attachment, so it either set its bit
 * before the scan reached that word (the scan writes it back) or is refused. Loads keep working
 * until their page has been written back.
 */
public final class Frontswap {

    /** The largest swap offset, 2<sup>32</sup> - 1. */
    public static final long MAX_OFFSET = 0xFFFF_FFFFL;

    static final int INDEX_BITS = 6;
    private static final long INDEX_MASK = (1L << INDEX_BITS) - 1;

    private final PoolSpec poolSpec;
    private final ReentrantLock lifecycleLock = new ReentrantLock();
    private final ConcurrentHashMap<Integer, Area> areas = new ConcurrentHashMap<>();
    /** The published backend, or null; written under lifecycleLock, after replay. */
    private volatile Binding current;
    private volatile boolean writethrough;
    private volatile boolean exclusiveGets;

    private final LongAdder loads = new LongAdder();
    private final LongAdder succStores = new LongAdder();
    private final LongAdder failedStores = new LongAdder();
    private final LongAdder storesNoBackend = new LongAdder();
    private final LongAdder invalidates = new LongAdder();
    private final LongAdder writtenBack = new LongAdder();
    private final LongAdder replayFailures = new LongAdder();
    private final LongAdder lostWrittenThrough = new LongAdder();

    /** Frontswap for 4 KiB pages. */
    public Frontswap() {
        this(PoolSpec.DEFAULT_PAGE_SIZE);
    }

    /** Frontswap for pages of {@code pageSize} (a power of two from 4096 to 65536). */
    public Frontswap(int pageSize) {
        this.poolSpec = PoolSpec.persistent(pageSize);
    }

    public int pageSize() {
        return poolSpec.pageSize();
    }

    // ---------------------------------------------------------------------------------------------
    // Swap areas
    // ---------------------------------------------------------------------------------------------

    /**
     * Initializes swap area {@code type} (swapon). With a backend registered it gets a pool at once;
     * without, it is remembered and replayed when one registers.
     *
     * @param writeback where pages of this area go back to when they leave the backend
     * @throws IllegalArgumentException if {@code type} is negative
     * @throws IllegalStateException if the area is already initialized
     */
    public void init(int type, SwapWriteback writeback) {
        if (type < 0) {
            throw new IllegalArgumentException("type must be >= 0, was " + type);
        }
        Objects.requireNonNull(writeback, "writeback");
        lifecycleLock.lock();
        try {
            if (areas.containsKey(type)) {
                throw new IllegalStateException("swap area " + type + " is already initialized");
            }
            Area a = new Area(type, writeback);
            Binding b = current;
            if (b != null) {
                attach(a, b);
            }
            areas.put(type, a);
        } finally {
            lifecycleLock.unlock();
        }
    }

    /**
     * Forgets swap area {@code type} (swapoff), with or without a backend: its pages in the backend
     * are dropped (the swap area's owner has read back what it needs), its pool destroyed.
     *
     * @throws IllegalArgumentException if the area is not initialized
     */
    public void invalidateArea(int type) {
        lifecycleLock.lock();
        try {
            Area a = areas.get(type);
            if (a == null) {
                throw notInitialized(type);
            }
            a.dead = true;
            areas.remove(type);
            Attachment att = a.attachment;
            if (att != null) {
                att.closeAndDrain();
                a.attachment = null;
                destroyQuietly(att);
            }
        } finally {
            lifecycleLock.unlock();
        }
    }

    /** The initialized swap areas, in increasing order. */
    public List<Integer> areas() {
        return areas.keySet().stream().sorted().toList();
    }

    // ---------------------------------------------------------------------------------------------
    // Pages
    // ---------------------------------------------------------------------------------------------

    /**
     * Offers a swap page to the backend; the caller may reuse {@code page} at once.
     *
     * @return {@code true} if the backend keeps it and the caller need not write it to the swap area;
     *     {@code false} if the caller must write it there (refused, or writethrough mode). If the
     *     backend held an older page at the offset and this store fails, the older page is gone.
     */
    public boolean store(int type, long offset, MemorySegment page) {
        Area a = area(type);
        checkOffset(offset);
        checkPage(page, "page");
        Binding b = current;
        if (b == null) {
            // no backend: no bit can be set (an unload clears every bit before it unpublishes)
            failedStores.increment();
            storesNoBackend.increment();
            return false;
        }
        Attachment att = a.attachment;
        if (att == null || att.binding != b) {
            lazyAttach(a, b);
        }
        ReentrantLock lock = a.lock(offset);
        lock.lock();
        try {
            return storeLocked(a, offset, page);
        } finally {
            lock.unlock();
        }
    }

    /** Caller holds the stripe lock of {@code offset}. */
    private boolean storeLocked(Area a, long offset, MemorySegment page) {
        checkAlive(a);
        boolean dup = a.bits.get(offset);
        Attachment att = a.attachment;
        if (att == null || !att.enter()) {
            failedStores.increment(); // no pool: replay failed, or the backend is going
            return false;
        }
        try {
            Binding b = att.binding;
            if (b != current || b.writingBack) {
                return refuse(a, att, offset, dup); // not published yet, or being unloaded
            }
            boolean ok;
            try {
                ok = b.backend.putPage(att.pool, oid(offset), index(offset), page);
            } catch (RuntimeException e) {
                flushQuietly(att, offset); // whatever the failed put left, nothing may stay
                ok = false;
            }
            if (!ok) {
                return refuse(a, att, offset, dup);
            }
            if (!dup) {
                a.bits.set(offset);
                a.pages.incrementAndGet();
            }
            boolean through = writethrough;
            if (through) { // the caller writes this page to the area too: the backend's copy is a cache
                a.throughBits.set(offset);
            } else {
                a.throughBits.clear(offset);
            }
            succStores.increment();
            return !through;
        } finally {
            att.exit();
        }
    }

    /** A refused store: the old copy, if any, must not outlive it. Caller holds the stripe lock and has entered {@code att}. */
    private boolean refuse(Area a, Attachment att, long offset, boolean dup) {
        if (dup) {
            flushQuietly(att, offset);
            dropBit(a, offset);
        }
        failedStores.increment();
        return false;
    }

    /**
     * Copies the page at the offset from the backend into {@code dst}, if it is there; with exclusive
     * gets the backend then drops it.
     *
     * @return {@code true} if found; on {@code false} the page is in the swap area, and {@code dst}
     *     is unchanged
     * @throws IllegalStateException if the backend lost a page it had accepted (a broken backend);
     *     the page is then in neither place
     */
    public boolean load(int type, long offset, MemorySegment dst) {
        Area a = area(type);
        checkOffset(offset);
        checkPage(dst, "dst");
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("dst is read-only");
        }
        ReentrantLock lock = a.lock(offset);
        lock.lock();
        try {
            checkAlive(a);
            if (!a.bits.get(offset)) {
                return false;
            }
            Attachment att = a.attachment;
            if (att == null || !att.enter()) {
                throw new IllegalStateException("swap area " + a.type + " offset " + offset
                        + " is marked in the backend but the backend is gone");
            }
            try {
                boolean exclusive = exclusiveGets;
                boolean found;
                try {
                    found = att.binding.backend.getPage(att.pool, oid(offset), index(offset), dst, exclusive);
                } catch (RuntimeException e) {
                    if (!a.throughBits.get(offset)) {
                        throw e;
                    }
                    found = false; // written through: the area has it (a remote backend that went away)
                }
                if (!found) {
                    boolean inArea = a.throughBits.get(offset);
                    dropBit(a, offset);
                    if (inArea) {
                        lostWrittenThrough.increment();
                        return false; // the caller reads it from its swap area, where it was written through
                    }
                    throw new IllegalStateException("backend " + att.binding.backend.name() + " lost the page of swap area "
                            + a.type + " offset " + offset);
                }
                loads.increment();
                if (exclusive) {
                    dropBit(a, offset);
                }
                return true;
            } finally {
                att.exit();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Drops the page at the offset from the backend, if it is there (the swap slot was freed). */
    public void invalidatePage(int type, long offset) {
        Area a = area(type);
        checkOffset(offset);
        ReentrantLock lock = a.lock(offset);
        lock.lock();
        try {
            checkAlive(a);
            if (!a.bits.get(offset)) {
                return;
            }
            Attachment att = a.attachment;
            if (att != null && att.enter()) {
                try {
                    flushQuietly(att, offset);
                } finally {
                    att.exit();
                }
            }
            dropBit(a, offset);
            invalidates.increment();
        } finally {
            lock.unlock();
        }
    }

    /** Whether the page at the offset is in the backend (the area's bitmap). */
    public boolean isStored(int type, long offset) {
        Area a = area(type);
        checkOffset(offset);
        ReentrantLock lock = a.lock(offset);
        lock.lock();
        try {
            return a.bits.get(offset);
        } finally {
            lock.unlock();
        }
    }

    /** Pages in the backend now, over all areas. */
    public long currPages() {
        long n = 0;
        for (Area a : areas.values()) {
            n += a.pages.get();
        }
        return n;
    }

    /**
     * Moves pages from the backend back to their swap areas until at most {@code targetPages} remain
     * (areas in increasing order, offsets ascending). Holds the lifecycle lock meanwhile.
     *
     * @return pages moved
     * @throws UncheckedIOException if a write-back failed; that page stays in the backend, pages
     *     moved before it stay moved
     */
    public long shrink(long targetPages) {
        if (targetPages < 0) {
            throw new IllegalArgumentException("targetPages must be >= 0, was " + targetPages);
        }
        lifecycleLock.lock();
        try {
            long excess = currPages() - targetPages;
            long moved = 0;
            if (excess <= 0) {
                return 0;
            }
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment buf = arena.allocate(poolSpec.pageSize(), 64);
                for (Area a : sortedAreas()) {
                    if (moved >= excess) {
                        break;
                    }
                    moved += writeBackArea(a, buf, excess - moved);
                }
            }
            return moved;
        } finally {
            lifecycleLock.unlock();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Modes
    // ---------------------------------------------------------------------------------------------

    /** Writethrough: every store also goes to the swap area ({@link #store} returns {@code false}). */
    public void writethrough(boolean on) {
        writethrough = on;
    }

    public boolean writethrough() {
        return writethrough;
    }

    /** Exclusive gets: a load that finds its page removes it from the backend. */
    public void exclusiveGets(boolean on) {
        exclusiveGets = on;
    }

    public boolean exclusiveGets() {
        return exclusiveGets;
    }

    // ---------------------------------------------------------------------------------------------
    // Backends
    // ---------------------------------------------------------------------------------------------

    /**
     * Registers {@code backend}: if one is registered it is unregistered first (see
     * {@link #unregister}); then every initialized swap area gets a pool in {@code backend}, and
     * only then do stores reach it.
     *
     * @return the previous backend (not closed), or {@code null}
     * @throws IllegalStateException if {@code backend} is the registered one
     * @throws UncheckedIOException if writing the previous backend's pages back failed; nothing changed
     */
    public TmemBackend register(TmemBackend backend) {
        Objects.requireNonNull(backend, "backend");
        lifecycleLock.lock();
        try {
            Binding prev = current;
            if (prev != null && prev.backend == backend) {
                throw new IllegalStateException("backend " + backend.name() + " is already registered with frontswap");
            }
            if (prev != null) {
                detachLocked(prev);
            }
            Binding b = new Binding(backend);
            for (Area a : sortedAreas()) {
                attach(a, b);
            }
            if (backend.prefersWritethrough()) {
                // a backend that may lose pages (a remote server): keep every page in its area too.
                // Set before publishing: a store reads it after entering the new binding.
                writethrough = true;
            }
            current = b; // publish after replay
            return prev == null ? null : prev.backend;
        } finally {
            lifecycleLock.unlock();
        }
    }

    /**
     * Unregisters the backend: every page it holds is written back to its swap area, operations in
     * flight drain, its pools are destroyed; frontswap is then as if no backend had registered
     * (areas stay remembered). The backend is returned, not closed.
     *
     * @throws IllegalStateException if no backend is registered
     * @throws UncheckedIOException if a write-back failed: the backend stays registered, no page is
     *     lost (pages written back before the failure stay in their area)
     */
    public TmemBackend unregister() {
        lifecycleLock.lock();
        try {
            Binding b = current;
            if (b == null) {
                throw new IllegalStateException("no backend is registered with frontswap");
            }
            detachLocked(b);
            return b.backend;
        } finally {
            lifecycleLock.unlock();
        }
    }

    /** The registered backend, or {@code null}. */
    public TmemBackend backend() {
        Binding b = current;
        return b == null ? null : b.backend;
    }

    public FrontswapStats stats() {
        return new FrontswapStats(loads.sum(), succStores.sum(), failedStores.sum(), storesNoBackend.sum(),
                invalidates.sum(), writtenBack.sum(), replayFailures.sum(), lostWrittenThrough.sum(), currPages(),
                areas.size());
    }

    // ---------------------------------------------------------------------------------------------
    // Internals
    // ---------------------------------------------------------------------------------------------

    /** Caller holds lifecycleLock. */
    private void detachLocked(Binding b) {
        b.writingBack = true;
        for (Area a : sortedAreas()) {
            // a barrier: a store that read writingBack == false under a stripe lock has set its bit
            // before we get that lock, and every later store sees the mark and is refused; from here
            // bits are only cleared, so the scan's unlocked hints cannot miss one
            for (ReentrantLock lock : a.locks) {
                lock.lock();
                lock.unlock();
            }
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(poolSpec.pageSize(), 64);
            for (Area a : sortedAreas()) {
                writeBackArea(a, buf, Long.MAX_VALUE);
            }
        } catch (RuntimeException e) {
            b.writingBack = false;
            throw e;
        }
        current = null;
        for (Area a : sortedAreas()) {
            Attachment att = a.attachment;
            if (att != null) {
                att.closeAndDrain();
                a.attachment = null;
                destroyQuietly(att);
            }
        }
    }

    /**
     * Writes back up to {@code limit} pages of {@code a}, lowest offsets first. Caller holds
     * lifecycleLock, so the attachment cannot be closed meanwhile. A page stored concurrently (in
     * a shrink; an unload refuses stores first) may be passed over.
     */
    private long writeBackArea(Area a, MemorySegment buf, long limit) {
        Attachment att = a.attachment;
        if (att == null || a.pages.get() == 0) {
            return 0;
        }
        long moved = 0;
        for (long wi = a.bits.nextNonZeroWord(0); wi >= 0 && moved < limit && a.pages.get() > 0;
                wi = a.bits.nextNonZeroWord(wi + 1)) {
            ReentrantLock lock = a.locks[(int) (wi & (SwapBitmap.STRIPES - 1))];
            lock.lock();
            try {
                long w = a.bits.word(wi);
                while (w != 0 && moved < limit) {
                    long offset = (wi << 6) + Long.numberOfTrailingZeros(w);
                    w &= w - 1;
                    writeBackOne(a, att, offset, buf);
                    moved++;
                }
            } finally {
                lock.unlock();
            }
        }
        return moved;
    }

    /** Caller holds lifecycleLock and the stripe lock of {@code offset}, whose bit is set. */
    private void writeBackOne(Area a, Attachment att, long offset, MemorySegment buf) {
        if (!att.binding.backend.getPage(att.pool, oid(offset), index(offset), buf, false)) {
            dropBit(a, offset);
            throw new IllegalStateException("backend " + att.binding.backend.name() + " lost the page of swap area "
                    + a.type + " offset " + offset + " before it could be written back");
        }
        try {
            a.writeback.writePage(offset, buf);
        } catch (IOException e) {
            throw new UncheckedIOException("writing back swap area " + a.type + " offset " + offset
                    + " failed; the page stays in backend " + att.binding.backend.name(), e);
        }
        flushQuietly(att, offset);
        dropBit(a, offset);
        writtenBack.increment();
    }

    /** Caller holds lifecycleLock. */
    private void attach(Area a, Binding b) {
        try {
            a.attachment = new Attachment(b, b.backend.newPool(poolSpec));
        } catch (RuntimeException e) {
            replayFailures.increment();
        }
    }

    /** A store found its area without a pool in the published backend: create it (section 5.3). */
    private void lazyAttach(Area a, Binding b) {
        lifecycleLock.lock();
        try {
            Attachment att = a.attachment;
            if (current == b && !a.dead && (att == null || att.binding != b)) {
                attach(a, b);
            }
        } finally {
            lifecycleLock.unlock();
        }
    }

    private static void destroyQuietly(Attachment att) {
        try {
            att.binding.backend.destroyPool(att.pool);
        } catch (RuntimeException e) {
            // the backend failed to destroy a pool it is about to lose anyway; nothing refers to it
        }
    }

    private static void flushQuietly(Attachment att, long offset) {
        try {
            att.binding.backend.flushPage(att.pool, oid(offset), index(offset));
        } catch (RuntimeException e) {
            // the bit is cleared anyway, so the old copy can never be loaded
        }
    }

    /** Caller holds the stripe lock of {@code offset}. */
    private static void dropBit(Area a, long offset) {
        a.throughBits.clear(offset);
        if (a.bits.clear(offset)) {
            a.pages.decrementAndGet();
        }
    }

    private List<Area> sortedAreas() {
        List<Area> list = new ArrayList<>(areas.values());
        list.sort((x, y) -> Integer.compare(x.type, y.type));
        return list;
    }

    private Area area(int type) {
        Area a = areas.get(type);
        if (a == null) {
            throw notInitialized(type);
        }
        return a;
    }

    private static IllegalArgumentException notInitialized(int type) {
        return new IllegalArgumentException("swap area " + type + " is not initialized (no init, or invalidateArea since)");
    }

    private static void checkAlive(Area a) {
        if (a.dead) {
            throw new IllegalStateException("swap area " + a.type + " was invalidated during the call");
        }
    }

    private static void checkOffset(long offset) {
        if ((offset & ~MAX_OFFSET) != 0) {
            throw new IllegalArgumentException("offset must be 0.." + MAX_OFFSET + ", was " + offset);
        }
    }

    private void checkPage(MemorySegment page, String what) {
        Objects.requireNonNull(page, what);
        if (page.byteSize() != poolSpec.pageSize()) {
            throw new IllegalArgumentException(what + " must be " + poolSpec.pageSize() + " bytes, was " + page.byteSize());
        }
    }

    static ObjectId oid(long offset) {
        return ObjectId.of(offset >>> INDEX_BITS);
    }

    static long index(long offset) {
        return offset & INDEX_MASK;
    }

    /** One swap area: its bitmap, its stripe locks and its pool in the backend. */
    private static final class Area {
        final int type;
        final SwapWriteback writeback;
        final SwapBitmap bits = new SwapBitmap();
        /** Pages stored in writethrough mode (a subset of {@link #bits}): their area has them too. */
        final SwapBitmap throughBits = new SwapBitmap();
        final ReentrantLock[] locks = new ReentrantLock[SwapBitmap.STRIPES];
        /** Pages in the backend: the set bits. */
        final AtomicLong pages = new AtomicLong();
        /** The pool in the current backend, or null; written under lifecycleLock. */
        volatile Attachment attachment;
        /** Set by invalidateArea; operations that still hold the area then fail. */
        volatile boolean dead;

        Area(int type, SwapWriteback writeback) {
            this.type = type;
            this.writeback = writeback;
            for (int i = 0; i < locks.length; i++) {
                locks[i] = new ReentrantLock();
            }
        }

        ReentrantLock lock(long offset) {
            return locks[SwapBitmap.stripe(offset)];
        }
    }
}
