package dev.tmem.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tmem.core.Harness.PoolRef;
import java.util.OptionalLong;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The counters of {@link TmemStats} and {@link ClientStats} (PROTOCOL.md "STATS counters"), per
 * client and global, after known sequences: exact values.
 */
class StatsTest extends SpecTestBase {

    private static final int PS = 4096;

    @Test
    void stats_exactCountersAfterAKnownSequence() {
        Harness h = harness(budgetFor(100, PS));
        TmemClient a = h.client("a");
        TmemClient b = h.client("b");
        TmemClient c = h.client("c");
        UUID uuid = new UUID(6, 6);
        PoolRef eph = h.pool(a, Kind.PRIVATE_EPHEMERAL, PS);
        PoolRef per = h.pool(a, Kind.PERSISTENT, PS);
        PoolRef sa = h.newPool(a, PoolSpec.shared(uuid, PS));
        PoolRef sb = h.newPool(b, PoolSpec.shared(uuid, PS));
        PoolRef pc = h.pool(c, Kind.PERSISTENT, PS);

        // a: 2 ephemeral puts, 3 persistent puts, 1 replacing put
        assertThat(eph.put(1, 0, page(PS, 1))).isTrue();
        assertThat(eph.put(1, 1, page(PS, 2))).isTrue();
        assertThat(per.put(1, 0, page(PS, 3))).isTrue();
        assertThat(per.put(1, 1, page(PS, 4))).isTrue();
        assertThat(per.put(2, 0, page(PS, 5))).isTrue();
        assertThat(per.put(1, 0, page(PS, 6))).isTrue();
        // a: gets
        assertThat(eph.get(1, 0)).isNotNull(); // hit, taken
        assertThat(eph.get(1, 0)).isNull(); // miss
        assertThat(per.get(1, 0)).isNotNull(); // hit
        assertThat(per.get(1, 0, true)).isNotNull(); // hit, exclusive: taken
        assertThat(per.get(1, 0)).isNull(); // miss
        assertThat(per.get(9, 9)).isNull(); // miss
        // a: four flush calls, two of which remove nothing
        assertThat(per.flushPage(1, 1)).isEqualTo(1);
        assertThat(per.flushPage(1, 1)).isZero();
        assertThat(per.flushObject(2)).isEqualTo(1);
        assertThat(per.flushObject(2)).isZero();
        // b puts into the shared pool; a and b hit it
        assertThat(sb.put(5, 0, page(PS, 7))).isTrue();
        assertThat(sa.get(5, 0)).isNotNull();
        assertThat(sb.get(5, 0)).isNotNull();
        // c is capped at 0: a failed put
        c.setCapPages(0);
        assertThat(pc.put(1, 0, page(PS, 8))).isFalse();
        // b at its cap of 1 evicts its own page
        b.setCapPages(1);
        assertThat(sb.put(5, 1, page(PS, 9))).isTrue();
        assertThat(sa.get(5, 0)).isNull(); // miss
        assertThat(sa.get(5, 1)).isNotNull(); // hit

        long one = cost(PS);
        assertThat(a.stats()).isEqualTo(
                new ClientStats("a", 6, 0, 5, 4, 4, 0, 1, 0, PS, one, 1, OptionalLong.empty()));
        assertThat(b.stats()).isEqualTo(
                new ClientStats("b", 2, 0, 1, 0, 0, 1, 1, 0, PS, one, 1, OptionalLong.of(1)));
        assertThat(c.stats()).isEqualTo(
                new ClientStats("c", 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, OptionalLong.of(0)));
        assertThat(h.engine.clientStats()).containsExactlyInAnyOrder(a.stats(), b.stats(), c.stats());

        TmemStats s = h.engine.stats();
        assertThat(s).usingRecursiveComparison().ignoringFields("metadataBytes").isEqualTo(
                new TmemStats(8, 1, 6, 4, 4, 1, 2, 0, 2L * PS, 2 * one, budgetFor(100, PS), 3, 4, 0));
        assertThat(s.pages()).isEqualTo(2);
    }

    @Test
    void stats_budgetEvictionIsCountedOnTheOwnerOfTheEvictedPage() {
        Harness h = harness(budgetFor(2, PS));
        TmemClient a = h.client("a");
        TmemClient b = h.client("b");
        PoolRef pa = h.pool(a, Kind.PRIVATE_EPHEMERAL, PS);
        PoolRef pb = h.pool(b, Kind.PRIVATE_EPHEMERAL, PS);
        assertThat(pa.put(1, 0, page(PS, 0))).isTrue();
        assertThat(pa.put(1, 1, page(PS, 1))).isTrue();

        assertThat(pb.put(1, 0, page(PS, 2))).isTrue();

        assertThat(a.stats().evictions()).isEqualTo(1);
        assertThat(b.stats().evictions()).isZero();
        TmemStats s = h.engine.stats();
        assertThat(s.evictions()).isEqualTo(1);
        assertThat(s.puts()).isEqualTo(3);
        assertThat(s.failedPuts()).isZero();
        assertThat(a.stats().pagesEphemeral()).isEqualTo(1);
        assertThat(a.stats().bytesUsed()).isEqualTo(cost(PS));
    }

    @Test
    void stats_closedClientsCountersStayInTheGlobalOnes() {
        Harness h = harness(budgetFor(8, PS));
        TmemClient a = h.client("a");
        TmemClient b = h.client("b");
        PoolRef pa = h.pool(a, Kind.PERSISTENT, PS);
        PoolRef pb = h.pool(b, Kind.PERSISTENT, PS);
        assertThat(pa.put(1, 0, page(PS, 0))).isTrue();
        assertThat(pa.put(1, 1, page(PS, 1))).isTrue();
        assertThat(pa.get(1, 0)).isNotNull();
        assertThat(pa.get(2, 0)).isNull();
        assertThat(pa.flushPage(1, 0)).isEqualTo(1);
        assertThat(pb.put(1, 0, page(PS, 2))).isTrue();

        h.closeClient(a);

        TmemStats s = h.engine.stats();
        assertThat(s.puts()).isEqualTo(3);
        assertThat(s.succGets()).isEqualTo(1);
        assertThat(s.failedGets()).isEqualTo(1);
        assertThat(s.flushes()).isEqualTo(1);
        assertThat(s.pagesPersistent()).isEqualTo(1);
        assertThat(s.bytesUsed()).isEqualTo(cost(PS));
        assertThat(s.clients()).isEqualTo(1);
        assertThat(s.pools()).isEqualTo(1);
        assertThat(h.engine.clientStats()).extracting(ClientStats::name).containsExactly("b");
    }

    @Test
    void stats_weightAndCapAreReported() {
        Harness h = harness(budgetFor(8, PS));
        TmemClient a = h.client("a");
        assertThat(a.stats().weight()).isEqualTo(1);
        assertThat(a.stats().capPages()).isEmpty();

        a.setWeight(3);
        a.setCapPages(7);

        assertThat(a.stats().weight()).isEqualTo(3);
        assertThat(a.stats().capPages()).hasValue(7);
        assertThat(h.engine.clientStats()).singleElement()
                .satisfies(cs -> assertThat(cs.weight()).isEqualTo(3))
                .satisfies(cs -> assertThat(cs.capPages()).hasValue(7));
        a.clearCap();
        assertThat(a.stats().capPages()).isEmpty();
    }

    @Test
    void stats_emptyEngine() {
        Harness h = harness(12345);
        TmemStats s = h.engine.stats();
        assertThat(s).usingRecursiveComparison().ignoringFields("metadataBytes")
                .isEqualTo(new TmemStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 12345, 0, 0, 0));
        assertThat(h.engine.clientStats()).isEmpty();
    }

    @Test
    void stats_mixedPageSizesAddUp() {
        Harness h = harness(budgetFor(8, 65536));
        TmemClient a = h.client("a");
        int[] sizes = {4096, 8192, 16384, 32768, 65536};
        long used = 0;
        long stored = 0;
        for (int ps : sizes) {
            PoolRef p = h.pool(a, Kind.PERSISTENT, ps);
            assertThat(p.put(1, 0, page(ps, ps))).isTrue();
            used += cost(ps);
            stored += ps;
        }
        TmemStats s = h.engine.stats();
        assertThat(s.bytesUsed()).isEqualTo(used);
        assertThat(s.bytesStored()).isEqualTo(stored);
        assertThat(s.pagesPersistent()).isEqualTo(sizes.length);
        assertThat(s.pools()).isEqualTo(sizes.length);
        assertThat(a.stats().bytesUsed()).isEqualTo(used);
    }
}
