package dev.tmem.client;

import static dev.tmem.client.TestServers.buffer;
import static dev.tmem.client.TestServers.page;
import static dev.tmem.client.TestServers.same;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tmem.core.ObjectId;
import dev.tmem.server.TmemServer;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Many threads share one client (one connection, or a few), each with its own object in a shared
 * persistent pool and a plain map as its reference model. Forbidden: any get that returns other
 * bytes than the model's last put (an answer matched to the wrong request would do that), a hit
 * the model says is a miss, or the reverse.
 */
class PipeliningTest {

    private static final int THREADS = 8;
    private static final int OPS = 400;
    private static final int INDICES = 24;

    @ParameterizedTest(name = "{0} connection(s)")
    @ValueSource(ints = {1, 3})
    void threadsSharingConnectionsSeeTheirOwnPagesOnly(int connections) throws Exception {
        try (TmemServer server = TestServers.start();
                RemoteTmem t = TestServers.client(server, "pipeliner").connections(connections).connect()) {
            RemotePool pool = t.newPool(true, 4096);
            CyclicBarrier start = new CyclicBarrier(THREADS);
            ExecutorService pool8 = Executors.newFixedThreadPool(THREADS);
            try {
                List<Future<Map<Long, Long>>> results = new ArrayList<>();
                for (int th = 0; th < THREADS; th++) {
                    int id = th;
                    results.add(pool8.submit(() -> run(t, pool, id, start)));
                }
                for (int th = 0; th < THREADS; th++) {
                    Map<Long, Long> model = results.get(th).get();
                    for (long i = 0; i < INDICES; i++) {
                        MemorySegment dst = buffer(4096);
                        boolean hit = t.getPage(pool, ObjectId.of(th), i, dst, false);
                        assertThat(hit).as("thread %d index %d present", th, i).isEqualTo(model.containsKey(i));
                        if (hit) {
                            assertThat(same(dst, page(model.get(i), 4096))).as("thread %d index %d", th, i).isTrue();
                        }
                    }
                }
            } finally {
                pool8.shutdownNow();
            }
            assertThat(t.isConnected()).isTrue();
            assertThat(t.reconnects()).isZero();
        }
    }

    private static Map<Long, Long> run(RemoteTmem t, RemotePool pool, int thread, CyclicBarrier start) throws Exception {
        Random r = new Random(1000 + thread);
        Map<Long, Long> model = new HashMap<>();
        ObjectId oid = ObjectId.of(thread);
        start.await();
        for (int op = 0; op < OPS; op++) {
            long index = r.nextInt(INDICES);
            switch (r.nextInt(5)) {
                case 0, 1 -> {
                    long seed = r.nextLong();
                    assertThat(t.putPage(pool, oid, index, page(seed, 4096))).isTrue();
                    model.put(index, seed);
                }
                case 2, 3 -> {
                    boolean exclusive = r.nextBoolean();
                    MemorySegment dst = buffer(4096);
                    boolean hit = t.getPage(pool, oid, index, dst, exclusive);
                    assertThat(hit).as("thread %d op %d index %d hit", thread, op, index)
                            .isEqualTo(model.containsKey(index));
                    if (hit) {
                        assertThat(same(dst, page(model.get(index), 4096)))
                                .as("thread %d op %d index %d bytes", thread, op, index).isTrue();
                        if (exclusive) {
                            model.remove(index);
                        }
                    }
                }
                default -> {
                    int removed = t.flushPage(pool, oid, index);
                    assertThat(removed).isEqualTo(model.remove(index) != null ? 1 : 0);
                }
            }
        }
        return model;
    }
}
