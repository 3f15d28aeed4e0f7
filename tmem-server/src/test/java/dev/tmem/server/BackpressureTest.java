package dev.tmem.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tmem.protocol.Op;
import dev.tmem.protocol.RequestEncoder;
import dev.tmem.protocol.RequestHeader;
import dev.tmem.protocol.RequestLayout;
import dev.tmem.protocol.Status;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * PROTOCOL.md "Connection rules" 4: a client that pipelines and does not read is slowed down (the
 * server stops reading from it), never buffered without bound, and others are not disturbed.
 */
class BackpressureTest extends ServerTestBase {

    static final int REQUESTS = 20_000; // 880 KB of GETs whose answers are 82 MB

    @Test
    void aClientThatDoesNotReadIsPausedWithBoundedBuffers() throws Exception {
        TestClient slow = login("slow");
        int pool = slow.newPool(true, 4096);
        byte[] page = TestClient.page(4096, 1);
        slow.put(pool, 1, 0, page);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int i = 0; i < REQUESTS; i++) {
            all.writeBytes(RequestEncoder.encode(RequestHeader.of(Op.GET_PAGE, 0, 100 + i, pool, 1, 0, 0, 0, 0),
                    new byte[0]));
        }
        // the writer blocks once the server stops reading and the socket buffers are full
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> slow.sendRaw(all.toByteArray()));

        Awaitility.await().atMost(60, TimeUnit.SECONDS)
                .until(() -> server.connectionBuffers().stream().anyMatch(b -> b[2] == 1));
        List<long[]> buffers = server.connectionBuffers();
        long[] paused = buffers.stream().filter(b -> b[2] == 1).findFirst().orElseThrow();
        long maxAnswer = 16 + 65536;
        assertThat(paused[0]).as("unsent answer bytes")
                .isLessThanOrEqualTo(TmemServer.WATER_MARK.high() + maxAnswer);
        assertThat(paused[1]).as("received bytes not handled")
                .isLessThanOrEqualTo(RequestLayout.MAX_FRAME_BYTES + 65536);

        // another client is served meanwhile
        TestClient other = login("other");
        assertThat(other.ping(new byte[] {5}).payload()).containsExactly(5);
        int op = other.newPool(true, 4096);
        assertThat(other.put(op, 1, 0, page).status()).isEqualTo(Status.OK);

        // when the slow client reads, every answer comes, in order and intact
        for (int i = 0; i < REQUESTS; i++) {
            TestClient.Response r = slow.readFor(Op.GET_PAGE.code(), 100 + i);
            assertThat(r.status()).isEqualTo(Status.OK);
            if (i % 1000 == 0) {
                assertThat(r.payload()).isEqualTo(page);
            }
        }
        writer.get(60, TimeUnit.SECONDS);
        assertThat(slow.ping(new byte[] {6}).payload()).containsExactly(6);
    }
}
