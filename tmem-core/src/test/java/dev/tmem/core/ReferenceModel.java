package dev.tmem.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A plain reference model of one engine: clients, their pools and, per handle, what a {@code get}
 * is allowed to return. It keeps {@link HashMap}s and no concurrency; {@link PropertyRun} drives it
 * beside a real engine and compares.
 *
 * <p><b>Knowing less than the engine.</b> The model cannot tell which ephemeral page an eviction
 * took, so each page it holds is {@link Presence#PRESENT} (it must be there: a get must hit with
 * exactly its bytes) or {@link Presence#MAYBE} (it may have been evicted: a get may miss, but a hit
 * returns exactly its bytes). A handle with no entry holds nothing: every get misses. The driver
 * turns PRESENT into MAYBE only for clients whose eviction counter moved, and back using the
 * engine's per-client page counts: when they equal the model's upper (lower) bound, every MAYBE
 * page of that client is there (gone). Persistent pages are always PRESENT.
 *
 * <p><b>Pins.</b> A page holds a count of the model's live pins on it. A pinned page is never
 * evicted, so it stays PRESENT. A page removed from its handle while pinned becomes an
 * <i>orphan</i>: no longer gettable, but its memory may still be held (and charged) until the last
 * pin goes, so the driver loosens its exact page and byte checks by the orphans.
 *
 * <p>Iteration orders are deterministic (lists and tree maps, {@code record} keys), so a seed
 * replays the same run.
 */
final class ReferenceModel {

    enum Presence { PRESENT, MAYBE }

    record Key(ObjectId oid, long index) {}

    static final class Page {
        final Pool pool;
        final Key key;
        final long seq;
        final Client owner;
        Presence presence = Presence.PRESENT;
        int pins;
        boolean orphan;
        /** What the page costs against the budget in the store under test (computed once). */
        private long charge = -1;

        Page(Pool pool, Key key, long seq, Client owner) {
            this.pool = pool;
            this.key = key;
            this.seq = seq;
            this.owner = owner;
        }

        long charge() {
            if (charge < 0) {
                charge = cost(bytes());
            }
            return charge;
        }

        byte[] bytes() {
            return PageContent.of(pool.uid, key.oid(), key.index(), seq, pool.spec.pageSize());
        }

        @Override
        public String toString() {
            return "seq " + seq + " (" + presence + (pins > 0 ? ", pinned" : "") + ", charged to "
                    + owner.name + ")";
        }
    }

    static final class Pool {
        final long uid;
        final PoolSpec spec;
        final Map<Key, Page> pages = new HashMap<>();
        /** Attachments (client pool ids) that refer to this pool; 1 for a private pool. */
        int attachments = 1;
        /** Live pins taken through this pool, orphans included. */
        int pins;
        boolean destroyed;

        Pool(long uid, PoolSpec spec) {
            this.uid = uid;
            this.spec = spec;
        }

        boolean persistent() {
            return spec.persistent();
        }

        boolean shared() {
            return spec.shared();
        }

        /** A hit removes the page: private ephemeral pools always, persistent ones on request. */
        boolean getRemoves(boolean exclusive) {
            return persistent() ? exclusive : !shared();
        }

        @Override
        public String toString() {
            return (shared() ? "shared" : persistent() ? "persistent" : "ephemeral") + " pool#" + uid;
        }
    }

    static final class Client {
        final String name;
        final TmemClient api;
        final List<PoolSpec> kinds;
        final TreeMap<Integer, Pool> pools = new TreeMap<>();
        int weight = 1;
        long cap = -1;

        Client(String name, TmemClient api, List<PoolSpec> kinds) {
            this.name = name;
            this.api = api;
            this.kinds = kinds;
        }

        boolean capped() {
            return cap >= 0;
        }

        int pageSize() {
            return kinds.getFirst().pageSize();
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** A pin the model holds across operations, with the bytes it must keep showing. */
    record HeldPin(PinnedPage pin, Page page, byte[] bytes) {}

    final long budget;
    final List<Client> clients = new ArrayList<>();
    final List<HeldPin> pins = new ArrayList<>();
    /** The shared pool that exists now, or {@code null}. */
    Pool shared;
    private long nextUid = 1;
    private long nextSeq = 1;

    ReferenceModel(long budget) {
        this.budget = budget;
    }

    /** What a page with these bytes costs against the budget in the store under test. */
    static long cost(byte[] page) {
        return TestStores.sizes(page).charged() + TmemEngine.PAGE_OVERHEAD_BYTES;
    }

    Client addClient(String name, TmemClient api, List<PoolSpec> kinds) {
        Client c = new Client(name, api, kinds);
        clients.add(c);
        return c;
    }

    long nextSeq() {
        return nextSeq++;
    }

    // ---------------------------------------------------------------------------------------
    // pools
    // ---------------------------------------------------------------------------------------

    void attach(Client c, int poolId, PoolSpec spec) {
        Pool p;
        if (spec.shared() && shared != null) {
            p = shared;
            p.attachments++;
        } else {
            p = new Pool(nextUid++, spec);
            if (spec.shared()) {
                shared = p;
            }
        }
        if (c.pools.putIfAbsent(poolId, p) != null) {
            throw new AssertionError(c + " got pool id " + poolId + " that it already holds");
        }
    }

    /** Detaches the id; returns the pool if that was its last attachment (it is then destroyed). */
    Pool detach(Client c, int poolId) {
        Pool p = c.pools.remove(poolId);
        if (--p.attachments > 0) {
            return null;
        }
        p.destroyed = true;
        for (Page page : p.pages.values()) {
            orphanIfPinned(page);
        }
        if (p == shared) {
            shared = null;
        }
        return p;
    }

    /** Every pool that exists, each once. */
    List<Pool> allPools() {
        List<Pool> all = new ArrayList<>();
        for (Client c : clients) {
            for (Pool p : c.pools.values()) {
                if (!p.shared()) {
                    all.add(p);
                }
            }
        }
        if (shared != null) {
            all.add(shared);
        }
        return all;
    }

    // ---------------------------------------------------------------------------------------
    // pages
    // ---------------------------------------------------------------------------------------

    Page page(Pool p, Key k) {
        return p.pages.get(k);
    }

    void stored(Pool p, Key k, long seq, Client owner) {
        Page old = p.pages.put(k, new Page(p, k, seq, owner));
        if (old != null) {
            orphanIfPinned(old);
        }
    }

    void remove(Pool p, Key k) {
        Page old = p.pages.remove(k);
        if (old != null) {
            orphanIfPinned(old);
        }
    }

    private static void orphanIfPinned(Page page) {
        if (page.pins > 0) {
            page.orphan = true;
        }
    }

    // ---------------------------------------------------------------------------------------
    // counts
    // ---------------------------------------------------------------------------------------

    /** Counts of pages charged to one client: [persistent, ephemeral present, ephemeral maybe]. */
    long[] counts(Client c) {
        long[] n = new long[3];
        for (Pool p : allPools()) {
            for (Page page : p.pages.values()) {
                if (page.owner != c) {
                    continue;
                }
                if (p.persistent()) {
                    n[0]++;
                } else if (page.presence == Presence.PRESENT) {
                    n[1]++;
                } else {
                    n[2]++;
                }
            }
        }
        return n;
    }

    /** Orphaned pinned pages charged to {@code c}: [persistent, ephemeral]. */
    long[] orphans(Client c) {
        long[] n = new long[2];
        Map<Page, Boolean> seen = new IdentityHashMap<>();
        for (HeldPin h : pins) {
            Page page = h.page();
            if (page.orphan && page.owner == c && seen.put(page, Boolean.TRUE) == null) {
                n[page.pool.persistent() ? 0 : 1]++;
            }
        }
        return n;
    }

    long persistentBytes() {
        long bytes = 0;
        for (Pool p : allPools()) {
            if (p.persistent()) {
                for (Page page : p.pages.values()) {
                    bytes += page.charge();
                }
            }
        }
        return bytes;
    }

    /** After an eviction of {@code c}'s pages: its unpinned ephemeral pages may be gone. */
    void mayHaveLost(Client c, Page except) {
        for (Pool p : allPools()) {
            if (p.persistent()) {
                continue;
            }
            for (Page page : p.pages.values()) {
                if (page.owner == c && page.pins == 0 && page != except) {
                    page.presence = Presence.MAYBE;
                }
            }
        }
    }

    /**
     * The engine holds {@code held} ephemeral pages for {@code c}: settle MAYBE pages if it can.
     *
     * @return whether MAYBE pages were settled
     */
    boolean settle(Client c, long held) {
        long[] n = counts(c);
        if (n[2] == 0 || (held != n[1] && held != n[1] + n[2])) {
            return false;
        }
        boolean allThere = held == n[1] + n[2];
        for (Pool p : allPools()) {
            if (p.persistent()) {
                continue;
            }
            p.pages.values().removeIf(page -> {
                if (page.owner != c || page.presence != Presence.MAYBE) {
                    return false;
                }
                page.presence = Presence.PRESENT;
                return !allThere;
            });
        }
        return true;
    }

    int pinsHeld() {
        return pins.size();
    }
}
