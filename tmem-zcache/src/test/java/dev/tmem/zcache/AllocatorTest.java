package dev.tmem.zcache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tmem.core.spi.PageStore;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The dense allocator seen through the store: fragmentation, compaction, the budget, hysteresis. */
class AllocatorTest {

    private static final List<MemorySegment> REAL = RealPages.sample(4096, 400, 42);

    private static ZcachePageStore store(long maxBytes, int acceptPercent) {
        return new ZcachePageStore(ZcacheConfig.builder().maxPoolBytes(maxBytes).acceptThresholdPercent(acceptPercent).build());
    }

    /** Real pages varied by a seeded tweak, so that no two are the same. */
    private static MemorySegment page(SplittableRandom r) {
        MemorySegment p = MemorySegment.ofArray(REAL.get(r.nextInt(REAL.size())).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
        p.set(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, 8L * r.nextInt(512), r.nextLong());
        return p;
    }

    @Test
    void compactionReturnsMemoryAndHandlesStayValid() {
        try (ZcachePageStore store = store(256L << 20, 90)) {
            SplittableRandom r = new SplittableRandom(1);
            Map<Long, MemorySegment> live = new HashMap<>();
            for (int i = 0; i < 6000; i++) {
                MemorySegment p = page(r);
                live.put(store.store(p), p);
            }
            long full = store.reservedBytes();
            List<Long> handles = new ArrayList<>(live.keySet());
            for (int i = 0; i < handles.size(); i++) {
                if (i % 4 != 0) { // free three pages in four, all over the slabs
                    store.free(handles.get(i));
                    live.remove(handles.get(i));
                }
            }
            store.compact();
            ZcacheStats s = store.stats();
            assertThat(s.objectsMoved()).isPositive();
            // a quarter of the pages remain; what is held beyond them is at most a partly filled slab
            // per size class in use (about 130 here) and runs that did not fit lower down
            assertThat(s.bytesUsed()).as("%s, full %d", s, full).isLessThan(full / 2);
            assertThat(s.density()).as("%s", s).isGreaterThan(0.55);
            assertThat(s.slabsRelocated()).isPositive();
            for (Map.Entry<Long, MemorySegment> e : live.entrySet()) {
                MemorySegment back = MemorySegment.ofArray(new byte[4096]);
                store.load(e.getKey(), back);
                assertThat(back.mismatch(e.getValue())).isEqualTo(-1);
            }
            live.keySet().forEach(store::free);
            s = store.stats();
            assertThat(s.pages()).isZero();
            assertThat(s.chunks()).isLessThanOrEqualTo(1); // only the spare is kept
            assertThat(s.bytesUsed()).isLessThanOrEqualTo(256 * 1024 + 16_000);
        }
    }

    @Test
    void randomChurnStaysDenseWithoutExplicitCompaction() {
        try (ZcachePageStore store = store(256L << 20, 90)) {
            SplittableRandom r = new SplittableRandom(2);
            List<Long> handles = new ArrayList<>();
            for (int op = 0; op < 40_000; op++) {
                if (handles.size() < 3000 || r.nextInt(2) == 0) {
                    handles.add(store.store(page(r)));
                } else {
                    int i = r.nextInt(handles.size());
                    store.free(handles.get(i));
                    handles.set(i, handles.get(handles.size() - 1));
                    handles.remove(handles.size() - 1);
                }
            }
            ZcacheStats s = store.stats();
            // automatic compaction keeps each class under two slabs' or a quarter's worth of free slots
            assertThat(s.density()).as("%s", s).isGreaterThan(0.6);
            assertThat(s.slabsFreed()).isPositive();
        }
    }

    @Test
    void theBudgetIsNeverExceededAndHysteresisHoldsUntilTheAcceptThreshold() {
        long max = 4L << 20;
        try (ZcachePageStore store = store(max, 50)) {
            SplittableRandom r = new SplittableRandom(3);
            List<Long> handles = new ArrayList<>();
            long h;
            while ((h = store.store(page(r))) != PageStore.NO_ROOM) {
                handles.add(h);
                assertThat(store.reservedBytes()).isLessThanOrEqualTo(max);
            }
            assertThat(store.stats().poolLimitHit()).isEqualTo(1);
            // freeing a little does not reopen the store: usage must fall to half the maximum first
            for (int i = 0; i < 10; i++) {
                store.free(handles.remove(handles.size() - 1));
            }
            assertThat(store.store(page(r))).isEqualTo(PageStore.NO_ROOM);
            assertThat(store.stats().poolLimitHit()).isEqualTo(2);
            while (store.reservedBytes() > max / 2) {
                store.free(handles.remove(handles.size() - 1));
                store.compact();
            }
            long again = store.store(page(r));
            assertThat(again).isNotIn(PageStore.NO_HANDLE, PageStore.NO_ROOM);
            assertThat(store.reservedBytes()).isLessThanOrEqualTo(max);
        }
    }
}
