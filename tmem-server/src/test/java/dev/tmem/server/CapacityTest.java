package dev.tmem.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tmem.core.TmemEngine;
import dev.tmem.protocol.Status;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * PROTOCOL.md "Memory budget": the global budget, per-client caps and weights, from the configuration.
 * Over the raw store, where every page costs the same, so the arithmetic is exact; what zcache
 * changes is in {@link ZcacheServerTest}.
 */
class CapacityTest extends ServerTestBase {

    static final long BUDGET = 1L << 20;
    static final long PAGE_COST = 4096 + TmemEngine.PAGE_OVERHEAD_BYTES;

    @Override
    ServerConfig.Builder configure(ServerConfig.Builder b) {
        return b.store(ServerConfig.Store.RAW).memoryBytes(BUDGET).clientCap("capped", 10).clientWeight("heavy", 3);
    }

    @Test
    void persistentPagesFillTheBudgetThenGetNoSpaceAndEachStoredPageIsIntact() {
        TestClient c = login("app");
        int pool = c.newPool(true, 4096);
        List<Integer> stored = new ArrayList<>();
        int failed = 0;
        for (int i = 0; i < 400; i++) {
            Status s = c.put(pool, 1, i, TestClient.page(4096, i)).status();
            assertThat(s).isIn(Status.OK, Status.NO_SPACE);
            if (s == Status.OK) {
                assertThat(failed).as("a put fitted after one did not").isZero();
                stored.add(i);
            } else {
                failed++;
            }
        }
        assertThat(stored).hasSize((int) (BUDGET / PAGE_COST));
        for (int i : stored) {
            assertThat(c.get(pool, 1, i, false).payload()).isEqualTo(TestClient.page(4096, i));
        }
        Json stats = c.stats();
        assertThat(stats.get("bytes_used")).isLessThanOrEqualTo(BUDGET).isEqualTo(stored.size() * PAGE_COST);
        assertThat(stats.get("failed_puts")).isEqualTo(failed);
        assertThat(stats.get("evictions")).isZero();
        // a put that replaces a page reuses its space
        assertThat(c.put(pool, 1, stored.get(0), TestClient.page(4096, 999)).status()).isEqualTo(Status.OK);
    }

    @Test
    void ephemeralOverflowEvictsAndNeverReturnsWrongBytes() {
        TestClient c = login("app");
        int pool = c.newPool(false, 4096);
        for (int i = 0; i < 1000; i++) {
            assertThat(c.put(pool, 2, i, TestClient.page(4096, i)).status()).isEqualTo(Status.OK);
        }
        int hits = 0;
        for (int i = 0; i < 1000; i++) {
            TestClient.Response r = c.get(pool, 2, i, false);
            if (r.status() == Status.OK) {
                assertThat(r.payload()).isEqualTo(TestClient.page(4096, i));
                hits++;
            } else {
                assertThat(r.status()).isEqualTo(Status.MISS);
            }
        }
        assertThat(hits).isPositive().isLessThanOrEqualTo((int) (BUDGET / PAGE_COST));
        assertThat(c.stats().get("evictions")).isEqualTo(1000 - (BUDGET / PAGE_COST));
    }

    @Test
    void aClientAtItsCapGetsNoSpaceForPersistentPagesButMayReplaceItsOwn() {
        TestClient c = login("capped");
        int pool = c.newPool(true, 4096);
        for (int i = 0; i < 10; i++) {
            assertThat(c.put(pool, 1, i, TestClient.page(4096, i)).status()).isEqualTo(Status.OK);
        }
        assertThat(c.put(pool, 1, 10, TestClient.page(4096, 10)).status()).isEqualTo(Status.NO_SPACE);
        assertThat(c.put(pool, 1, 3, TestClient.page(4096, 33)).status()).isEqualTo(Status.OK);
        assertThat(c.stats().client("cap_pages")).isEqualTo(10);
        assertThat(login("uncapped").stats().client("cap_pages")).isNull();
    }

    @Test
    void aClientAtItsCapEvictsItsOwnEphemeralPages() {
        TestClient c = login("capped");
        int pool = c.newPool(false, 4096);
        for (int i = 0; i < 30; i++) {
            assertThat(c.put(pool, 1, i, TestClient.page(4096, i)).status()).isEqualTo(Status.OK);
        }
        Json s = c.stats();
        assertThat(s.client("pages_ephemeral")).isEqualTo(10);
        assertThat(s.client("evictions")).isEqualTo(20);
        // the ten most recent are the ones kept
        for (int i = 20; i < 30; i++) {
            assertThat(c.get(pool, 1, i, false).payload()).isEqualTo(TestClient.page(4096, i));
        }
    }

    @Test
    void weightsFromTheConfigurationShareTheBudget() {
        TestClient heavy = login("heavy");
        TestClient light = login("light");
        int hp = heavy.newPool(false, 4096);
        int lp = light.newPool(false, 4096);
        for (int i = 0; i < 600; i++) {
            heavy.put(hp, 1, i, TestClient.page(4096, i));
            light.put(lp, 1, i, TestClient.page(4096, i));
        }
        long h = heavy.stats().client("pages_ephemeral");
        long l = light.stats().client("pages_ephemeral");
        assertThat(heavy.stats().client("weight")).isEqualTo(3);
        assertThat(light.stats().client("weight")).isEqualTo(1);
        // shares are 3/4 and 1/4 of the budget: the heavy client keeps about three times as many
        assertThat(h + l).isEqualTo(BUDGET / PAGE_COST);
        assertThat(h).isBetween(2 * l, 4 * l);
    }
}
