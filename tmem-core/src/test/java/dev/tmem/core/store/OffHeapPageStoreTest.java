package dev.tmem.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tmem.core.spi.PageStore;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The raw store on its own: handles, round trips, misuse detection, slab release. */
class OffHeapPageStoreTest {

    private static MemorySegment page(int size, long seed) {
        MemorySegment p = MemorySegment.ofArray(new byte[size]);
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < size; i += 8) {
            p.set(ValueLayout.JAVA_LONG_UNALIGNED, i, r.nextLong());
        }
        return p;
    }

    @ParameterizedTest
    @ValueSource(ints = {4096, 8192, 16384, 32768, 65536})
    void roundTripEveryPageSize_handlesNeverZeroAndBytesExact(int size) {
        try (OffHeapPageStore store = new OffHeapPageStore()) {
            Map<Long, Long> seeds = new HashMap<>();
            int n = 3 * OffHeapPageStore.SLAB_BYTES / size; // spans several slabs
            for (int i = 0; i < n; i++) {
                long h = store.store(page(size, i));
                assertThat(h).isNotEqualTo(PageStore.NO_HANDLE);
                assertThat(seeds.put(h, (long) i)).as("handle reused while live").isNull();
                assertThat(store.chargedBytes(h)).isEqualTo(size);
                assertThat(store.storedBytes(h)).isEqualTo(size);
            }
            MemorySegment dst = MemorySegment.ofArray(new byte[size]);
            seeds.forEach((h, seed) -> {
                store.load(h, dst);
                assertThat(dst.mismatch(page(size, seed))).isEqualTo(-1L);
            });
        }
    }

    @Test
    void copySemantics_storeCopiesTheCallersBytes() {
        try (OffHeapPageStore store = new OffHeapPageStore()) {
            MemorySegment src = page(4096, 1);
            long h = store.store(src);
            src.fill((byte) 7);
            MemorySegment dst = MemorySegment.ofArray(new byte[4096]);
            store.load(h, dst);
            assertThat(dst.mismatch(page(4096, 1))).isEqualTo(-1L);
        }
    }

    @Test
    void overwrite_rewritesInPlaceOnlyForTheSameSize() {
        try (OffHeapPageStore store = new OffHeapPageStore()) {
            long h = store.store(page(4096, 1));
            assertThat(store.overwrite(h, page(4096, 2))).isTrue();
            assertThat(store.overwrite(h, page(8192, 3))).isFalse();
            MemorySegment dst = MemorySegment.ofArray(new byte[4096]);
            store.load(h, dst);
            assertThat(dst.mismatch(page(4096, 2))).isEqualTo(-1L);
        }
    }

    @Test
    void view_isReadOnlyAndDiesWithItsScope() {
        try (OffHeapPageStore store = new OffHeapPageStore()) {
            long h = store.store(page(4096, 5));
            MemorySegment view;
            try (Arena scope = Arena.ofShared()) {
                view = store.view(h, scope);
                assertThat(view.isReadOnly()).isTrue();
                assertThat(view.mismatch(page(4096, 5))).isEqualTo(-1L);
                MemorySegment v = view;
                assertThatThrownBy(() -> v.set(ValueLayout.JAVA_BYTE, 0, (byte) 1))
                        .isInstanceOf(IllegalArgumentException.class);
            }
            MemorySegment dead = view;
            assertThatThrownBy(() -> dead.get(ValueLayout.JAVA_BYTE, 0)).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void doubleFree_throwsAndNamesTheHandle() {
        try (OffHeapPageStore store = new OffHeapPageStore()) {
            long keep = store.store(page(4096, 1)); // keeps the slab formatted
            long h = store.store(page(4096, 2));
            store.free(h);
            assertThatThrownBy(() -> store.free(h))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("double free")
                    .hasMessageContaining(Long.toHexString(h));
            store.free(keep);
        }
    }

    @Test
    void foreignOrMalformedHandles_areRejected() {
        try (OffHeapPageStore store = new OffHeapPageStore()) {
            store.store(page(4096, 1));
            for (long bad : new long[] {0L, 0xFL, 1L << 40, -1L, (999L << 16) | 1}) {
                assertThatThrownBy(() -> store.load(bad, MemorySegment.ofArray(new byte[4096])))
                        .as("handle 0x%x", bad)
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("not a live handle");
            }
        }
    }

    @Test
    void handleOfASlabReformattedForAnotherSize_isRejected() {
        try (OffHeapPageStore store = new OffHeapPageStore()) {
            long small = store.store(page(4096, 1));
            store.free(small); // the slab empties and goes to the cache of empty slabs
            long big = store.store(page(65536, 2)); // reuses it, formatted for 64 KiB
            assertThat(big >>> 16).isEqualTo(small >>> 16); // same slab number
            assertThatThrownBy(() -> store.free(small)).isInstanceOf(IllegalStateException.class);
            MemorySegment dst = MemorySegment.ofArray(new byte[65536]);
            store.load(big, dst);
            assertThat(dst.mismatch(page(65536, 2))).isEqualTo(-1L);
        }
    }

    @Test
    void emptySlabsBeyondTheCacheAreGivenBack() {
        try (OffHeapPageStore store = new OffHeapPageStore()) {
            int perSlab = OffHeapPageStore.SLAB_BYTES / 4096;
            int slabs = OffHeapPageStore.CACHED_EMPTY_SLABS + 6;
            List<Long> handles = new ArrayList<>();
            for (int i = 0; i < perSlab * slabs; i++) {
                handles.add(store.store(page(4096, i)));
            }
            assertThat(store.reservedBytes()).isEqualTo((long) slabs * OffHeapPageStore.SLAB_BYTES);
            handles.forEach(store::free);
            assertThat(store.reservedBytes())
                    .isEqualTo((long) OffHeapPageStore.CACHED_EMPTY_SLABS * OffHeapPageStore.SLAB_BYTES);
        }
    }

    @Test
    void afterClose_everyCallFailsClearly() {
        OffHeapPageStore store = new OffHeapPageStore();
        long h = store.store(page(4096, 1));
        store.close();
        assertThat(store.reservedBytes()).isZero();
        assertThatThrownBy(() -> store.store(page(4096, 2))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> store.load(h, MemorySegment.ofArray(new byte[4096])))
                .isInstanceOf(IllegalStateException.class);
        store.close(); // idempotent
    }

    @Test
    void badPageSizes_areRejectedWithTheSize() {
        try (OffHeapPageStore store = new OffHeapPageStore()) {
            for (int size : new int[] {0, 100, 2048, 4097, 131072}) {
                assertThatThrownBy(() -> store.store(MemorySegment.ofArray(new byte[size])))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining(String.valueOf(size));
            }
        }
    }

    /** Threads store, check and free concurrently; no handle is handed out twice, no bytes cross. */
    @Test
    void concurrentStoreLoadFree_neverSharesASlot() throws Exception {
        try (OffHeapPageStore store = new OffHeapPageStore()) {
            int threads = 4;
            ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> all = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                all.add(Thread.ofPlatform().start(() -> {
                    SplittableRandom r = new SplittableRandom(id);
                    Map<Long, Long> mine = new HashMap<>();
                    MemorySegment dst = MemorySegment.ofArray(new byte[4096]);
                    try {
                        start.await();
                        for (int i = 0; i < 20_000; i++) {
                            if (mine.size() < 600 && r.nextBoolean()) {
                                long seed = ((long) id << 32) | i;
                                mine.put(store.store(page(4096, seed)), seed);
                            } else if (!mine.isEmpty()) {
                                long h = mine.keySet().iterator().next();
                                store.load(h, dst);
                                if (dst.mismatch(page(4096, mine.get(h))) != -1) {
                                    errors.add("thread " + id + " read foreign bytes at 0x" + Long.toHexString(h));
                                }
                                store.free(h);
                                mine.remove(h);
                            }
                        }
                    } catch (Throwable e) {
                        errors.add(e.toString());
                    }
                }));
            }
            start.countDown();
            for (Thread t : all) {
                t.join();
            }
            assertThat(errors).isEmpty();
        }
    }
}
