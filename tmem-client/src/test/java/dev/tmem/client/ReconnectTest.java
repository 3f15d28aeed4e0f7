package dev.tmem.client;

import static dev.tmem.client.TestServers.buffer;
import static dev.tmem.client.TestServers.page;
import static dev.tmem.client.TestServers.same;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tmem.core.ObjectId;
import dev.tmem.server.TmemServer;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The server goes away and comes back. While it is away every call fails with a
 * {@link TmemUnavailableException}; once it is back the client reconnects by itself. What survives
 * is what PROTOCOL.md promises: a client's pools outlive its connections (a server that stayed up
 * keeps pools and pages, under the same ids), but not the server (a restarted one has none; the
 * client creates its pools again, empty, and never lets an old id reach the new server).
 */
class ReconnectTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static boolean reachable(RemoteTmem t) {
        try {
            t.ping(new byte[] {42});
            return true;
        } catch (TmemUnavailableException e) {
            return false;
        }
    }

    @Test
    void connectionsLostWhileTheServerStaysUpKeepPoolsAndPages() throws Exception {
        try (TmemServer server = TestServers.start();
                TestServers.Proxy proxy = new TestServers.Proxy(TestServers.port(server));
                RemoteTmem t = TestServers.client(proxy.port(), "survivor").connect()) {
            RemotePool pool = t.newPool(true, 4096);
            int id = pool.id();
            for (int i = 0; i < 10; i++) {
                assertThat(t.putPage(pool, ObjectId.of(5), i, page(i, 4096))).isTrue();
            }
            proxy.cut();
            assertThatThrownBy(() -> {
                for (int i = 0; i < 100; i++) { // the first call may race the client's noticing the cut
                    t.getPage(pool, ObjectId.of(5), 0, buffer(4096), false);
                }
            }).isInstanceOf(TmemUnavailableException.class);
            assertThat(t.isConnected()).isFalse();

            proxy.resume();
            await().atMost(WAIT).until(() -> reachable(t));
            assertThat(t.reconnects()).isEqualTo(1);
            assertThat(t.poolsRecreated()).as("the server kept the pool").isZero();
            assertThat(pool.id()).isEqualTo(id);
            for (int i = 0; i < 10; i++) {
                MemorySegment dst = buffer(4096);
                assertThat(t.getPage(pool, ObjectId.of(5), i, dst, false)).isTrue();
                assertThat(same(dst, page(i, 4096))).isTrue();
            }
        }
    }

    @Test
    void aDestroyThatCouldNotBeSentIsSentAtTheReconnect() throws Exception {
        try (TmemServer server = TestServers.start();
                TestServers.Proxy proxy = new TestServers.Proxy(TestServers.port(server));
                RemoteTmem t = TestServers.client(proxy.port(), "destroyer").connect()) {
            RemotePool kept = t.newPool(true, 4096);
            RemotePool doomed = t.newPool(true, 4096);
            assertThat(t.putPage(doomed, ObjectId.of(1), 0, page(1, 4096))).isTrue();
            proxy.cut();
            assertThatThrownBy(() -> {
                for (int i = 0; i < 100; i++) {
                    t.ping(new byte[0]);
                }
            }).isInstanceOf(TmemUnavailableException.class);
            assertThatThrownBy(() -> t.destroyPool(doomed)).isInstanceOf(TmemUnavailableException.class);
            assertThat(doomed.isDestroyed()).isTrue();
            assertThat(server.stats().pools()).as("still on the server").isEqualTo(2);

            proxy.resume();
            await().atMost(WAIT).until(() -> reachable(t));
            assertThat(server.stats().pools()).as("the owed destroy was sent").isEqualTo(1);
            assertThat(server.stats().pagesPersistent()).isZero();
            assertThat(t.putPage(kept, ObjectId.of(1), 0, page(2, 4096))).isTrue();
        }
    }

    @Test
    void aRestartedServerHasLostThePagesAndTheClientRecreatesItsPools() {
        TmemServer server = TestServers.start();
        int port = TestServers.port(server);
        try (RemoteTmem t = TestServers.client(port, "phoenix").connect()) {
            RemotePool persistent = t.newPool(true, 4096);
            RemotePool ephemeral = t.newPool(false, 4096);
            RemotePool doomed = t.newPool(true, 4096);
            assertThat(t.putPage(persistent, ObjectId.of(1), 0, page(1, 4096))).isTrue();
            assertThat(t.putPage(ephemeral, ObjectId.of(1), 0, page(2, 4096))).isTrue();

            server.close();
            assertThatThrownBy(() -> {
                for (int i = 0; i < 100; i++) {
                    t.putPage(persistent, ObjectId.of(1), 1, page(3, 4096));
                }
            }).isInstanceOf(TmemUnavailableException.class);
            assertThatThrownBy(() -> t.destroyPool(doomed)).isInstanceOf(TmemUnavailableException.class);
            assertThatThrownBy(() -> t.stats()).isInstanceOf(TmemUnavailableException.class)
                    .hasMessageContaining("127.0.0.1:" + port);

            server = TestServers.start(port, 16L << 20);
            TmemServer restarted = server;
            await().atMost(WAIT).until(() -> reachable(t));
            assertThat(t.poolsRecreated()).as("both live pools, not the destroyed one").isEqualTo(2);
            assertThat(t.getPage(persistent, ObjectId.of(1), 0, buffer(4096), false))
                    .as("the server stopped: its pages are gone").isFalse();
            assertThat(t.getPage(ephemeral, ObjectId.of(1), 0, buffer(4096), false)).isFalse();

            assertThat(t.putPage(persistent, ObjectId.of(1), 0, page(4, 4096))).isTrue();
            RemotePool fresh = t.newPool(true, 4096);
            assertThat(fresh.id()).isNotIn(persistent.id(), ephemeral.id());
            assertThat(t.putPage(fresh, ObjectId.of(1), 0, page(5, 4096))).isTrue();
            MemorySegment dst = buffer(4096);
            assertThat(t.getPage(persistent, ObjectId.of(1), 0, dst, false)).isTrue();
            assertThat(same(dst, page(4, 4096))).as("no two pools share an id").isTrue();
            assertThat(restarted.stats().pools()).as("persistent, ephemeral, fresh").isEqualTo(3);
        } finally {
            server.close();
        }
    }
}
