package dev.tmem.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tmem.protocol.Status;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Connections on several event loops at once, each checked against its own reference model: a get
 * returns exactly the last put at the handle or misses only if the model says so (persistent pools
 * are exact). Two connections share one client name and one pool, on disjoint objects.
 */
class ConcurrentClientsTest extends ServerTestBase {

    static final int THREADS = 4;
    static final int OPS = 1500;
    static final int HANDLES = 64;

    @Test
    void concurrentConnectionsEachSeeExactlyTheirOwnWrites() throws Exception {
        TestClient setup = login("shared-name");
        int sharedPool = setup.newPool(true, 4096);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                results.add(pool.submit(() -> run(thread, sharedPool)));
            }
            int hits = 0;
            for (Future<Integer> f : results) {
                hits += f.get(120, TimeUnit.SECONDS);
            }
            assertThat(hits).isPositive();
        } finally {
            pool.shutdownNow();
        }
        assertThat(setup.stats().get("internal_errors")).isZero();
    }

    private int run(int thread, int sharedPool) {
        // threads 0 and 1 share the client "shared-name" and its pool; 2 and 3 have clients of their own
        String name = thread < 2 ? "shared-name" : "solo-" + thread;
        try (TestClient c = TestClient.login(address(), name)) {
            int pool = thread < 2 ? sharedPool : c.newPool(true, 4096);
            long oid = 1000 + thread;
            byte[][] model = new byte[HANDLES][];
            SplittableRandom rnd = new SplittableRandom(thread);
            int hits = 0;
            for (int i = 0; i < OPS; i++) {
                int index = rnd.nextInt(HANDLES);
                switch (rnd.nextInt(4)) {
                    case 0, 1 -> {
                        byte[] page = TestClient.page(4096, rnd.nextLong());
                        assertThat(c.put(pool, oid, index, page).status()).isEqualTo(Status.OK);
                        model[index] = page;
                    }
                    case 2 -> {
                        TestClient.Response r = c.get(pool, oid, index, false);
                        if (model[index] == null) {
                            assertThat(r.status()).isEqualTo(Status.MISS);
                        } else {
                            assertThat(r.status()).isEqualTo(Status.OK);
                            assertThat(Arrays.equals(r.payload(), model[index])).as("page %d", index).isTrue();
                            hits++;
                        }
                    }
                    default -> {
                        assertThat(c.flushPage(pool, oid, index).value()).isEqualTo(model[index] == null ? 0 : 1);
                        model[index] = null;
                    }
                }
            }
            return hits;
        }
    }
}
