package dev.tmem.client;

import static dev.tmem.client.TestServers.buffer;
import static dev.tmem.client.TestServers.page;
import static dev.tmem.client.TestServers.same;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tmem.core.ObjectId;
import dev.tmem.protocol.Status;
import dev.tmem.server.ServerConfig;
import dev.tmem.server.TmemServer;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every operation and every status a client can meet, through {@link RemoteTmem}, on a real server. */
class RemoteTmemOperationsTest {

    private static TmemServer server;

    @BeforeAll
    static void startServer() {
        server = TestServers.start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void helloGivesServerNameAndClientNumber() {
        try (RemoteTmem t = TestServers.client(server, "hello").connect()) {
            assertThat(t.serverName()).startsWith("tmem-server");
            assertThat(t.clientNumber()).isNotNegative();
            assertThat(t.isConnected()).isTrue();
        }
    }

    @Test
    void persistentPoolPutGetExclusiveGetAndFlushes() {
        try (RemoteTmem t = TestServers.client(server, "persistent").connect()) {
            RemotePool pool = t.newPool(true, 4096);
            ObjectId oid = new ObjectId(1, 2, 3);
            byte[] bytes = page(1, 4096).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
            MemorySegment src = MemorySegment.ofArray(bytes);
            assertThat(t.putPage(pool, oid, 0xFFFF_FFFEL, src)).isTrue();
            bytes[0]++; // copy semantics: the caller's buffer is its own again
            MemorySegment dst = buffer(4096);
            assertThat(t.getPage(pool, oid, 0xFFFF_FFFEL, dst, false)).isTrue();
            assertThat(dst.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0)).isEqualTo((byte) (bytes[0] - 1));
            assertThat(t.getPage(pool, oid, 0xFFFF_FFFEL, buffer(4096), false)).as("a plain get leaves it").isTrue();
            assertThat(t.getPage(pool, oid, 0xFFFF_FFFEL, buffer(4096), true)).as("exclusive hit").isTrue();
            assertThat(t.getPage(pool, oid, 0xFFFF_FFFEL, buffer(4096), false)).as("gone after exclusive").isFalse();

            MemorySegment untouched = page(9, 4096);
            MemorySegment copy = page(9, 4096);
            assertThat(t.getPage(pool, oid, 5, untouched, false)).as("miss").isFalse();
            assertThat(same(untouched, copy)).as("a miss leaves dst alone").isTrue();

            for (int i = 0; i < 3; i++) {
                t.putPage(pool, oid, i, page(i, 4096));
            }
            assertThat(t.flushPage(pool, oid, 0)).isEqualTo(1);
            assertThat(t.flushPage(pool, oid, 0)).as("idempotent").isZero();
            assertThat(t.flushObject(pool, oid)).isEqualTo(2);
            assertThat(t.flushObject(pool, oid)).isZero();

            t.putPage(pool, oid, 7, page(7, 4096));
            t.putPage(pool, ObjectId.of(8), 7, page(7, 4096));
            assertThat(t.destroyPool(pool)).isEqualTo(2);
            assertThat(pool.isDestroyed()).isTrue();
            assertThatThrownBy(() -> t.getPage(pool, oid, 7, buffer(4096), false))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("destroyed");
        }
    }

    @Test
    void privateEphemeralHitRemovesSharedHitLeaves() {
        try (RemoteTmem a = TestServers.client(server, "eph-a").connect();
                RemoteTmem b = TestServers.client(server, "eph-b").connect()) {
            RemotePool eph = a.newPool(false, 8192);
            assertThat(a.putPage(eph, ObjectId.of(1), 0, page(1, 8192))).isTrue();
            MemorySegment dst = buffer(8192);
            assertThat(a.getPage(eph, ObjectId.of(1), 0, dst, false)).isTrue();
            assertThat(same(dst, page(1, 8192))).isTrue();
            assertThat(a.getPage(eph, ObjectId.of(1), 0, dst, false)).as("private ephemeral hits remove").isFalse();

            UUID uuid = UUID.randomUUID();
            RemotePool sa = a.newSharedPool(uuid, 4096);
            RemotePool sb = b.newSharedPool(uuid, 4096);
            assertThat(a.putPage(sa, ObjectId.of(2), 0, page(2, 4096))).isTrue();
            MemorySegment got = buffer(4096);
            assertThat(b.getPage(sb, ObjectId.of(2), 0, got, true)).isTrue();
            assertThat(same(got, page(2, 4096))).isTrue();
            assertThat(a.getPage(sa, ObjectId.of(2), 0, buffer(4096), false)).as("shared hits leave the page").isTrue();

            assertThatThrownBy(() -> b.newSharedPool(uuid, 8192))
                    .isInstanceOfSatisfying(TmemStatusException.class,
                            e -> assertThat(e.status()).isEqualTo(Status.BAD_REQUEST));
            b.destroyPool(sb);
            a.destroyPool(sa);
        }
    }

    @Test
    void sameNameSharesPoolsAndAnotherNameGetsNoPool() {
        try (RemoteTmem a = TestServers.client(server, "same").connect();
                RemoteTmem a2 = TestServers.client(server, "same").connect();
                RemoteTmem other = TestServers.client(server, "other").connect()) {
            RemotePool pool = a.newPool(true, 4096);
            a.putPage(pool, ObjectId.of(1), 1, page(3, 4096));
            RemotePool seenBySameName = new RemotePool(true, null, 12, pool.id());
            MemorySegment dst = buffer(4096);
            assertThat(a2.getPage(seenBySameName, ObjectId.of(1), 1, dst, false)).isTrue();
            assertThat(same(dst, page(3, 4096))).isTrue();

            RemotePool notTheirs = new RemotePool(true, null, 12, 1000 + pool.id());
            assertThatThrownBy(() -> other.getPage(notTheirs, ObjectId.of(1), 1, buffer(4096), false))
                    .isInstanceOfSatisfying(TmemStatusException.class, e -> {
                        assertThat(e.status()).isEqualTo(Status.NO_POOL);
                        assertThat(e).hasMessageContaining("GET_PAGE answered NO_POOL");
                    });
            a.destroyPool(pool);
        }
    }

    @Test
    void fullServerAnswersNoSpaceAndTheFailedPutLeavesNothing() {
        try (TmemServer small = TestServers.start(ServerConfig.builder().port(0).memoryBytes(1L << 20).build());
                RemoteTmem t = TestServers.client(small, "filler").connect()) {
            RemotePool pool = t.newPool(true, 4096);
            int stored = 0;
            while (t.putPage(pool, ObjectId.of(1), stored, page(stored, 4096))) {
                stored++;
                assertThat(stored).as("a 1 MiB server fills up").isLessThan(300);
            }
            assertThat(stored).isPositive();
            assertThat(t.getPage(pool, ObjectId.of(1), stored, buffer(4096), false)).isFalse();
            for (int i = 0; i < stored; i++) {
                MemorySegment dst = buffer(4096);
                assertThat(t.getPage(pool, ObjectId.of(1), i, dst, false)).isTrue();
                assertThat(same(dst, page(i, 4096))).as("page %d intact", i).isTrue();
            }
            RemoteStats s = t.stats();
            assertThat(s.get("failed_puts")).isEqualTo(1);
            assertThat(s.clientCounter("failed_puts")).isEqualTo(1);
        }
    }

    @Test
    void wrongTokenIsDeniedRightTokenIsAccepted() {
        try (TmemServer guarded = TestServers.start(
                ServerConfig.builder().port(0).memoryBytes(4L << 20).token("s3cret").build())) {
            assertThatThrownBy(() -> TestServers.client(guarded, "intruder").token("guess").connect())
                    .isInstanceOfSatisfying(TmemStatusException.class, e -> {
                        assertThat(e.status()).isEqualTo(Status.DENIED);
                        assertThat(e).hasMessageContaining("token");
                    });
            try (RemoteTmem t = TestServers.client(guarded, "friend").token("s3cret").connect()) {
                assertThat(t.ping(new byte[] {1, 2, 3})).containsExactly(1, 2, 3);
            }
        }
    }

    @Test
    void statsCountThisClientsOperations() {
        try (RemoteTmem t = TestServers.client(server, "counted").connect()) {
            RemotePool pool = t.newPool(true, 4096);
            t.putPage(pool, ObjectId.of(1), 0, page(1, 4096));
            t.putPage(pool, ObjectId.of(1), 1, page(2, 4096));
            t.getPage(pool, ObjectId.of(1), 0, buffer(4096), false);
            t.getPage(pool, ObjectId.of(1), 9, buffer(4096), false);
            t.flushPage(pool, ObjectId.of(1), 1);
            RemoteStats s = t.stats();
            assertThat(s.clientCounter("puts")).isEqualTo(2);
            assertThat(s.clientCounter("succ_gets")).isEqualTo(1);
            assertThat(s.clientCounter("failed_gets")).isEqualTo(1);
            assertThat(s.clientCounter("flushes")).isEqualTo(1);
            assertThat(s.clientCounter("pages_persistent")).isEqualTo(1);
            assertThat(s.client()).containsEntry("cap_pages", null);
            assertThat(s.bytesBudget()).isEqualTo(16L << 20);
            assertThat(s.bytesFree()).isEqualTo(s.bytesBudget() - s.bytesUsed());
            assertThat(s.get("pools")).isPositive();
            assertThatThrownBy(() -> s.get("no_such_key")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("no_such_key");
            t.destroyPool(pool);
        }
    }

    @Test
    void pingEchoes() {
        try (RemoteTmem t = TestServers.client(server, "pinger").connect()) {
            byte[] hello = "hello".getBytes(StandardCharsets.UTF_8);
            assertThat(t.ping(hello)).isEqualTo(hello);
            assertThat(t.ping(new byte[4096])).hasSize(4096);
            assertThatThrownBy(() -> t.ping(new byte[4097])).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("4096");
        }
    }

    @Test
    void badArgumentsAreRefusedBeforeSending() {
        try (RemoteTmem t = TestServers.client(server, "careless").connect()) {
            assertThatThrownBy(() -> t.newPool(true, 5000)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("power of two from 4096 to 65536");
            RemotePool pool = t.newPool(true, 4096);
            assertThatThrownBy(() -> t.putPage(pool, ObjectId.of(1), 0, buffer(8192)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("8192");
            assertThatThrownBy(() -> t.getPage(pool, ObjectId.of(1), 1L << 32, buffer(4096), false))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unsigned 32-bit");
            assertThatThrownBy(() -> t.putPage(pool, RemoteTmem.RESERVED_OID, RemoteTmem.RESERVED_INDEX, buffer(4096)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reserved");
            assertThatThrownBy(() -> RemoteTmem.builder().client("")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("1 to 64 bytes");
            assertThatThrownBy(() -> RemoteTmem.builder().port(0)).isInstanceOf(IllegalArgumentException.class);
            assertThat(t.stats().clientCounter("puts")).as("nothing reached the server").isZero();
            t.destroyPool(pool);
        }
    }

    @Test
    void unreachableServerFailsConnectClearly() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        assertThatThrownBy(() -> TestServers.client(port, "lonely").connect())
                .isInstanceOf(TmemUnavailableException.class).hasMessageContaining("cannot connect to");
    }
}
