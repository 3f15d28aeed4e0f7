package dev.tmem.client.remote;

import static dev.tmem.client.TestServers.buffer;
import static dev.tmem.client.TestServers.page;
import static dev.tmem.client.TestServers.same;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tmem.client.TestServers;
import dev.tmem.core.ObjectId;
import dev.tmem.core.PoolId;
import dev.tmem.core.PoolSpec;
import dev.tmem.server.ServerConfig;
import dev.tmem.server.TmemServer;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The remote backend's own rules: the SPI contract on a live server, and what it does while the
 * server is away (gets miss, puts fail, flushes are owed and paid at the reconnect, never a stale
 * page), and its pressure signal from STATS.
 */
class RemoteBackendTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static RemoteBackend connect(int port, String client, int pressurePercent) {
        return RemoteBackend.connect(TestServers.client(port, client), pressurePercent);
    }


    @Test
    void spiOperationsOnALiveServer() {
        try (TmemServer server = TestServers.start();
                RemoteBackend b = connect(TestServers.port(server), "spi", 90)) {
            PoolId pers = b.newPool(PoolSpec.persistent(4096));
            PoolId eph = b.newPool(PoolSpec.ephemeral(4096));
            assertThat(pers).isNotEqualTo(eph);
            ObjectId oid = new ObjectId(7, 8, 9);
            assertThat(b.putPage(pers, oid, 3, page(3, 4096))).isTrue();
            MemorySegment dst = buffer(4096);
            assertThat(b.getPage(pers, oid, 3, dst, false)).isTrue();
            assertThat(same(dst, page(3, 4096))).isTrue();
            assertThat(b.getPage(pers, oid, 3, dst, true)).isTrue();
            assertThat(b.getPage(pers, oid, 3, dst, false)).isFalse();
            assertThat(b.putPage(eph, oid, 1, page(1, 4096))).isTrue();
            assertThat(b.putPage(eph, oid, 2, page(2, 4096))).isTrue();
            assertThat(b.flushPage(eph, oid, 1)).isEqualTo(1);
            assertThat(b.flushObject(eph, oid)).isEqualTo(1);
            assertThat(b.putPage(pers, oid, 4, page(4, 4096))).isTrue();
            assertThat(b.destroyPool(pers)).isEqualTo(1);
            assertThat(b.destroyPool(eph)).isZero();
            assertThat(b.unavailableCount()).isZero();
        }
    }

    @Test
    void whileTheServerIsAwayGetsMissPutsFailAndNothingThrows() {
        TmemServer server = TestServers.start();
        int port = TestServers.port(server);
        try (RemoteBackend b = connect(port, "away", 90)) {
            PoolId pool = b.newPool(PoolSpec.persistent(4096));
            assertThat(b.putPage(pool, ObjectId.of(1), 0, page(1, 4096))).isTrue();
            server.close();
            for (int i = 0; i < 5; i++) {
                assertThat(b.putPage(pool, ObjectId.of(1), 1, page(2, 4096))).isFalse();
                assertThat(b.getPage(pool, ObjectId.of(1), 0, buffer(4096), false)).isFalse();
                assertThat(b.flushPage(pool, ObjectId.of(1), 0)).isZero();
                assertThat(b.flushObject(pool, ObjectId.of(2))).isZero();
                assertThat(b.underPressure()).isFalse();
            }
            assertThat(b.unavailableCount()).isPositive();

            server = TestServers.start(port, 16L << 20);
            await().atMost(WAIT).until(() -> TestServers.reachable(b.client()));
            assertThat(b.unsureCount()).as("owed flushes were paid at the reconnect").isZero();
            assertThat(b.putPage(pool, ObjectId.of(1), 0, page(3, 4096))).isTrue();
            MemorySegment dst = buffer(4096);
            assertThat(b.getPage(pool, ObjectId.of(1), 0, dst, false)).isTrue();
            assertThat(same(dst, page(3, 4096))).isTrue();
        } finally {
            server.close();
        }
    }

    @Test
    void aFlushThatCouldNotBeSentNeverLetsTheOldPageBeReadAgain() throws Exception {
        try (TmemServer server = TestServers.start();
                TestServers.Proxy proxy = new TestServers.Proxy(TestServers.port(server));
                RemoteBackend b = connect(proxy.port(), "stale", 90)) {
            PoolId pool = b.newPool(PoolSpec.persistent(4096));
            ObjectId oid = ObjectId.of(11);
            assertThat(b.putPage(pool, oid, 0, page(1, 4096))).isTrue();
            assertThat(b.putPage(pool, ObjectId.of(12), 0, page(2, 4096))).isTrue();
            proxy.cut(); // the server keeps the pages; only the connections are gone
            assertThat(b.flushPage(pool, oid, 0)).isZero();
            assertThat(b.flushObject(pool, ObjectId.of(12))).isZero();
            assertThat(b.unsureCount()).isEqualTo(2);
            assertThat(b.getPage(pool, oid, 0, buffer(4096), false)).isFalse();

            proxy.resume();
            await().atMost(WAIT).until(() -> TestServers.reachable(b.client()));
            assertThat(b.unsureCount()).isZero();
            assertThat(b.getPage(pool, oid, 0, buffer(4096), false)).as("flushed at the reconnect").isFalse();
            assertThat(b.getPage(pool, ObjectId.of(12), 0, buffer(4096), false)).isFalse();
            assertThat(server.stats().pagesPersistent()).as("nothing left on the server").isZero();
        }
    }

    @Test
    void pressureFollowsWhatTheServerCanStillGive() {
        try (TmemServer server = TestServers.start(ServerConfig.builder().port(0).memoryBytes(1L << 20).build());
                RemoteBackend b = connect(TestServers.port(server), "pressed", 50)) {
            assertThat(b.underPressure()).as("empty server").isFalse();
            PoolId pool = b.newPool(PoolSpec.persistent(4096));
            int i = 0;
            while (b.client().stats().bytesFree() * 100 > b.client().stats().bytesBudget() * 50) {
                assertThat(b.putPage(pool, ObjectId.of(1), i, page(i, 4096))).isTrue();
                i++;
            }
            assertThat(b.underPressure()).as("half the budget in use").isTrue();
            assertThat(b.flushObject(pool, ObjectId.of(1))).isEqualTo(i);
            assertThat(b.underPressure()).isFalse();
        }
    }
}
