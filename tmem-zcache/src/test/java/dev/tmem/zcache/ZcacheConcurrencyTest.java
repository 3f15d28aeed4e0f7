package dev.tmem.zcache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tmem.core.spi.PageStore;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Threads that each own their handles store, load and free them at random while another thread
 * compacts: every load must give back exactly what its owner stored, across compaction moving the
 * objects and whole slabs.
 */
class ZcacheConcurrencyTest {

    private static final List<MemorySegment> REAL = RealPages.sample(4096, 200, 11);

    @Test
    void ownersAlwaysReadTheirOwnPagesWhileCompactionMovesThem() throws Exception {
        int threads = 3;
        long millis = Long.getLong("tmem.stress.millis", 1500);
        try (ZcachePageStore store = new ZcachePageStore(ZcacheConfig.builder().maxPoolBytes(64L << 20).build());
                ExecutorService pool = Executors.newFixedThreadPool(threads + 1)) {
            AtomicBoolean stop = new AtomicBoolean();
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Long>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long seed = t;
                workers.add(pool.submit(() -> work(store, seed, start, stop)));
            }
            Future<?> compactor = pool.submit(() -> {
                start.await();
                while (!stop.get()) {
                    store.compact();
                    Thread.sleep(1);
                }
                return null;
            });
            start.countDown();
            Thread.sleep(millis);
            stop.set(true);
            long checked = 0;
            for (Future<Long> w : workers) {
                checked += w.get();
            }
            compactor.get();
            assertThat(checked).isPositive();
            ZcacheStats s = store.stats();
            assertThat(s.pages()).isZero();
            assertThat(s.bytesStored()).isZero();
            assertThat(s.corruptPages()).isZero();
            assertThat(s.objectsMoved() + s.slabsRelocated()).isPositive();
        }
    }

    private static long work(ZcachePageStore store, long seed, CountDownLatch start, AtomicBoolean stop)
            throws InterruptedException {
        SplittableRandom r = new SplittableRandom(seed);
        List<Long> handles = new ArrayList<>();
        List<MemorySegment> pages = new ArrayList<>();
        MemorySegment dst = MemorySegment.ofArray(new byte[4096]);
        long checked = 0;
        start.await();
        while (!stop.get()) {
            int op = handles.size() < 50 ? 0 : handles.size() > 2000 ? 9 : r.nextInt(10); // 3 x 2000 pages fit
            if (op < 4) {
                MemorySegment p = MemorySegment.ofArray(REAL.get(r.nextInt(REAL.size())).toArray(ValueLayout.JAVA_BYTE));
                p.set(ValueLayout.JAVA_LONG_UNALIGNED, 8L * r.nextInt(512), r.nextLong());
                long h = store.store(p);
                assertThat(h).isNotEqualTo(PageStore.NO_HANDLE);
                handles.add(h);
                pages.add(p);
            } else if (op < 8) {
                int i = r.nextInt(handles.size());
                store.load(handles.get(i), dst);
                assertThat(dst.mismatch(pages.get(i))).isEqualTo(-1);
                checked++;
            } else {
                int i = r.nextInt(handles.size());
                store.free(handles.get(i));
                int last = handles.size() - 1;
                handles.set(i, handles.get(last));
                pages.set(i, pages.get(last));
                handles.remove(last);
                pages.remove(last);
            }
        }
        for (int i = 0; i < handles.size(); i++) {
            store.load(handles.get(i), dst);
            assertThat(dst.mismatch(pages.get(i))).isEqualTo(-1);
            store.free(handles.get(i));
        }
        return checked;
    }
}
