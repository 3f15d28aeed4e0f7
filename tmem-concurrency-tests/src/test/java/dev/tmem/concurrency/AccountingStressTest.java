package dev.tmem.concurrency;

import static dev.tmem.concurrency.HandleIsolationStressTest.oid;
import static dev.tmem.concurrency.Outcomes.Expect.ACCEPTABLE;
import static dev.tmem.concurrency.Outcomes.Expect.FORBIDDEN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tmem.core.ClientStats;
import dev.tmem.core.PinnedPage;
import dev.tmem.core.PoolId;
import dev.tmem.core.PoolSpec;
import dev.tmem.core.TmemClient;
import dev.tmem.core.TmemEngine;
import dev.tmem.core.TmemStats;
import dev.tmem.core.spi.PageStore;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * <b>Property:</b> the engine's accounting stays exact under concurrency, and persistent pages are
 * never lost to eviction (SEMANTICS 2.6, 2.11; PROTOCOL "Memory budget").
 *
 * <p>Four threads each own 8 handles of one persistent pool (single writer each, so the thread knows
 * exactly what each must hold: it checks every get, flush and put against that), and all of them
 * churn the same ephemeral handles of a private pool and of a shared pool attached by two clients,
 * with a budget of 48 pages (persistent pages can take at most 32). A sampler checks
 * {@code bytesUsed <= budget} throughout. When the threads stop, every handle is probed (persistent
 * with a non-exclusive get, ephemeral with a pin, which removes nothing) and the counts must equal
 * {@code stats()}; then every pool is destroyed and nothing may be left.
 */
class AccountingStressTest {

    private static final int THREADS = 4;
    private static final int OWNED = 8;
    private static final int OBJECTS = 3;
    private static final int INDICES = 8;
    private static final int PAGE = 4096;
    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void statsMatchTheGettablePagesAfterConcurrentChurn(StoreKind kind) throws InterruptedException {
        final long cost = kind.maxCost(PAGE);
        final long budget = 48 * cost;
        Outcomes o = new Outcomes("accounting")
                .declare("OWN_PERSISTENT_AS_EXPECTED", ACCEPTABLE, "own persistent handle held exactly its last put")
                .declare("EPHEMERAL_OP", ACCEPTABLE, "put, get, flush on shared ephemeral handles")
                .declare("PERSISTENT_LOST", FORBIDDEN, "own persistent page missed, or flushPage found none")
                .declare("PERSISTENT_WRONG", FORBIDDEN, "own persistent handle returned other bytes, or a page after its flush")
                .declare("PERSISTENT_PUT_REFUSED", FORBIDDEN, "persistent put refused although at most 32 of 48 pages are persistent")
                .declare("EPHEMERAL_WRONG", FORBIDDEN, "an ephemeral hit with bytes of another handle, or torn")
                .declare("OVER_BUDGET", FORBIDDEN, "stats().bytesUsed() > budget when sampled")
                .declare("TOO_MANY_PERSISTENT", FORBIDDEN, "stats().pagesPersistent() above the 32 owned handles");

        try (TmemEngine engine = TmemEngine.builder().store(kind.create()).budgetBytes(budget).stripes(8).build()) {
            TmemClient owner = engine.client("persistent");
            PoolId persistent = owner.newPool(PoolSpec.persistent(PAGE));
            TmemClient eph = engine.client("ephemeral");
            PoolId ephemeral = eph.newPool(PoolSpec.ephemeral(PAGE));
            UUID uuid = UUID.randomUUID();
            TmemClient shared1 = engine.client("shared-1");
            TmemClient shared2 = engine.client("shared-2");
            PoolId s1 = shared1.newPool(PoolSpec.shared(uuid, PAGE));
            PoolId s2 = shared2.newPool(PoolSpec.shared(uuid, PAGE));
            record Target(long tag, TmemClient client, PoolId pool) {}
            List<Target> churn = List.of(new Target(1, eph, ephemeral), new Target(2, shared1, s1),
                    new Target(2, shared2, s2));
            long[][] expected = new long[THREADS][OWNED]; // seq held at each own handle, 0 = none

            List<Stress.Body> bodies = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int w = t;
                bodies.add(s -> {
                    SplittableRandom rnd = new SplittableRandom(System.nanoTime() + w);
                    byte[] dst = new byte[PAGE];
                    long seq = 0;
                    while (s.running()) {
                        int r = rnd.nextInt(100);
                        if (r < 40) {
                            int slot = rnd.nextInt(OWNED);
                            long index = (long) w * OWNED + slot;
                            ownPersistent(o, owner, persistent, w, slot, index, ++seq, expected[w], rnd, dst);
                            continue;
                        }
                        Target target = churn.get(rnd.nextInt(churn.size()));
                        long oid = rnd.nextInt(OBJECTS);
                        long index = rnd.nextInt(INDICES);
                        if (r < 75) {
                            target.client().putPage(target.pool(), oid(oid), index,
                                    new StressPage(target.tag(), oid, index, w, ++seq).bytes(PAGE));
                        } else if (r < 93) {
                            if (target.client().getPage(target.pool(), oid(oid), index, MemorySegment.ofArray(dst))) {
                                StressPage.Decoded d = StressPage.decode(dst);
                                if (d.defect() != null || !d.page().sameHandle(target.tag(), oid, index)) {
                                    o.record("EPHEMERAL_WRONG", d.defect() != null ? d.detail() : String.valueOf(d.page()));
                                }
                            }
                        } else if (r < 98) {
                            target.client().flushPage(target.pool(), oid(oid), index);
                        } else {
                            target.client().flushObject(target.pool(), oid(oid));
                        }
                        o.record("EPHEMERAL_OP");
                    }
                });
            }
            bodies.add(s -> {
                while (s.running()) {
                    TmemStats st = engine.stats();
                    if (st.bytesUsed() > budget) {
                        o.record("OVER_BUDGET", st.toString());
                    }
                    if (st.pagesPersistent() > THREADS * OWNED) {
                        o.record("TOO_MANY_PERSISTENT", st.toString());
                    }
                    Thread.sleep(1);
                }
            });
            Stress.run("accounting", bodies);
            o.assertNoForbidden();

            // quiescent: probe every handle
            long persistentPages = 0;
            for (int w = 0; w < THREADS; w++) {
                for (int slot = 0; slot < OWNED; slot++) {
                    byte[] got = owner.getPage(persistent, oid(0), (long) w * OWNED + slot);
                    assertThat(got != null).as("own persistent handle %d/%d present", w, slot)
                            .isEqualTo(expected[w][slot] != 0);
                    if (got != null) {
                        persistentPages++;
                        assertThat(StressPage.decode(got).page())
                                .isEqualTo(new StressPage(0, 0, (long) w * OWNED + slot, w, expected[w][slot]));
                    }
                }
            }
            long ephemeralPages = 0;
            for (Target target : List.of(churn.get(0), churn.get(1))) {
                for (long oid = 0; oid < OBJECTS; oid++) {
                    for (long index = 0; index < INDICES; index++) {
                        try (PinnedPage pin = target.client().pin(target.pool(), oid(oid), index)) {
                            if (pin != null) {
                                ephemeralPages++;
                                StressPage.Decoded d = StressPage.decode(pin.segment());
                                assertThat(d.defect()).as("ephemeral page %s", d.detail()).isNull();
                                assertThat(d.page().sameHandle(target.tag(), oid, index)).as("%s", d.page()).isTrue();
                            }
                        }
                    }
                }
            }
            TmemStats st = engine.stats();
            System.out.println("accounting: after churn " + st);
            assertThat(st.pagesPersistent()).as("pagesPersistent vs gettable persistent pages").isEqualTo(persistentPages);
            assertThat(st.pagesEphemeral()).as("pagesEphemeral vs pinnable ephemeral pages").isEqualTo(ephemeralPages);
            if (kind == StoreKind.RAW) {
                assertThat(st.bytesUsed()).as("bytesUsed = pages x (page + overhead)").isEqualTo(st.pages() * cost);
            } else { // a compressing store charges each page what it compressed to
                assertThat(st.bytesUsed()).as("bytesUsed within pages x [overhead, max cost]")
                        .isBetween(st.pages() * TmemEngine.PAGE_OVERHEAD_BYTES, st.pages() * cost);
            }
            assertThat(st.bytesStored()).isLessThanOrEqualTo(st.bytesUsed());
            long pages = 0, used = 0;
            for (ClientStats cs : engine.clientStats()) {
                pages += cs.pagesEphemeral() + cs.pagesPersistent();
                used += cs.bytesUsed();
            }
            assertThat(pages).as("sum of clients' pages").isEqualTo(st.pages());
            assertThat(used).as("sum of clients' bytesUsed").isEqualTo(st.bytesUsed());
            PageStore store = engine.store();
            assertThat(kind.liveHandles(store)).as("store handles vs pages held (a leak or a double free)")
                    .isEqualTo(st.pages());

            assertThat(owner.destroyPool(persistent)).isEqualTo(persistentPages);
            assertThat(eph.destroyPool(ephemeral) + shared1.destroyPool(s1) + shared2.destroyPool(s2))
                    .isEqualTo(ephemeralPages);
            TmemStats empty = engine.stats();
            assertThat(empty.pages()).isZero();
            assertThat(empty.bytesUsed()).isZero();
            assertThat(empty.bytesStored()).isZero();
            assertThat(kind.liveHandles(store)).as("store handles left after every pool is gone").isZero();
        }
    }

    /** One operation on a handle only thread {@code w} touches; checks it exactly. */
    private static void ownPersistent(Outcomes o, TmemClient c, PoolId pool, int w, int slot, long index,
            long seq, long[] expected, SplittableRandom rnd, byte[] dst) {
        int r = rnd.nextInt(10);
        if (r < 5) {
            if (c.putPage(pool, oid(0), index, new StressPage(0, 0, index, w, seq).bytes(PAGE))) {
                expected[slot] = seq;
                o.record("OWN_PERSISTENT_AS_EXPECTED");
            } else {
                expected[slot] = 0;
                o.record("PERSISTENT_PUT_REFUSED", "thread " + w + " index " + index);
            }
            return;
        }
        if (r < 9) {
            boolean exclusive = r == 8;
            boolean hit = c.getPage(pool, oid(0), index, MemorySegment.ofArray(dst), exclusive);
            if (hit != (expected[slot] != 0)) {
                o.record(hit ? "PERSISTENT_WRONG" : "PERSISTENT_LOST",
                        "index " + index + " hit=" + hit + ", expected seq " + expected[slot]);
            } else if (hit && !new StressPage(0, 0, index, w, expected[slot]).equals(StressPage.decode(dst).page())) {
                o.record("PERSISTENT_WRONG", "index " + index + ": " + StressPage.decode(dst).page()
                        + ", expected seq " + expected[slot]);
            } else {
                o.record("OWN_PERSISTENT_AS_EXPECTED");
            }
            if (exclusive) {
                expected[slot] = 0;
            }
            return;
        }
        int n = c.flushPage(pool, oid(0), index);
        if (n != (expected[slot] != 0 ? 1 : 0)) {
            o.record(n == 0 ? "PERSISTENT_LOST" : "PERSISTENT_WRONG", "flushPage of index " + index
                    + " returned " + n + ", expected seq " + expected[slot]);
        } else {
            o.record("OWN_PERSISTENT_AS_EXPECTED");
        }
        expected[slot] = 0;
    }
}
