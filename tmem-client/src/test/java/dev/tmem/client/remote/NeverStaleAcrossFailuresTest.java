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
import dev.tmem.server.TmemServer;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Threads put, get and flush their own pages through the remote backend while a proxy keeps
 * cutting every connection (the server stays up, so whatever reached it stays), or while the server
 * is restarted (it loses everything; the client creates its pools again). Misses are always
 * allowed. Forbidden: a hit whose bytes are not those of the last put that returned {@code true},
 * and a hit after a put that returned {@code false} or after a flush (the backend must not let a
 * page whose put or flush outcome it does not know be read), or a page of another pool (an id
 * from before a restart reaching the new server).
 */
class NeverStaleAcrossFailuresTest {

    private static final int THREADS = 4;
    private static final int OPS = 300;
    private static final int INDICES = 16;

    @Test
    void noStaleOrResurrectedPageAcrossConnectionCuts() throws Exception {
        try (TmemServer server = TestServers.start();
                TestServers.Proxy proxy = new TestServers.Proxy(TestServers.port(server));
                RemoteBackend b = RemoteBackend.connect(TestServers.client(proxy.port(), "chaos")
                        .reconnectDelay(Duration.ZERO).timeout(Duration.ofSeconds(2)), 90)) {
            PoolId[] pools = {b.newPool(PoolSpec.persistent(4096))};
            AtomicBoolean done = new AtomicBoolean();
            List<Map<Long, Long>> models = runThreads(b, pools, new boolean[] {false}, done, () -> {
                for (int cut = 0; cut < 20; cut++) {
                    proxy.cut();
                    sleep(3);
                    proxy.resume();
                    sleep(15);
                }
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> TestServers.reachable(b.client()));
            assertThat(b.unavailableCount()).as("the cuts were felt").isPositive();
            checkFinal(b, pools, models);
        }
    }

    @Test
    void noStaleOrAliasedPageAcrossServerRestarts() throws Exception {
        TmemServer[] server = {TestServers.start()};
        int port = TestServers.port(server[0]);
        try (RemoteBackend b = RemoteBackend.connect(TestServers.client(port, "restarts")
                .reconnectDelay(Duration.ofMillis(5)).timeout(Duration.ofSeconds(2)), 90)) {
            PoolId[] pools = {b.newPool(PoolSpec.ephemeral(4096)), b.newPool(PoolSpec.persistent(4096))};
            AtomicBoolean done = new AtomicBoolean();
            List<Map<Long, Long>> models = runThreads(b, pools, new boolean[] {true, false}, done, () -> {
                for (int restart = 0; restart < 2; restart++) {
                    sleep(30);
                    server[0].close();
                    sleep(10);
                    server[0] = TestServers.start(port, 16L << 20);
                    await().atMost(Duration.ofSeconds(10)).until(() -> TestServers.reachable(b.client()));
                }
                sleep(30);
            });
            assertThat(b.client().poolsRecreated()).as("both pools, at each restart").isEqualTo(4);
            checkFinal(b, pools, models);
        } finally {
            server[0].close();
        }
    }

    /**
     * Random operations on this thread's own object in each pool until {@code done} (and at least
     * {@link #OPS}); the model maps pool * INDICES + index to the seed of the last put that returned
     * {@code true}.
     */
    private static Map<Long, Long> run(RemoteBackend b, PoolId[] pools, boolean[] ephemeral, int thread,
            AtomicBoolean done) {
        Random r = new Random(77 + thread);
        Map<Long, Long> model = new HashMap<>();
        ObjectId oid = ObjectId.of(thread);
        for (int op = 0; op < OPS || !done.get(); op++) {
            int p = r.nextInt(pools.length);
            long index = r.nextInt(INDICES);
            long key = p * (long) INDICES + index;
            switch (r.nextInt(4)) {
                case 0, 1 -> {
                    long seed = r.nextLong();
                    if (b.putPage(pools[p], oid, index, page(seed, 4096))) {
                        model.put(key, seed);
                    } else {
                        model.remove(key);
                    }
                }
                case 2 -> {
                    MemorySegment dst = buffer(4096);
                    if (b.getPage(pools[p], oid, index, dst, false)) {
                        Long seed = model.get(key);
                        assertThat(seed).as("thread %d op %d pool %d index %d: resurrected", thread, op, p, index)
                                .isNotNull();
                        assertThat(same(dst, page(seed, 4096)))
                                .as("thread %d op %d pool %d index %d: stale or another pool's", thread, op, p, index)
                                .isTrue();
                        if (ephemeral[p]) {
                            model.remove(key); // a private ephemeral hit takes the page
                        }
                    }
                }
                default -> {
                    b.flushPage(pools[p], oid, index);
                    model.remove(key);
                }
            }
        }
        return model;
    }

    /** After the run: every hit is the model's page. */
    private static void checkFinal(RemoteBackend b, PoolId[] pools, List<Map<Long, Long>> models) {
        for (int th = 0; th < models.size(); th++) {
            for (int p = 0; p < pools.length; p++) {
                for (long i = 0; i < INDICES; i++) {
                    MemorySegment dst = buffer(4096);
                    if (b.getPage(pools[p], ObjectId.of(th), i, dst, false)) {
                        Long seed = models.get(th).get(p * (long) INDICES + i);
                        assertThat(seed).as("thread %d pool %d index %d: a page after a failed put or a flush", th, p, i)
                                .isNotNull();
                        assertThat(same(dst, page(seed, 4096))).as("thread %d pool %d index %d bytes", th, p, i).isTrue();
                    }
                }
            }
        }
    }

    private static List<Map<Long, Long>> runThreads(RemoteBackend b, PoolId[] pools, boolean[] ephemeral,
            AtomicBoolean done, Runnable meanwhile) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(THREADS);
        List<Map<Long, Long>> models = new ArrayList<>();
        try {
            List<Future<Map<Long, Long>>> futures = new ArrayList<>();
            for (int th = 0; th < THREADS; th++) {
                int id = th;
                futures.add(threads.submit(() -> run(b, pools, ephemeral, id, done)));
            }
            try {
                meanwhile.run();
            } finally {
                done.set(true);
            }
            for (Future<Map<Long, Long>> f : futures) {
                models.add(f.get());
            }
        } finally {
            threads.shutdownNow();
        }
        return models;
    }


    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
