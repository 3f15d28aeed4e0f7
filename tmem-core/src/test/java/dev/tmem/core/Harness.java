package dev.tmem.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * One engine under test, with a record of what the test did to it, so that after each test the
 * engine's state can be checked against the spec (see {@link #checkInvariants()}).
 *
 * <p>Tests go through {@link PoolRef} for every pool, put, get, flush, pin and destroy; the harness
 * keeps, per handle, the bytes of the last successful put or the fact that the handle must miss (a
 * miss, a flush, a failed put, an exclusive hit, a destroy). Every get is checked on the spot:
 * a hit must return the last put's bytes (rule 2) and never a page that must miss (rule 3); a
 * persistent page that was not removed must hit (rule 6). Whatever it finds wrong is kept in
 * {@link #violations} and fails the invariant check, so that a test also fails on a rule it was
 * not written for.
 */
final class Harness {

    /**
     * The budget charge of one incompressible page (most test pages are; see {@link PageContent}): the
     * store's charge for it (the page size in the raw store) plus the engine's per-page overhead.
     */
    static long cost(int pageSize) {
        return TestStores.incompressibleCharge(pageSize) + TmemEngine.PAGE_OVERHEAD_BYTES;
    }

    /** A budget that holds exactly {@code pages} raw pages of {@code pageSize}. */
    static long budgetFor(int pages, int pageSize) {
        return pages * cost(pageSize);
    }

    /** The state of one handle as the spec requires it. */
    private static final class Expect {
        /** The last successful put, or {@code null}: the handle must miss. */
        byte[] bytes;
        /** A persistent page that nothing removed: it must hit. */
        boolean mustBePresent;
        boolean persistent;
        String putter;
    }

    record HandleKey(Object pool, ObjectId oid, long index) {}

    final TmemEngine engine;
    final long budget;
    /** The page store when the test supplied a {@link TestPageStore}, else {@code null} (raw store). */
    final TestPageStore testStore;
    final List<String> violations = new ArrayList<>();
    boolean engineClosed;

    private final Set<String> clientNames = new LinkedHashSet<>();
    private final Set<String> closedClients = new HashSet<>();
    private final List<PoolRef> refs = new ArrayList<>();
    private final Map<HandleKey, Expect> expect = new LinkedHashMap<>();
    private final List<TrackedPin> pins = new ArrayList<>();
    private int sharedSeq;

    Harness(long budget, TestPageStore store, Consumer<TmemEngine.Builder> config) {
        TmemEngine.Builder b = TmemEngine.builder().budgetBytes(budget);
        b.store(store != null ? store : TestStores.create());
        config.accept(b);
        this.engine = b.build();
        this.budget = budget;
        this.testStore = store;
    }

    // ---------------------------------------------------------------- clients and pools

    TmemClient client(String name) {
        TmemClient c = engine.client(name);
        clientNames.add(name);
        return c;
    }

    /** A pool of the given kind; a shared one gets a fresh uuid. */
    PoolRef pool(TmemClient c, Kind kind, int pageSize) {
        return switch (kind) {
            case PRIVATE_EPHEMERAL -> newPool(c, PoolSpec.ephemeral(pageSize));
            case PERSISTENT -> newPool(c, PoolSpec.persistent(pageSize));
            case SHARED_EPHEMERAL -> newPool(c, PoolSpec.shared(new UUID(0x7E57, ++sharedSeq), pageSize));
        };
    }

    PoolRef newPool(TmemClient c, PoolSpec spec) {
        PoolId id = c.newPool(spec);
        Object key = spec.shared() ? spec.sharedUuid() : new Object();
        PoolRef ref = new PoolRef(c, id, spec, key);
        refs.add(ref);
        return ref;
    }

    /** Closes the client through the harness, so that the record follows. */
    void closeClient(TmemClient c) {
        c.close();
        closedClients.add(c.name());
        Set<Object> sharedKeys = new HashSet<>();
        for (PoolRef r : refs) {
            if (r.client == c && r.live) {
                r.live = false;
                if (r.spec.shared()) {
                    sharedKeys.add(r.key);
                } else {
                    markAbsent(r.key, null);
                }
            }
        }
        // pages the client put into shared pools that others keep are removed too
        expect.forEach((k, e) -> {
            if (k.pool instanceof UUID && c.name().equals(e.putter)) {
                e.bytes = null;
                e.mustBePresent = false;
            }
        });
        for (Object key : sharedKeys) {
            if (liveRef(key) == null) {
                markAbsent(key, null);
            }
        }
    }

    void closeEngine() {
        engine.close();
        engineClosed = true;
    }

    private PoolRef liveRef(Object key) {
        for (PoolRef r : refs) {
            if (r.live && r.key.equals(key)) {
                return r;
            }
        }
        return null;
    }

    private void markAbsent(Object poolKey, ObjectId oid) {
        expect.forEach((k, e) -> {
            if (k.pool.equals(poolKey) && (oid == null || k.oid.equals(oid))) {
                e.bytes = null;
                e.mustBePresent = false;
            }
        });
    }

    private Expect expect(PoolRef ref, ObjectId oid, long index) {
        return expect.computeIfAbsent(new HandleKey(ref.key, oid, index), k -> new Expect());
    }

    // ---------------------------------------------------------------- a pool as the test sees it

    /** One attachment of one client to one pool. */
    final class PoolRef {
        final TmemClient client;
        final PoolId id;
        final PoolSpec spec;
        final Object key;
        boolean live = true;

        PoolRef(TmemClient client, PoolId id, PoolSpec spec, Object key) {
            this.client = client;
            this.id = id;
            this.spec = spec;
            this.key = key;
        }

        int pageSize() {
            return spec.pageSize();
        }

        boolean put(long oid, long index, byte[] page) {
            return put(ObjectId.of(oid), index, page);
        }

        boolean put(ObjectId oid, long index, byte[] page) {
            boolean ok = client.putPage(id, oid, index, page);
            record(oid, index, page, ok);
            return ok;
        }

        /** Puts from an off-heap segment rather than an array. */
        boolean put(ObjectId oid, long index, MemorySegment page) {
            byte[] copy = page.toArray(ValueLayout.JAVA_BYTE);
            boolean ok = client.putPage(id, oid, index, page);
            record(oid, index, copy, ok);
            return ok;
        }

        private void record(ObjectId oid, long index, byte[] page, boolean ok) {
            Expect e = expect(this, oid, index);
            if (ok) {
                e.bytes = page.clone();
                e.mustBePresent = spec.persistent();
                e.persistent = spec.persistent();
                e.putter = client.name();
            } else {
                e.bytes = null;
                e.mustBePresent = false;
            }
        }

        /** The array-returning get: the page or {@code null}. */
        byte[] get(long oid, long index) {
            return get(ObjectId.of(oid), index);
        }

        byte[] get(ObjectId oid, long index) {
            byte[] got = client.getPage(id, oid, index);
            observe(oid, index, got, false);
            return got;
        }

        /** The segment get, with the exclusive flag. */
        byte[] get(long oid, long index, boolean exclusive) {
            ObjectId o = ObjectId.of(oid);
            byte[] dst = new byte[pageSize()];
            boolean hit = client.getPage(id, o, index, MemorySegment.ofArray(dst), exclusive);
            byte[] got = hit ? dst : null;
            observe(o, index, got, exclusive);
            return got;
        }

        /** Gets into the caller's segment; returns hit or miss. */
        boolean getInto(long oid, long index, MemorySegment dst) {
            ObjectId o = ObjectId.of(oid);
            boolean hit = client.getPage(id, o, index, dst);
            observe(o, index, hit ? dst.toArray(ValueLayout.JAVA_BYTE) : null, false);
            return hit;
        }

        private void observe(ObjectId oid, long index, byte[] got, boolean exclusive) {
            Expect e = expect(this, oid, index);
            String where = "pool " + id.value() + " of " + client.name() + ", " + oid + ", index " + index;
            if (got == null) {
                if (e.mustBePresent) {
                    violations.add("rule 6: persistent page missed at " + where);
                }
                e.bytes = null;
                e.mustBePresent = false;
                return;
            }
            if (e.bytes == null) {
                violations.add("rule 3: a get hit where it must miss (resurrection) at " + where);
            } else if (!Arrays.equals(e.bytes, got)) {
                violations.add("rule 2: a get returned bytes other than the last put at " + where);
            }
            if (!spec.shared() && !spec.persistent() || spec.persistent() && exclusive) {
                e.bytes = null;
                e.mustBePresent = false;
            }
        }

        int flushPage(long oid, long index) {
            int n = client.flushPage(id, ObjectId.of(oid), index);
            Expect e = expect(this, ObjectId.of(oid), index);
            e.bytes = null;
            e.mustBePresent = false;
            return n;
        }

        long flushObject(long oid) {
            long n = client.flushObject(id, ObjectId.of(oid));
            markAbsent(key, ObjectId.of(oid));
            return n;
        }

        TrackedPin pin(long oid, long index) {
            PinnedPage p = client.pin(id, ObjectId.of(oid), index);
            if (p == null) {
                return null;
            }
            TrackedPin t = new TrackedPin(p);
            pins.add(t);
            return t;
        }

        long destroy() {
            long n = client.destroyPool(id);
            live = false;
            if (liveRef(key) == null) {
                markAbsent(key, null);
            }
            return n;
        }

        /** Whether the page is there, without taking it (a pin never removes a page). */
        boolean present(long oid, long index) {
            try (PinnedPage p = client.pin(id, ObjectId.of(oid), index)) {
                return p != null;
            }
        }

        @Override
        public String toString() {
            return "pool " + id.value() + " of " + client.name() + " " + spec;
        }
    }

    /** A pin that remembers whether the test released it, so cleanup releases only the others. */
    static final class TrackedPin implements PinnedPage {
        final PinnedPage pin;
        volatile boolean released;

        TrackedPin(PinnedPage pin) {
            this.pin = pin;
        }

        @Override
        public MemorySegment segment() {
            return pin.segment();
        }

        @Override
        public void close() {
            pin.close();
            released = true;
        }
    }

    // ---------------------------------------------------------------- the invariant

    /** Releases the pins the test left, if it failed half-way. */
    void releasePins() {
        for (TrackedPin p : pins) {
            if (!p.released) {
                try {
                    p.close();
                } catch (RuntimeException ignored) {
                    // the test's own assertion says what went wrong
                }
            }
        }
    }

    /**
     * After each test: the engine holds exactly the pages that can still be got, each equal to the
     * last put there; the charges add up (each page costs the store's charge + PAGE_OVERHEAD_BYTES); the
     * budget holds; per-client stats add up to the global ones; the store holds no more pages than
     * the engine accounts for and saw no use after free.
     */
    void checkInvariants() {
        assertThat(violations).as("violations seen during the test").isEmpty();
        if (engineClosed) {
            return;
        }
        TmemStats s = engine.stats();
        assertThat(s.bytesBudget()).as("bytesBudget").isEqualTo(budget);
        assertThat(s.bytesUsed()).as("bytesUsed <= bytesBudget").isLessThanOrEqualTo(s.bytesBudget());

        long present = 0;
        long presentPersistent = 0;
        long stored = 0;
        long charged = 0;
        for (Map.Entry<HandleKey, Expect> en : expect.entrySet()) {
            HandleKey k = en.getKey();
            Expect e = en.getValue();
            PoolRef ref = liveRef(k.pool);
            if (ref == null) {
                continue;
            }
            try (PinnedPage p = ref.client.pin(ref.id, k.oid, k.index)) {
                String where = ref + ", " + k.oid + ", index " + k.index;
                if (p == null) {
                    assertThat(e.mustBePresent).as("persistent page lost (rule 6) at " + where).isFalse();
                    continue;
                }
                byte[] got = p.segment().toArray(ValueLayout.JAVA_BYTE);
                assertThat(e.bytes).as("a page is held where it must miss (rules 3, 4) at " + where).isNotNull();
                assertThat(got).as("page bytes (rule 2) at " + where).isEqualTo(e.bytes);
                present++;
                if (e.persistent) {
                    presentPersistent++;
                }
                if (testStore == null) {
                    TestStores.Sizes sz = TestStores.sizes(got);
                    stored += sz.stored();
                    charged += sz.charged();
                } else {
                    stored += testStore.chargeOf(got);
                    charged += testStore.chargeOf(got);
                }
            }
        }
        assertThat(s.pages()).as("pages held = pages that can be got").isEqualTo(present);
        assertThat(s.pagesPersistent()).as("pagesPersistent").isEqualTo(presentPersistent);
        assertThat(s.bytesStored()).as("bytesStored = sum of the store's sizes").isEqualTo(stored);
        assertThat(s.bytesUsed()).as("bytesUsed = sum of (charge + PAGE_OVERHEAD_BYTES)")
                .isEqualTo(charged + present * TmemEngine.PAGE_OVERHEAD_BYTES);

        List<ClientStats> cs = engine.clientStats();
        assertThat(cs.stream().mapToLong(ClientStats::pagesEphemeral).sum())
                .as("sum of clients' pagesEphemeral").isEqualTo(s.pagesEphemeral());
        assertThat(cs.stream().mapToLong(ClientStats::pagesPersistent).sum())
                .as("sum of clients' pagesPersistent").isEqualTo(s.pagesPersistent());
        assertThat(cs.stream().mapToLong(ClientStats::bytesUsed).sum())
                .as("sum of clients' bytesUsed").isEqualTo(s.bytesUsed());
        assertThat(cs.stream().mapToLong(ClientStats::bytesStored).sum())
                .as("sum of clients' bytesStored").isEqualTo(s.bytesStored());
        if (closedClients.isEmpty()) {
            assertThat(cs.stream().mapToLong(ClientStats::puts).sum()).as("sum of puts").isEqualTo(s.puts());
            assertThat(cs.stream().mapToLong(ClientStats::failedPuts).sum())
                    .as("sum of failedPuts").isEqualTo(s.failedPuts());
            assertThat(cs.stream().mapToLong(ClientStats::evictions).sum())
                    .as("sum of evictions").isEqualTo(s.evictions());
            assertThat(cs.stream().mapToLong(ClientStats::flushes).sum())
                    .as("sum of flushes").isEqualTo(s.flushes());
            // gets are left out: the invariant's own pins may count as gets
        }
        Set<Object> liveKeys = new HashSet<>();
        for (PoolRef r : refs) {
            if (r.live) {
                liveKeys.add(r.key);
            }
        }
        assertThat(s.pools()).as("pools (a shared pool counts once)").isEqualTo(liveKeys.size());
        Set<String> liveClients = new LinkedHashSet<>(clientNames);
        liveClients.removeAll(closedClients);
        assertThat(s.clients()).as("clients").isEqualTo(liveClients.size());
        assertThat(s.metadataBytes()).as("metadataBytes").isNotNegative();
        if (testStore != null) {
            assertThat(testStore.errors).as("store misuse").isEmpty();
            assertThat(testStore.liveHandles()).as("store handles = pages held (no leak)").isEqualTo(present);
        }
    }

    /** After the invariant: close the engine; with a test store, check the store was closed cleanly. */
    void closeAtEnd() {
        if (!engineClosed) {
            engine.close();
            engineClosed = true;
        }
        if (testStore != null) {
            assertThat(testStore.closed).as("store closed by engine.close()").isTrue();
            assertThat(testStore.errors).as("store misuse").isEmpty();
        }
    }
}
