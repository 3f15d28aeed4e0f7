package dev.tmem.core;

import dev.tmem.core.internal.PageTable;
import dev.tmem.core.spi.PageStore;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static dev.tmem.core.internal.PageTable.NIL;

/**
 * The page operations of the engine: the striped handle-to-page map, the memory budget, eviction and
 * pins. {@link TmemEngine} resolves clients and pools and checks arguments; this class takes them as
 * given.
 *
 * <h2>Implementation notes</h2>
 *
 * <p><b>Striping.</b> A (pool, oid) hashes to one of a power-of-two number of {@link PageTable}
 * stripes; all pages of an object live in its stripe, so every operation on one handle, and
 * {@code flushObject}, runs under one stripe lock: operations on one handle are linearizable, and
 * operations on objects of different stripes do not contend.
 *
 * <p><b>Lock order.</b> {@code TmemEngine.poolsLock} -> stripe write lock -> the page store's own
 * locks. A thread holds at most one stripe lock while it blocks; a put that must evict from another
 * stripe only {@code tryWriteLock}s it, and if that fails, drops its own lock, evicts under the
 * other, and starts over. The monitor of a {@link Pool} (pin waits) is never held with a stripe lock.
 *
 * <p><b>What each lock guards.</b> A stripe's {@link dev.tmem.core.internal.StripeLock} (a
 * sequence lock: exclusive writes, optimistic reads) guards its {@link PageTable} and its pin
 * registry ({@link #pinned}). Every change holds the write lock. Page bytes are read from the store
 * (load, view) under the write lock of their stripe, so a handle is never freed while read, except
 * by an optimistic get ({@link #optimisticGet}), which may read a slot that is being freed and
 * reused but then fails its validation and discards what it read. Charges are atomics: the budget is
 * reserved by a compare-and-set on {@link #bytesUsed}, a cap by one on the client's page count,
 * before the page is added; so neither is ever exceeded, even transiently.
 *
 * <p><b>Eviction.</b> A put that does not fit evicts ephemeral pages until it fits: from the client
 * most over its weighted share for the budget, from the putting client itself for its cap. Each
 * client has an LRU list per stripe; the victim is the tail whose stamp (a global clock ticked on
 * every put or hit of an ephemeral page) is oldest, so eviction is least-recently-used across
 * stripes. Stamps are 32 bits compared by distance from the current clock: after 2<sup>31</sup>
 * ticks with no access, a page's age wraps (a known limit: such a page is then treated as young).
 *
 * <p><b>Pins.</b> A pinned page is taken off its LRU list (so it cannot be evicted) and its store
 * handle is recorded in the stripe's pin registry. Removing a pinned page (flush, replace, exclusive
 * get) removes it from the map at once but leaves its handle to the last unpin, which frees it.
 */
final class PageMap {

    /**
     * Evictions that found nothing to take (other threads took the tails first) before a put gives
     * up; each retry re-checks the reservation first, so this only bounds a put racing many evictors.
     */
    private static final int MAX_FRUITLESS_EVICTIONS = 64;

    /**
     * When the store itself is out of room, a put evicts this many pages, then tries the store again,
     * for at most {@link #MAX_STORE_EVICTION_ROUNDS} rounds: a compressing store may need several
     * pages gone before a slab (of the size the new page needs) empties.
     */
    private static final int STORE_EVICTION_BATCH = 8;
    private static final int MAX_STORE_EVICTION_ROUNDS = 128;

    private final PageStore store;
    private final long budget;
    private final PageTable[] stripes;
    private final int stripeMask;
    /** Per stripe: store handle -> pin record; guarded by the stripe's lock. */
    private final HashMap<Long, PinRecord>[] pinned;
    private final AtomicInteger clock = new AtomicInteger();

    /** Memory charged for all pages: the budget's reservation counter. Other totals are per client. */
    final AtomicLong bytesUsed = new AtomicLong();
    final AtomicInteger pinnedPages = new AtomicInteger();

    /** Clients by number; replaced by the engine under its poolsLock, read here without a lock. */
    volatile ClientState[] clients = new ClientState[0];

    @SuppressWarnings({"unchecked", "rawtypes"}) // a generic array: HashMap<Long, PinRecord>[]
    PageMap(PageStore store, long budget, int stripeCount) {
        this.store = store;
        this.budget = budget;
        this.stripes = new PageTable[stripeCount];
        this.pinned = new HashMap[stripeCount];
        for (int i = 0; i < stripeCount; i++) {
            stripes[i] = new PageTable();
            pinned[i] = new HashMap<>();
        }
        this.stripeMask = stripeCount - 1;
    }

    long budget() {
        return budget;
    }

    PageStore store() {
        return store;
    }

    // =========================================================================================
    // put
    // =========================================================================================

    /**
     * Stores {@code page} at the handle for {@code client}; see {@link TmemClient#putPage}. A page
     * that replaces one of the client's own, unpinned pages is rewritten in place when the store can
     * ({@link PageStore#overwrite}): no allocation, no free, no change to any charge. Otherwise the
     * store copies the page into a new handle outside the stripe lock, and the lock is taken to link
     * it. Returns whether the page was stored.
     */
    boolean put(ClientState client, Pool pool, ObjectId oid, int index, MemorySegment page) {
        long ohash = PageTable.objectHash(pool.serial, oid.w0(), oid.w1(), oid.w2());
        int s = (int) ohash & stripeMask;
        if (overwriteOwn(client, pool, s, oid, ohash, index, page)) {
            return true;
        }
        long h = store.store(page);
        if (h == PageStore.NO_ROOM) {
            h = storeAfterEvicting(page);
        }
        if (h == PageStore.NO_HANDLE || h == PageStore.NO_ROOM) {
            removeForFailedPut(client, s, pool, oid, ohash, index);
            return false;
        }
        boolean stored = false;
        try {
            stored = insertOrReplace(client, pool, s, oid, ohash, index, h);
        } finally {
            if (!stored) {
                store.free(h);
            }
        }
        return stored;
    }

    /**
     * The store is out of room (its own memory limit, which also counts what it holds beyond the
     * pages' charges): evict ephemeral pages as for the budget, a few at a time, and try again.
     * Returns the handle, or {@link PageStore#NO_ROOM} once nothing is left to evict or
     * {@value #MAX_STORE_EVICTION_ROUNDS} rounds did not make room. No stripe lock is held here.
     */
    private long storeAfterEvicting(MemorySegment page) {
        for (int round = 0; round < MAX_STORE_EVICTION_ROUNDS; round++) {
            for (int i = 0; i < STORE_EVICTION_BATCH; i++) {
                int victim = budgetVictim();
                if (victim < 0) {
                    return PageStore.NO_ROOM;
                }
                int vs = oldestStripeOf(victim);
                if (vs < 0) {
                    continue; // its pages went meanwhile
                }
                long ws = stripes[vs].lock.writeLock();
                try {
                    evictTail(vs, victim);
                } finally {
                    stripes[vs].lock.unlockWrite(ws);
                }
            }
            long h = store.store(page);
            if (h != PageStore.NO_ROOM) {
                return h;
            }
        }
        return PageStore.NO_ROOM;
    }

    private boolean overwriteOwn(ClientState client, Pool pool, int s, ObjectId oid, long ohash, int index,
            MemorySegment page) {
        PageTable t = stripes[s];
        long ws = t.lock.writeLock();
        try {
            checkLive(client, pool);
            // the leaf entry holds handle and client side by side: a persistent page's record is not read
            int e = t.findEntry(pool.serial, oid.w0(), oid.w1(), oid.w2(), ohash, index);
            if (e == NIL || t.entryClient(e) != client.number) {
                return false;
            }
            long h = t.entryHandle(e);
            if ((!pinned[s].isEmpty() && pinned[s].containsKey(h)) || !store.overwrite(h, page)) {
                return false;
            }
            int p;
            if (!pool.persistent && t.lruLinked(p = t.entrySlot(e))) { // only ephemeral pages are on LRU lists
                t.lruUnlink(p);
                t.lruLinkHead(p, clock.incrementAndGet());
            }
            client.puts.increment();
            return true;
        } finally {
            t.lock.unlockWrite(ws);
        }
    }

    private boolean insertOrReplace(ClientState client, Pool pool, int s, ObjectId oid, long ohash,
            int index, long h) {
        PageTable t = stripes[s];
        long charge = store.chargedBytes(h) + TmemEngine.PAGE_OVERHEAD_BYTES;
        int fruitless = 0;
        // Set once the put is seen replacing one of the client's own pages. If that page is evicted
        // to make room for the bytes the new one needs (a compressing store charges pages unequally),
        // the put is still a replacement: it adds no page under the cap.
        boolean replacesOwn = false;
        for (;;) {
            int blockedOn = -1;
            int blockedVictim = -1;
            long vws;
            long ws = t.lock.writeLock();
            try {
                checkLive(client, pool);
                for (;;) {
                    int p = t.findPage(pool.serial, oid.w0(), oid.w1(), oid.w2(), ohash, index);
                    if (p == NIL && !t.hasRoom()) {
                        client.failedPuts.increment(); // the stripe is full (MAX_SLOTS)
                        return false;
                    }
                    boolean ownReplace = p != NIL && t.client(p) == client.number;
                    replacesOwn |= ownReplace;
                    int pageNeed = ownReplace ? 0 : 1;
                    long byteNeed = p == NIL ? charge : charge - chargeOf(t.handle(p));
                    int victim;
                    boolean capOk = pageNeed == 0 || (replacesOwn ? client.forceReservePage() : client.tryReservePages(1));
                    if (!capOk) {
                        victim = client.evictable.get() > 0 ? client.number : -1;
                    } else if (!tryReserveBytes(byteNeed)) {
                        client.pages.addAndGet(-pageNeed);
                        victim = budgetVictim();
                    } else {
                        apply(client, pool, s, t, oid, ohash, index, p, h, charge, pageNeed);
                        client.puts.increment();
                        return true;
                    }
                    if (victim < 0 || fruitless > MAX_FRUITLESS_EVICTIONS) {
                        if (p != NIL) {
                            removePage(s, t, p, pool.persistent); // a failed put leaves nothing
                        }
                        client.failedPuts.increment();
                        return false;
                    }
                    int vs = oldestStripeOf(victim);
                    if (vs < 0) { // the victim's pages went meanwhile (hints read without locks): look again
                        fruitless++;
                        continue;
                    }
                    if (vs == s) {
                        fruitless += evictTail(s, victim) ? 0 : 1;
                    } else if ((vws = stripes[vs].lock.tryWriteLock()) != 0) {
                        try {
                            fruitless += evictTail(vs, victim) ? 0 : 1;
                        } finally {
                            stripes[vs].lock.unlockWrite(vws);
                        }
                    } else {
                        blockedOn = vs;
                        blockedVictim = victim;
                        break;
                    }
                }
            } finally {
                t.lock.unlockWrite(ws);
            }
            // evict under the other stripe's lock without holding ours, then start over
            PageTable other = stripes[blockedOn];
            long ows = other.lock.writeLock();
            try {
                fruitless += evictTail(blockedOn, blockedVictim) ? 0 : 1;
            } finally {
                other.lock.unlockWrite(ows);
            }
        }
    }

    /**
     * Adds or replaces the page; the client's page and the budget's bytes are reserved already.
     * Caller holds the stripe lock.
     */
    private void apply(ClientState client, Pool pool, int s, PageTable t, ObjectId oid, long ohash,
            int index, int p, long h, long charge, int reservedPages) {
        long stored = store.storedBytes(h);
        if (p == NIL) {
            p = t.insertPage(pool.serial, oid.w0(), oid.w1(), oid.w2(), ohash, index, h, client.number);
            if (!pool.persistent) {
                client.pagesEphemeral.incrementAndGet();
            }
            client.bytesUsed.addAndGet(charge);
            client.bytesStored.addAndGet(stored);
        } else {
            long old = t.handle(p);
            ClientState owner = clientAt(t.client(p));
            long oldCharge = chargeOf(old);
            long oldStored = store.storedBytes(old);
            boolean relinked = t.lruLinked(p);
            if (relinked) {
                t.lruUnlink(p);
            }
            if (owner == client) { // only the differences move; none for a same-size page
                addIfNonZero(client.bytesUsed, charge - oldCharge);
                addIfNonZero(client.bytesStored, stored - oldStored);
                if (!relinked && !pool.persistent) {
                    client.evictable.incrementAndGet(); // the old page was pinned, the new one is not
                }
            } else { // the page moves from another client to this one (a shared pool)
                if (relinked) {
                    owner.evictable.decrementAndGet();
                }
                owner.pages.decrementAndGet();
                owner.bytesUsed.addAndGet(-oldCharge);
                owner.bytesStored.addAndGet(-oldStored);
                if (!pool.persistent) {
                    owner.pagesEphemeral.decrementAndGet();
                    client.pagesEphemeral.incrementAndGet();
                    client.evictable.incrementAndGet();
                }
                client.bytesUsed.addAndGet(charge);
                client.bytesStored.addAndGet(stored);
                t.setClient(p, client.number);
            }
            releaseHandle(s, old);
            t.setHandle(p, h);
            if (!pool.persistent) {
                t.lruLinkHead(p, clock.incrementAndGet());
            }
            return;
        }
        if (!pool.persistent) {
            t.lruLinkHead(p, clock.incrementAndGet());
            client.evictable.incrementAndGet();
        }
    }

    private static void addIfNonZero(AtomicLong counter, long delta) {
        if (delta != 0) {
            counter.addAndGet(delta);
        }
    }

    private void removeForFailedPut(ClientState client, int s, Pool pool, ObjectId oid, long ohash, int index) {
        PageTable t = stripes[s];
        long ws = t.lock.writeLock();
        try {
            client.failedPuts.increment();
            int p = t.findPage(pool.serial, oid.w0(), oid.w1(), oid.w2(), ohash, index);
            if (p != NIL) {
                removePage(s, t, p, pool.persistent);
            }
        } finally {
            t.lock.unlockWrite(ws);
        }
    }

    private boolean tryReserveBytes(long n) {
        if (n == 0) {
            return true;
        }
        for (long cur = bytesUsed.get(); ; cur = bytesUsed.get()) {
            if (n > 0 && cur + n > budget) {
                return false;
            }
            if (bytesUsed.compareAndSet(cur, cur + n)) {
                return true;
            }
        }
    }

    // =========================================================================================
    // get, flush
    // =========================================================================================

    private static final int HIT = 1, MISS = 0, RETRY = -1, RETRY_CLOBBERED = -2;

    /**
     * See {@link TmemClient#getPage}; the page is removed on a private ephemeral hit or an exclusive
     * persistent one. A get that changes nothing (persistent, not exclusive: frontswap's loads, the
     * server's GET) first runs as an optimistic read of the stripe: it writes no shared cache line,
     * so gets on many threads do not slow each other. If a writer got in meanwhile, it falls back to
     * the write lock.
     */
    boolean get(ClientState client, Pool pool, ObjectId oid, int index, MemorySegment dst, boolean exclusive) {
        long ohash = PageTable.objectHash(pool.serial, oid.w0(), oid.w1(), oid.w2());
        int s = (int) ohash & stripeMask;
        PageTable t = stripes[s];
        int optimistic = RETRY;
        if (pool.persistent && !exclusive) {
            optimistic = optimisticGet(client, pool, t, oid, ohash, index, dst);
            if (optimistic == HIT || optimistic == MISS) {
                (optimistic == HIT ? client.succGets : client.failedGets).increment();
                return optimistic == HIT;
            }
        }
        long ws = t.lock.writeLock();
        try {
            checkLive(client, pool);
            int e = t.findEntry(pool.serial, oid.w0(), oid.w1(), oid.w2(), ohash, index);
            if (e == NIL) {
                if (optimistic == RETRY_CLOBBERED) {
                    dst.fill((byte) 0); // never leave bytes read from a slot that was being changed
                }
                client.failedGets.increment();
                return false;
            }
            store.load(t.entryHandle(e), dst); // changes nothing in the table: e stays valid
            int p = t.entrySlot(e);
            if (pool.exclusiveHits || (pool.persistent && exclusive)) {
                removePage(s, t, p, pool.persistent);
            } else if (!pool.persistent && t.lruLinked(p)) { // a shared ephemeral hit refreshes the page
                t.lruUnlink(p);
                t.lruLinkHead(p, clock.incrementAndGet());
            }
            client.succGets.increment();
        } finally {
            t.lock.unlockWrite(ws);
        }
        return true;
    }

    /**
     * A get under an optimistic read stamp: HIT or MISS when the stamp validated after everything it
     * read (so the result is what a locked get would have seen at that instant), else RETRY, or
     * RETRY_CLOBBERED if it had already copied possibly changing bytes into {@code dst}.
     */
    private int optimisticGet(ClientState client, Pool pool, PageTable t, ObjectId oid, long ohash, int index,
            MemorySegment dst) {
        long stamp = t.lock.tryOptimisticRead();
        if (stamp == 0 || pool.dead || client.closed) {
            return RETRY;
        }
        boolean copied = false;
        try {
            int e = t.findEntry(pool.serial, oid.w0(), oid.w1(), oid.w2(), ohash, index);
            long h = e == NIL ? PageStore.NO_HANDLE : t.entryHandle(e);
            if (!t.lock.validate(stamp)) {
                return RETRY;
            }
            if (h == PageStore.NO_HANDLE) {
                return MISS;
            }
            copied = true;
            store.load(h, dst); // the handle may be freed and reused meanwhile: validated below
            return t.lock.validate(stamp) ? HIT : RETRY_CLOBBERED;
        } catch (RuntimeException raced) { // stale arrays, or a slab given back under the copy
            return copied ? RETRY_CLOBBERED : RETRY;
        }
    }

    int flushPage(ClientState client, Pool pool, ObjectId oid, int index) {
        long ohash = PageTable.objectHash(pool.serial, oid.w0(), oid.w1(), oid.w2());
        int s = (int) ohash & stripeMask;
        PageTable t = stripes[s];
        int removed = 0;
        long ws = t.lock.writeLock();
        try {
            checkLive(client, pool);
            int p = t.findPage(pool.serial, oid.w0(), oid.w1(), oid.w2(), ohash, index);
            if (p != NIL) {
                removePage(s, t, p, pool.persistent);
                removed = 1;
            }
            client.flushes.increment();
        } finally {
            t.lock.unlockWrite(ws);
        }
        return removed;
    }

    long flushObject(ClientState client, Pool pool, ObjectId oid) {
        long ohash = PageTable.objectHash(pool.serial, oid.w0(), oid.w1(), oid.w2());
        int s = (int) ohash & stripeMask;
        PageTable t = stripes[s];
        long removed;
        long ws = t.lock.writeLock();
        try {
            checkLive(client, pool);
            int obj = t.findObject(pool.serial, oid.w0(), oid.w1(), oid.w2(), ohash);
            removed = obj == NIL ? 0 : removeObject(s, t, obj, pool.persistent);
            client.flushes.increment();
        } finally {
            t.lock.unlockWrite(ws);
        }
        return removed;
    }

    // =========================================================================================
    // Teardown sweeps (the pool is DEAD or the client closed: no new pages can arrive)
    // =========================================================================================

    /** Removes every page of the pool; returns how many. */
    long sweepPool(Pool pool) {
        long removed = 0;
        for (int s = 0; s < stripes.length; s++) {
            PageTable t = stripes[s];
            long ws = t.lock.writeLock();
            try {
                for (int obj : t.objectsOfPool(pool.serial)) {
                    removed += removeObject(s, t, obj, pool.persistent);
                }
            } finally {
                t.lock.unlockWrite(ws);
            }
        }
        return removed;
    }

    /** Removes every page charged to the client (its pages left in shared pools). */
    void sweepClient(ClientState client) {
        for (int s = 0; s < stripes.length; s++) {
            PageTable t = stripes[s];
            long ws = t.lock.writeLock();
            try {
                for (int p : t.pagesOfClient(client.number)) {
                    removePage(s, t, p, false); // only shared pools remain, and they are ephemeral
                }
            } finally {
                t.lock.unlockWrite(ws);
            }
        }
    }

    private long removeObject(int s, PageTable t, int obj, boolean persistent) {
        long removed = 0;
        for (int p = t.firstPageOf(obj); p != NIL; ) {
            int next = t.nextInObject(p);
            removePage(s, t, p, persistent); // may free obj; we hold next already
            removed++;
            p = next;
        }
        return removed;
    }

    // =========================================================================================
    // Removal and eviction (caller holds the stripe lock)
    // =========================================================================================

    private void removePage(int s, PageTable t, int p, boolean persistent) {
        long h = t.handle(p);
        ClientState owner = clientAt(t.client(p));
        if (t.lruLinked(p)) {
            owner.evictable.decrementAndGet();
        }
        t.removePage(p);
        long charge = chargeOf(h);
        long stored = store.storedBytes(h);
        owner.pages.decrementAndGet();
        owner.bytesUsed.addAndGet(-charge);
        owner.bytesStored.addAndGet(-stored);
        if (!persistent) {
            owner.pagesEphemeral.decrementAndGet();
        }
        bytesUsed.addAndGet(-charge);
        releaseHandle(s, h);
    }

    /** Frees a handle that left the map, or leaves it to the last unpin. */
    private void releaseHandle(int s, long h) {
        PinRecord pin = pinned[s].isEmpty() ? null : pinned[s].get(h);
        if (pin == null) {
            store.free(h);
        } else {
            pin.orphaned = true;
        }
    }

    private boolean evictTail(int s, int victim) {
        PageTable t = stripes[s];
        int p = t.lruTail(victim);
        if (p == NIL) {
            return false;
        }
        removePage(s, t, p, false);
        clientAt(victim).evictions.increment();
        return true;
    }

    /**
     * The client to evict from for the budget: the one most over its weighted share; when no client
     * with evictable pages is over its share, the one holding the least recently used page. -1 if no
     * client has an evictable page.
     */
    private int budgetVictim() {
        ClientState[] all = clients;
        long weights = 0;
        for (ClientState c : all) {
            if (c != null && c.pages.get() > 0) {
                weights += c.weight;
            }
        }
        int best = -1;
        double bestOver = 0;
        for (ClientState c : all) {
            if (c != null && c.evictable.get() > 0) {
                double share = (double) budget * c.weight / weights;
                double over = c.bytesUsed.get() - share;
                if (over > bestOver) {
                    bestOver = over;
                    best = c.number;
                }
            }
        }
        return best >= 0 ? best : leastRecentlyUsedClient(all);
    }

    /** The client whose oldest evictable page is the oldest of all, or -1 (a hint, as below). */
    private int leastRecentlyUsedClient(ClientState[] all) {
        int now = clock.get();
        int best = -1;
        long bestAge = -1;
        for (ClientState c : all) {
            if (c != null && c.evictable.get() > 0) {
                int s = oldestStripeOf(c.number);
                if (s >= 0) {
                    long age = Integer.toUnsignedLong(now - stripes[s].tailStampHint(c.number));
                    if (age > bestAge) {
                        bestAge = age;
                        best = c.number;
                    }
                }
            }
        }
        return best;
    }

    /** The stripe holding the client's least recently used evictable page, or -1 (a hint). */
    private int oldestStripeOf(int client) {
        int now = clock.get();
        int best = -1;
        long bestAge = -1;
        for (int s = 0; s < stripes.length; s++) {
            PageTable t = stripes[s];
            if (t.hasTailHint(client)) {
                long age = Integer.toUnsignedLong(now - t.tailStampHint(client));
                if (age > bestAge) {
                    bestAge = age;
                    best = s;
                }
            }
        }
        return best;
    }

    // =========================================================================================
    // Pins
    // =========================================================================================

    /** Pins the page; null on a miss. The pool must be LIVE (checked under the stripe lock). */
    PinnedPage pin(ClientState client, Pool pool, ObjectId oid, int index) {
        long ohash = PageTable.objectHash(pool.serial, oid.w0(), oid.w1(), oid.w2());
        int s = (int) ohash & stripeMask;
        PageTable t = stripes[s];
        long ws = t.lock.writeLock();
        try {
            checkLive(client, pool);
            int p = t.findPage(pool.serial, oid.w0(), oid.w1(), oid.w2(), ohash, index);
            if (p == NIL) {
                return null;
            }
            long h = t.handle(p);
            Arena scope = Arena.ofShared();
            MemorySegment view;
            try {
                view = store.view(h, scope);
            } catch (RuntimeException | Error e) {
                scope.close();
                throw e;
            }
            PinRecord record = pinned[s].get(h);
            if (record == null) { // the page's pin count goes 0 -> 1: take a reference on its pool
                if (!pool.tryTakePinRef()) {
                    scope.close();
                    throw new IllegalStateException("the pool is being destroyed (or the engine closed); cannot pin");
                }
                record = new PinRecord(p, pool);
                pinned[s].put(h, record);
                pinnedPages.incrementAndGet();
                if (t.lruLinked(p)) {
                    t.lruUnlink(p);
                    clientAt(t.client(p)).evictable.decrementAndGet();
                }
            }
            record.count++;
            return new Pin(s, h, scope, view);
        } finally {
            t.lock.unlockWrite(ws);
        }
    }

    private void unpin(int s, long h) {
        PageTable t = stripes[s];
        Pool release = null;
        long ws = t.lock.writeLock();
        try {
            PinRecord record = pinned[s].get(h);
            if (--record.count == 0) { // 1 -> 0: drop the pool reference
                pinned[s].remove(h);
                pinnedPages.decrementAndGet();
                release = record.pool;
                if (record.orphaned) {
                    store.free(h);
                } else if (!record.pool.persistent) {
                    t.lruLinkHead(record.slot, clock.incrementAndGet());
                    clientAt(t.client(record.slot)).evictable.incrementAndGet();
                }
            }
        } finally {
            t.lock.unlockWrite(ws);
        }
        if (release != null) {
            release.releasePinRef();
        }
    }

    /** One page's pins in a stripe; guarded by the stripe lock. */
    private static final class PinRecord {
        final int slot;
        final Pool pool;
        int count;
        /** The page left the map while pinned; the last unpin frees the handle. */
        boolean orphaned;

        PinRecord(int slot, Pool pool) {
            this.slot = slot;
            this.pool = pool;
        }
    }

    /**
     * The pool died between the engine's lookup and the stripe lock; the engine turns this into an
     * {@link UnknownPoolException} naming the caller's pool id. Stackless: it carries no information.
     */
    static final class PoolGoneException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        static final PoolGoneException INSTANCE = new PoolGoneException();

        private PoolGoneException() {
            super("pool destroyed", null, false, false);
        }
    }

    private final class Pin implements PinnedPage {
        private final int stripe;
        private final long handle;
        private final Arena scope;
        private final MemorySegment view;
        private final AtomicBoolean released = new AtomicBoolean();

        Pin(int stripe, long handle, Arena scope, MemorySegment view) {
            this.stripe = stripe;
            this.handle = handle;
            this.scope = scope;
            this.view = view;
        }

        @Override
        public MemorySegment segment() {
            return view;
        }

        @Override
        public void close() {
            if (!released.compareAndSet(false, true)) {
                throw new OverReleaseException("pin of handle 0x" + Long.toHexString(handle) + " released twice");
            }
            scope.close(); // the view dies before the memory can be reused
            unpin(stripe, handle);
        }
    }

    // =========================================================================================
    // Helpers
    // =========================================================================================

    private long chargeOf(long h) {
        return store.chargedBytes(h) + TmemEngine.PAGE_OVERHEAD_BYTES;
    }

    private ClientState clientAt(int number) {
        return clients[number];
    }

    /** Caller holds the stripe lock: a pool that is dead, or a client that closed, is refused. */
    private static void checkLive(ClientState client, Pool pool) {
        if (pool.dead) {
            throw PoolGoneException.INSTANCE;
        }
        if (client.closed) {
            throw new IllegalStateException("client '" + client.name + "' is closed");
        }
    }

    long metadataBytes() {
        long sum = 0;
        for (PageTable t : stripes) {
            long ws = t.lock.writeLock();
            try {
                sum += t.metadataBytes();
            } finally {
                t.lock.unlockWrite(ws);
            }
        }
        return sum;
    }
}
