package dev.tmem.zcache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tmem.zcache.TestPages.Content;
import dev.tmem.zcache.TestPages.Kind;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One codec instance shared by many threads, each compressing and decompressing its own pages.
 * Forbidden outcome: any page coming back different (state shared between two threads would mix
 * their streams), or any exception.
 */
class CodecConcurrencyTest {

    static Stream<Codec> codecs() {
        return CodecSpecs.all();
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void sharedInstance_manyThreads_exactRoundTrips(Codec codec) throws Exception {
        run(codec, 8, 300);
    }

    /** More threads than pool slots: states are created and discarded under contention. */
    @ParameterizedTest
    @MethodSource("codecs")
    void moreThreadsThanStateSlots_exactRoundTrips(Codec codec) throws Exception {
        run(codec, 48, 40);
    }

    private static void run(Codec codec, int threads, int rounds) throws InterruptedException, ExecutionException {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (int t = 0; t < threads; t++) {
                int id = t;
                results.add(pool.submit(() -> {
                    start.await();
                    return worker(codec, id, rounds);
                }));
            }
            start.countDown();
            for (Future<Integer> f : results) {
                assertThat(f.get()).isEqualTo(rounds);
            }
        }
    }

    private static int worker(Codec codec, int id, int rounds) {
        Content[] contents = Content.values();
        int ok = 0;
        for (int i = 0; i < rounds; i++) {
            int size = 4096 << ((id + i) % 3);
            MemorySegment page = contents[(id + i) % contents.length].page(size, id * 100_003L + i);
            Kind kind = (i & 1) == 0 ? Kind.NATIVE : Kind.HEAP;
            MemorySegment src = kind.copyOf(page);
            MemorySegment dst = Kind.NATIVE.allocate(codec.maxCompressedLength(size));
            int n = codec.compress(src, dst);
            MemorySegment back = kind.allocate(size);
            codec.decompress(dst.asSlice(0, n), back);
            if (back.mismatch(page) == -1) {
                ok++;
            }
        }
        return ok;
    }
}
