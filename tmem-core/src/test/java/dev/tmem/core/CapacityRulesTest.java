package dev.tmem.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tmem.core.Harness.PoolRef;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SEMANTICS.md section 2 rule 11 and PROTOCOL.md "Memory budget": the budget, LRU eviction, the
 * weighted share, the per-client cap. Budgets are sized in raw pages ({@code pageSize +
 * PAGE_OVERHEAD_BYTES} each) so that eviction happens exactly where the test expects it. Eviction
 * order is LRU by last put or last hit.
 */
class CapacityRulesTest extends SpecTestBase {

    private static final String MATRIX = "{0} pageSize={1}";

    // ---------------------------------------------------------------- the budget arithmetic

    @ParameterizedTest(name = "pageSize={0}")
    @MethodSource("pageSizes")
    void capacity_eachRawPageCostsPageSizePlusOverhead(int ps) {
        Harness h = harness(budgetFor(3, ps));
        PoolRef p = h.pool(h.client("a"), Kind.PRIVATE_EPHEMERAL, ps);

        for (int i = 0; i < 3; i++) {
            assertThat(p.put(1, i, page(ps, i))).isTrue();
        }

        TmemStats s = h.engine.stats();
        assertThat(s.evictions()).as("three pages fit a budget of exactly three").isZero();
        assertThat(s.bytesUsed()).isEqualTo(3 * cost(ps)).isEqualTo(s.bytesBudget());
        assertThat(s.bytesStored()).isEqualTo(3L * ps);
    }

    @ParameterizedTest(name = "pageSize={0}")
    @MethodSource("pageSizes")
    void capacity_budgetOneByteShortEvicts(int ps) {
        Harness h = harness(budgetFor(3, ps) - 1);
        PoolRef p = h.pool(h.client("a"), Kind.PRIVATE_EPHEMERAL, ps);

        for (int i = 0; i < 3; i++) {
            assertThat(p.put(1, i, page(ps, i))).isTrue();
        }

        assertThat(h.engine.stats().evictions()).isEqualTo(1);
        assertThat(h.engine.stats().pages()).isEqualTo(2);
        assertThat(p.get(1, 0)).isNull();
    }

    @ParameterizedTest(name = MATRIX)
    @MethodSource("kindsAndSizes")
    void capacity_eachPageCostsTheStoresChargePlusOverhead(Kind kind, int ps) {
        // a store that charges 2 KiB for these pages, as a compressing store would
        TestPageStore store = new TestPageStore(true);
        long each = 2048 + TmemEngine.PAGE_OVERHEAD_BYTES;
        Harness h = harness(4 * each, store, b -> {});
        PoolRef p = h.pool(h.client("a"), kind, ps);

        for (int i = 0; i < 4; i++) {
            byte[] page = page(ps, i);
            page[0] = 2;
            assertThat(p.put(1, i, page)).isTrue();
        }

        TmemStats s = h.engine.stats();
        assertThat(s.evictions()).isZero();
        assertThat(s.bytesUsed()).isEqualTo(4 * each);
        assertThat(s.bytesStored()).isEqualTo(4 * 2048L);
        byte[] fifth = page(ps, 4);
        fifth[0] = 2;
        assertThat(p.put(1, 4, fifth)).isEqualTo(kind.ephemeral());
        assertThat(h.engine.stats().evictions()).isEqualTo(kind.ephemeral() ? 1 : 0);
    }

    @Test
    void capacity_bytesUsedNeverExceedsBudget() {
        int ps = 4096;
        Harness h = harness(budgetFor(5, ps) + 100);
        PoolRef[] pools = {
            h.pool(h.client("a"), Kind.PRIVATE_EPHEMERAL, ps),
            h.pool(h.client("b"), Kind.SHARED_EPHEMERAL, ps),
            h.pool(h.client("c"), Kind.PERSISTENT, ps),
            h.pool(h.client("c"), Kind.PRIVATE_EPHEMERAL, 8192),
        };
        SplittableRandom rnd = new SplittableRandom(7);
        int persistentStored = 0;
        for (int i = 0; i < 200; i++) {
            PoolRef p = pools[rnd.nextInt(pools.length)];
            boolean ok = p.put(rnd.nextInt(3), rnd.nextInt(4), page(p.pageSize(), i));
            if (ok && p.spec.persistent()) {
                persistentStored++;
            }
            if (i % 17 == 0) {
                p.get(rnd.nextInt(3), rnd.nextInt(4));
            }
            TmemStats s = h.engine.stats();
            assertThat(s.bytesUsed()).as("after op %d", i).isLessThanOrEqualTo(s.bytesBudget());
        }
        assertThat(persistentStored).isPositive();
    }

    // ---------------------------------------------------------------- LRU

    @ParameterizedTest(name = MATRIX)
    @MethodSource("ephemeralKindsAndSizes")
    void capacity_evictsLeastRecentlyUsedFirst(Kind kind, int ps) {
        Harness h = harness(budgetFor(3, ps));
        PoolRef p = h.pool(h.client("a"), kind, ps);
        assertThat(p.put(1, 0, page(ps, 1))).isTrue();
        assertThat(p.put(1, 1, page(ps, 2))).isTrue();
        assertThat(p.put(1, 0, page(ps, 3))).isTrue(); // a later put refreshes (1, 0)
        assertThat(p.put(1, 2, page(ps, 4))).isTrue(); // full now

        assertThat(p.put(1, 3, page(ps, 5))).isTrue(); // evicts the least recently used: (1, 1)

        assertThat(p.get(1, 1)).isNull();
        assertThat(p.get(1, 0)).isEqualTo(page(ps, 3));
        assertThat(p.get(1, 2)).isEqualTo(page(ps, 4));
        assertThat(p.get(1, 3)).isEqualTo(page(ps, 5));
        assertThat(h.engine.stats().evictions()).isEqualTo(1);
    }

    @ParameterizedTest(name = "pageSize={0}")
    @MethodSource("pageSizes")
    void capacity_sharedHitRefreshesLru(int ps) {
        Harness h = harness(budgetFor(3, ps));
        PoolRef p = h.pool(h.client("a"), Kind.SHARED_EPHEMERAL, ps);
        assertThat(p.put(1, 0, page(ps, 1))).isTrue();
        assertThat(p.put(1, 1, page(ps, 2))).isTrue();
        assertThat(p.put(1, 2, page(ps, 3))).isTrue();
        assertThat(p.get(1, 0)).isEqualTo(page(ps, 1)); // the hit refreshes (1, 0)

        assertThat(p.put(1, 3, page(ps, 4))).isTrue();

        assertThat(p.get(1, 1)).as("the least recently used page").isNull();
        assertThat(p.get(1, 0)).isEqualTo(page(ps, 1));
        assertThat(p.get(1, 2)).isEqualTo(page(ps, 3));
        assertThat(p.get(1, 3)).isEqualTo(page(ps, 4));
    }

    @ParameterizedTest(name = MATRIX)
    @MethodSource("ephemeralKindsAndSizes")
    void capacity_lruSpansTheClientsPools(Kind kind, int ps) {
        Harness h = harness(budgetFor(3, ps));
        TmemClient a = h.client("a");
        PoolRef p1 = h.pool(a, kind, ps);
        PoolRef p2 = h.pool(a, kind, ps);
        assertThat(p1.put(1, 0, page(ps, 1))).isTrue();
        assertThat(p2.put(1, 0, page(ps, 2))).isTrue();
        assertThat(p1.put(1, 1, page(ps, 3))).isTrue();

        assertThat(p2.put(1, 1, page(ps, 4))).isTrue();

        assertThat(p1.get(1, 0)).isNull();
        assertThat(p2.get(1, 0)).isEqualTo(page(ps, 2));
        assertThat(p1.get(1, 1)).isEqualTo(page(ps, 3));
        assertThat(p2.get(1, 1)).isEqualTo(page(ps, 4));
    }

    @ParameterizedTest(name = MATRIX)
    @MethodSource("ephemeralKindsAndSizes")
    void capacity_evictionSkipsPersistentPages(Kind kind, int ps) {
        Harness h = harness(budgetFor(3, ps));
        TmemClient a = h.client("a");
        PoolRef per = h.pool(a, Kind.PERSISTENT, ps);
        PoolRef eph = h.pool(a, kind, ps);
        assertThat(per.put(1, 0, page(ps, 1))).isTrue(); // the oldest page
        assertThat(eph.put(1, 0, page(ps, 2))).isTrue();
        assertThat(eph.put(1, 1, page(ps, 3))).isTrue();

        assertThat(eph.put(1, 2, page(ps, 4))).isTrue();

        assertThat(eph.get(1, 0)).isNull();
        assertThat(per.get(1, 0)).isEqualTo(page(ps, 1));
        assertThat(eph.get(1, 1)).isEqualTo(page(ps, 3));
    }

    // ---------------------------------------------------------------- the weighted share

    @ParameterizedTest(name = MATRIX)
    @MethodSource("ephemeralKindsAndSizes")
    void capacity_evictsFromClientOverWeightedShareFirst(Kind kind, int ps) {
        Harness h = harness(budgetFor(4, ps));
        TmemClient a = h.client("a");
        TmemClient b = h.client("b");
        PoolRef pa = h.pool(a, kind, ps);
        PoolRef pb = h.pool(b, kind, ps);
        assertThat(pb.put(1, 0, page(ps, 10))).isTrue(); // the globally least recently used page
        for (int i = 0; i < 3; i++) {
            assertThat(pa.put(1, i, page(ps, i))).isTrue(); // a: 3 pages, share 2
        }

        assertThat(pb.put(1, 1, page(ps, 11))).isTrue();

        assertThat(pa.get(1, 0)).as("a's least recently used page").isNull();
        assertThat(pb.get(1, 0)).as("b is under its share: its older page stays").isEqualTo(page(ps, 10));
        assertThat(a.stats().evictions()).isEqualTo(1);
        assertThat(b.stats().evictions()).isZero();
    }

    @ParameterizedTest(name = MATRIX)
    @MethodSource("ephemeralKindsAndSizes")
    void capacity_clientOverShareEvictsItsOwnPageBeforeOlderPagesOfOthers(Kind kind, int ps) {
        Harness h = harness(budgetFor(4, ps));
        TmemClient a = h.client("a");
        TmemClient b = h.client("b");
        PoolRef pa = h.pool(a, kind, ps);
        PoolRef pb = h.pool(b, kind, ps);
        assertThat(pb.put(1, 0, page(ps, 10))).isTrue();
        for (int i = 0; i < 3; i++) {
            assertThat(pa.put(1, i, page(ps, i))).isTrue();
        }

        assertThat(pa.put(1, 3, page(ps, 3))).isTrue();

        assertThat(pa.get(1, 0)).isNull();
        assertThat(pb.get(1, 0)).isEqualTo(page(ps, 10));
        assertThat(pa.get(1, 1)).isEqualTo(page(ps, 1));
    }

    @ParameterizedTest(name = "weightOfA={0}")
    @ValueSource(ints = {1, 3})
    void capacity_weightsDecideTheShare(int weightOfA) {
        int ps = 4096;
        Harness h = harness(budgetFor(8, ps));
        TmemClient a = h.client("a");
        TmemClient b = h.client("b");
        a.setWeight(weightOfA);
        PoolRef pa = h.pool(a, Kind.PRIVATE_EPHEMERAL, ps);
        PoolRef pb = h.pool(b, Kind.PRIVATE_EPHEMERAL, ps);
        for (int i = 0; i < 5; i++) {
            assertThat(pa.put(1, i, page(ps, i))).isTrue(); // a's pages are the oldest
        }
        for (int i = 0; i < 3; i++) {
            assertThat(pb.put(1, i, page(ps, 10 + i))).isTrue();
        }

        assertThat(pa.put(1, 5, page(ps, 5))).isTrue();

        if (weightOfA == 3) {
            // shares: a 8 x 3/4 = 6 pages, b 2 pages; b (3 pages) is the one over its share
            assertThat(pb.get(1, 0)).isNull();
            assertThat(pa.get(1, 0)).isEqualTo(page(ps, 0));
            assertThat(b.stats().evictions()).isEqualTo(1);
        } else {
            // shares: 4 pages each; a (5 pages) is over
            assertThat(pa.get(1, 0)).isNull();
            assertThat(pb.get(1, 0)).isEqualTo(page(ps, 10));
            assertThat(a.stats().evictions()).isEqualTo(1);
        }
    }

    @Test
    void capacity_noEvictableClientOverItsShare_evictsLeastRecentlyUsed() {
        int ps = 4096;
        Harness h = harness(budgetFor(6, ps));
        TmemClient p = h.client("p");
        TmemClient b = h.client("b"); // b before a: a client number must not decide the victim
        TmemClient a = h.client("a");
        PoolRef per = h.pool(p, Kind.PERSISTENT, ps);
        PoolRef pa = h.pool(a, Kind.PRIVATE_EPHEMERAL, ps);
        PoolRef pb = h.pool(b, Kind.PRIVATE_EPHEMERAL, ps);
        for (int i = 0; i < 3; i++) {
            assertThat(per.put(1, i, page(ps, i))).isTrue(); // p: over its share, but nothing evictable
        }
        assertThat(pa.put(1, 0, page(ps, 10))).isTrue(); // the least recently used ephemeral page
        assertThat(pb.put(1, 0, page(ps, 20))).isTrue();
        assertThat(pb.put(1, 1, page(ps, 21))).isTrue(); // full; shares are 2 pages each

        // neither a (1 page, 2 with this put) nor b (2 pages) holds more than its share of 2:
        // the rule falls back to least recently used first
        assertThat(pa.put(1, 1, page(ps, 11))).isTrue();

        assertThat(pa.get(1, 0)).isNull();
        assertThat(pb.get(1, 0)).isEqualTo(page(ps, 20));
        assertThat(pb.get(1, 1)).isEqualTo(page(ps, 21));
        assertThat(pa.get(1, 1)).isEqualTo(page(ps, 11));
    }

    @Test
    void capacity_shareIsMeasuredInBytesUsedNotPages() {
        Harness h = harness(4 * cost(4096) + cost(65536));
        TmemClient a = h.client("a");
        TmemClient b = h.client("b");
        PoolRef pb = h.pool(b, Kind.PRIVATE_EPHEMERAL, 4096);
        PoolRef pa = h.pool(a, Kind.PRIVATE_EPHEMERAL, 65536);
        for (int i = 0; i < 4; i++) {
            assertThat(pb.put(1, i, page(4096, i))).isTrue(); // b: 4 pages, 16 KiB and change
        }
        assertThat(pa.put(1, 0, page(65536, 9))).isTrue(); // a: 1 page, 64 KiB and change; full

        assertThat(pb.put(1, 4, page(4096, 4))).isTrue();

        // a holds fewer pages but far more than half the budget: a's page goes, b's oldest stays
        assertThat(pa.get(1, 0)).isNull();
        for (int i = 0; i < 5; i++) {
            assertThat(pb.get(1, i)).isEqualTo(page(4096, i));
        }
    }

    // ---------------------------------------------------------------- the cap

    @ParameterizedTest(name = MATRIX)
    @MethodSource("ephemeralKindsAndSizes")
    void capacity_clientAtCapEvictsOwnLru(Kind kind, int ps) {
        Harness h = harness(budgetFor(10, ps));
        TmemClient a = h.client("a");
        TmemClient b = h.client("b");
        PoolRef pa = h.pool(a, kind, ps);
        PoolRef pb = h.pool(b, kind, ps);
        a.setCapPages(2);
        assertThat(pb.put(1, 0, page(ps, 10))).isTrue(); // older than all of a's pages
        assertThat(pa.put(1, 0, page(ps, 0))).isTrue();
        assertThat(pa.put(1, 1, page(ps, 1))).isTrue();

        assertThat(pa.put(1, 2, page(ps, 2))).isTrue();

        assertThat(pa.get(1, 0)).isNull();
        assertThat(pa.get(1, 1)).isEqualTo(page(ps, 1));
        assertThat(pa.get(1, 2)).isEqualTo(page(ps, 2));
        assertThat(pb.get(1, 0)).isEqualTo(page(ps, 10));
        assertThat(a.stats().evictions()).isEqualTo(1);
        assertThat(a.stats().puts()).isEqualTo(3);
        assertThat(b.stats().evictions()).isZero();
    }

    @ParameterizedTest(name = "pageSize={0}")
    @MethodSource("pageSizes")
    void capacity_clientAtCapEvictsOwnEphemeralNotItsOlderPersistent(int ps) {
        Harness h = harness(budgetFor(10, ps));
        TmemClient a = h.client("a");
        PoolRef per = h.pool(a, Kind.PERSISTENT, ps);
        PoolRef eph = h.pool(a, Kind.PRIVATE_EPHEMERAL, ps);
        a.setCapPages(2);
        assertThat(per.put(1, 0, page(ps, 0))).isTrue();
        assertThat(eph.put(1, 0, page(ps, 1))).isTrue();

        assertThat(eph.put(1, 1, page(ps, 2))).isTrue();

        assertThat(eph.get(1, 0)).isNull();
        assertThat(per.get(1, 0)).isEqualTo(page(ps, 0));
        assertThat(eph.get(1, 1)).isEqualTo(page(ps, 2));
    }

    @ParameterizedTest(name = "pageSize={0}")
    @MethodSource("pageSizes")
    void capacity_capCountsTheClientsPagesInSharedPools(int ps) {
        Harness h = harness(budgetFor(10, ps));
        TmemClient a = h.client("a");
        PoolRef shared = h.pool(a, Kind.SHARED_EPHEMERAL, ps);
        PoolRef eph = h.pool(a, Kind.PRIVATE_EPHEMERAL, ps);
        a.setCapPages(1);
        assertThat(shared.put(1, 0, page(ps, 0))).isTrue();

        assertThat(eph.put(1, 0, page(ps, 1))).isTrue();

        assertThat(shared.get(1, 0)).isNull();
        assertThat(eph.get(1, 0)).isEqualTo(page(ps, 1));
    }

    @ParameterizedTest(name = "pageSize={0}")
    @MethodSource("pageSizes")
    void capacity_clientAtCapWithNoEphemeralFails(int ps) {
        Harness h = harness(budgetFor(10, ps));
        TmemClient a = h.client("a");
        TmemClient b = h.client("b");
        PoolRef per = h.pool(a, Kind.PERSISTENT, ps);
        PoolRef eph = h.pool(a, Kind.PRIVATE_EPHEMERAL, ps);
        PoolRef pb = h.pool(b, Kind.PRIVATE_EPHEMERAL, ps);
        assertThat(pb.put(1, 0, page(ps, 10))).isTrue(); // someone else's evictable page
        a.setCapPages(2);
        assertThat(per.put(1, 0, page(ps, 0))).isTrue();
        assertThat(per.put(1, 1, page(ps, 1))).isTrue();

        assertThat(per.put(1, 2, page(ps, 2))).isFalse();
        assertThat(eph.put(1, 0, page(ps, 3))).isFalse();

        assertThat(per.get(1, 2)).isNull();
        assertThat(eph.get(1, 0)).isNull();
        assertThat(per.get(1, 0)).isEqualTo(page(ps, 0));
        assertThat(per.get(1, 1)).isEqualTo(page(ps, 1));
        assertThat(pb.get(1, 0)).as("another client's page is not taken for a's cap").isEqualTo(page(ps, 10));
        ClientStats as = a.stats();
        assertThat(as.failedPuts()).isEqualTo(2);
        assertThat(as.evictions()).isZero();
        assertThat(h.engine.stats().evictions()).isZero();
    }

    @ParameterizedTest(name = "pageSize={0}")
    @MethodSource("pageSizes")
    void capacity_replacementThatEvictsItsOwnOldPageStillAddsNoneUnderTheCap(int ps) {
        // a compressing store charges pages unequally: replacing a small page of a's with a big one
        // needs bytes; a is the most over its share, and its only evictable page is the one being
        // replaced. Evicting it must not turn the replacement into a new page that the cap refuses.
        TestPageStore store = new TestPageStore(true);
        long small = 1024 + TmemEngine.PAGE_OVERHEAD_BYTES;
        long full = ps + (long) TmemEngine.PAGE_OVERHEAD_BYTES;
        Harness h = harness(2 * full + 2 * small + (ps - 1024) - 1, store, b -> {});
        TmemClient a = h.client("a");
        PoolRef per = h.pool(a, Kind.PERSISTENT, ps);
        PoolRef eph = h.pool(a, Kind.PRIVATE_EPHEMERAL, ps);
        PoolRef pb = h.pool(h.client("b"), Kind.PRIVATE_EPHEMERAL, ps);
        byte[] little = page(ps, 1);
        little[0] = 1; // charged 1 KiB
        byte[] big = page(ps, 2);
        big[0] = 0; // charged the full page
        byte[] others = page(ps, 3);
        others[0] = 1;
        assertThat(per.put(1, 0, page(ps, 4))).isTrue();
        assertThat(per.put(1, 1, page(ps, 5))).isTrue();
        assertThat(eph.put(1, 0, little)).isTrue();
        assertThat(pb.put(1, 0, others)).isTrue();
        a.setCapPages(1); // a holds 3 pages: over its new cap, so only replacements may succeed

        assertThat(eph.put(1, 0, big)).isTrue();

        assertThat(a.stats().pagesEphemeral() + a.stats().pagesPersistent()).as("%s", a.stats()).isEqualTo(3);
        assertThat(pb.present(1, 0)).as("b's page made the rest of the room").isFalse();
        assertThat(eph.get(1, 0)).isEqualTo(big); // a private ephemeral hit takes the page
    }

    @ParameterizedTest(name = MATRIX)
    @MethodSource("kindsAndSizes")
    void capacity_capZeroRefusesEveryPut(Kind kind, int ps) {
        Harness h = harness(budgetFor(4, ps));
        TmemClient a = h.client("a");
        PoolRef p = h.pool(a, kind, ps);
        a.setCapPages(0);

        assertThat(p.put(1, 0, page(ps, 0))).isFalse();

        assertThat(p.get(1, 0)).isNull();
        assertThat(a.stats().failedPuts()).isEqualTo(1);
        assertThat(h.engine.stats().pages()).isZero();
    }

    @ParameterizedTest(name = MATRIX)
    @MethodSource("kindsAndSizes")
    void capacity_replacingOwnPageAtCapAddsNone(Kind kind, int ps) {
        Harness h = harness(budgetFor(4, ps));
        TmemClient a = h.client("a");
        PoolRef p = h.pool(a, kind, ps);
        a.setCapPages(1);
        assertThat(p.put(1, 0, page(ps, 0))).isTrue();

        assertThat(p.put(1, 0, page(ps, 1))).isTrue();
        assertThat(p.put(1, 0, page(ps, 2))).isTrue();

        ClientStats s = a.stats();
        assertThat(s.evictions()).isZero();
        assertThat(s.failedPuts()).isZero();
        assertThat(s.pagesEphemeral() + s.pagesPersistent()).isEqualTo(1);
        assertThat(p.get(1, 0)).isEqualTo(page(ps, 2));
    }

    @ParameterizedTest(name = "pageSize={0}")
    @MethodSource("pageSizes")
    void capacity_replacingAPageAtAFullBudgetReusesItsSpace(int ps) {
        Harness h = harness(budgetFor(2, ps));
        PoolRef p = h.pool(h.client("a"), Kind.PERSISTENT, ps);
        assertThat(p.put(1, 0, page(ps, 0))).isTrue();
        assertThat(p.put(1, 1, page(ps, 1))).isTrue();

        assertThat(p.put(1, 0, page(ps, 2))).isTrue();

        assertThat(p.get(1, 0)).isEqualTo(page(ps, 2));
        assertThat(p.get(1, 1)).isEqualTo(page(ps, 1));
    }

    @Test
    void capacity_loweringTheCapEvictsNothingAtOnce() {
        int ps = 4096;
        Harness h = harness(budgetFor(10, ps));
        TmemClient a = h.client("a");
        PoolRef p = h.pool(a, Kind.PRIVATE_EPHEMERAL, ps);
        for (int i = 0; i < 3; i++) {
            assertThat(p.put(1, i, page(ps, i))).isTrue();
        }

        a.setCapPages(1);

        assertThat(a.capPages()).isEqualTo(OptionalLong.of(1));
        assertThat(a.stats().capPages()).isEqualTo(OptionalLong.of(1));
        assertThat(a.stats().pagesEphemeral()).isEqualTo(3);
        assertThat(a.stats().evictions()).isZero();
        for (int i = 0; i < 3; i++) {
            assertThat(p.present(1, i)).isTrue();
        }
        // a later put evicts a's own pages (or fails); it never leaves a above what it held
        boolean stored = p.put(1, 3, page(ps, 3));
        assertThat(a.stats().pagesEphemeral()).isLessThanOrEqualTo(3);
        if (stored) {
            assertThat(p.get(1, 3)).isEqualTo(page(ps, 3));
        }

        a.clearCap();
        assertThat(a.capPages()).isEmpty();
        assertThat(a.stats().capPages()).isEmpty();
    }

    // ---------------------------------------------------------------- persistent puts and room

    @ParameterizedTest(name = "pageSize={0}")
    @MethodSource("pageSizes")
    void capacity_persistentPutFailsWhenNoRoom(int ps) {
        Harness h = harness(budgetFor(2, ps));
        TmemClient a = h.client("a");
        PoolRef p = h.pool(a, Kind.PERSISTENT, ps);
        assertThat(p.put(1, 0, page(ps, 0))).isTrue();
        assertThat(p.put(1, 1, page(ps, 1))).isTrue();

        assertThat(p.put(1, 2, page(ps, 2))).isFalse();

        assertThat(p.get(1, 2)).isNull();
        assertThat(p.get(1, 0)).isEqualTo(page(ps, 0));
        assertThat(p.get(1, 1)).isEqualTo(page(ps, 1));
        TmemStats s = h.engine.stats();
        assertThat(s.failedPuts()).isEqualTo(1);
        assertThat(s.puts()).isEqualTo(2);
        assertThat(s.pagesPersistent()).isEqualTo(2);
    }

    @ParameterizedTest(name = "pageSize={0}")
    @MethodSource("pageSizes")
    void capacity_persistentPutEvictsEphemeralPagesToMakeRoom(int ps) {
        Harness h = harness(budgetFor(2, ps));
        TmemClient a = h.client("a");
        TmemClient b = h.client("b");
        PoolRef eph = h.pool(b, Kind.PRIVATE_EPHEMERAL, ps);
        PoolRef per = h.pool(a, Kind.PERSISTENT, ps);
        assertThat(eph.put(1, 0, page(ps, 10))).isTrue();
        assertThat(per.put(1, 0, page(ps, 0))).isTrue();

        assertThat(per.put(1, 1, page(ps, 1))).isTrue();
        assertThat(per.put(1, 2, page(ps, 2))).isFalse();

        assertThat(eph.get(1, 0)).isNull();
        assertThat(b.stats().evictions()).as("the eviction is counted on the evicted page's owner").isEqualTo(1);
        assertThat(a.stats().evictions()).isZero();
        assertThat(a.stats().failedPuts()).isEqualTo(1);
    }

    @Test
    void capacity_sharedPagesAreChargedToTheClientThatPutThem() {
        int ps = 4096;
        Harness h = harness(budgetFor(4, ps));
        TmemClient x = h.client("x");
        TmemClient y = h.client("y");
        UUID uuid = new UUID(9, 9);
        PoolRef sx = h.newPool(x, PoolSpec.shared(uuid, ps));
        PoolRef sy = h.newPool(y, PoolSpec.shared(uuid, ps));

        assertThat(sy.put(1, 0, page(ps, 0))).isTrue();
        assertThat(sy.put(1, 1, page(ps, 1))).isTrue();
        assertThat(sx.put(1, 2, page(ps, 2))).isTrue();

        assertThat(y.stats().pagesEphemeral()).isEqualTo(2);
        assertThat(y.stats().bytesUsed()).isEqualTo(2 * cost(ps));
        assertThat(x.stats().pagesEphemeral()).isEqualTo(1);
        assertThat(x.stats().bytesUsed()).isEqualTo(cost(ps));
        assertThat(sx.get(1, 0)).isEqualTo(page(ps, 0));
        assertThat(y.stats().pagesEphemeral()).as("a hit by x does not move y's charge").isEqualTo(2);
    }
}
