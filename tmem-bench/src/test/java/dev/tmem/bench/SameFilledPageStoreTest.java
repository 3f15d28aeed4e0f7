package dev.tmem.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tmem.core.spi.PageStore;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SameFilledPageStoreTest {

    private static final long[] PATTERNS = {
        0L, -1L, 1L, 0x0101_0101_0101_0101L, 0x0123_4567_89AB_CDEFL, Long.MIN_VALUE, 0xFFL << 56
    };

    @ParameterizedTest
    @ValueSource(ints = {4096, 8192, 65536})
    void roundTripsEveryPatternAtEveryPageSize(int pageSize) {
        try (var store = new SameFilledPageStore(); Arena arena = Arena.ofConfined()) {
            for (long pattern : PATTERNS) {
                MemorySegment page = filled(arena, pageSize, pattern);
                long handle = store.store(page);

                assertThat(handle).as("handle of pattern %x", pattern).isNotEqualTo(PageStore.NO_HANDLE);
                MemorySegment loaded = arena.allocate(pageSize);
                loaded.fill((byte) 0x5A);
                store.load(handle, loaded);
                assertThat(loaded.mismatch(page)).isEqualTo(-1L);
                assertThat(store.view(handle, arena).mismatch(page)).isEqualTo(-1L);
                assertThat(store.chargedBytes(handle)).isZero();
                assertThat(store.storedBytes(handle)).isZero();
            }
        }
    }

    @Test
    void samePatternGetsTheSameHandleAndHandlesStayValidAfterOthersAreFreed() {
        try (var store = new SameFilledPageStore(); Arena arena = Arena.ofConfined()) {
            MemorySegment page = filled(arena, 4096, 42L);
            long first = store.store(page);
            long second = store.store(page);
            long other = store.store(filled(arena, 4096, 43L));

            assertThat(second).isEqualTo(first);
            assertThat(other).isNotEqualTo(first);
            assertThat(store.liveHandles()).isEqualTo(3);
            store.free(first);
            assertThat(store.liveHandles()).isEqualTo(2);
            MemorySegment loaded = arena.allocate(4096);
            store.load(second, loaded);
            assertThat(loaded.mismatch(page)).isEqualTo(-1L);
        }
    }

    @Test
    void refusesPagesThatAreNotOnePatternRepeated() {
        try (var store = new SameFilledPageStore(); Arena arena = Arena.ofConfined()) {
            byte[] random = new byte[4096];
            new SplittableRandom(1).nextBytes(random);
            MemorySegment lastByteDiffers = filled(arena, 4096, 7L);
            lastByteDiffers.set(ValueLayout.JAVA_BYTE, 4095, (byte) 1);
            MemorySegment repeatsSixteenBytes = arena.allocate(4096);
            for (long off = 0; off < 4096; off += 16) {
                repeatsSixteenBytes.set(ValueLayout.JAVA_LONG_UNALIGNED, off, 1L);
                repeatsSixteenBytes.set(ValueLayout.JAVA_LONG_UNALIGNED, off + 8, 2L);
            }

            assertThat(store.store(MemorySegment.ofArray(random))).isEqualTo(PageStore.NO_HANDLE);
            assertThat(store.store(lastByteDiffers)).isEqualTo(PageStore.NO_HANDLE);
            assertThat(store.store(repeatsSixteenBytes)).isEqualTo(PageStore.NO_HANDLE);
            assertThat(store.store(filled(arena, 2048, 7L))).as("page size below 4096").isEqualTo(PageStore.NO_HANDLE);
            assertThat(store.refusedNotSameFilled()).isEqualTo(4);
            assertThat(store.liveHandles()).isZero();
        }
    }

    @Test
    void refusesNewPatternsOnceTheTableIsFull() {
        try (var store = new SameFilledPageStore(2); Arena arena = Arena.ofConfined()) {
            assertThat(store.store(filled(arena, 4096, 1L))).isNotEqualTo(PageStore.NO_HANDLE);
            assertThat(store.store(filled(arena, 4096, 2L))).isNotEqualTo(PageStore.NO_HANDLE);

            assertThat(store.store(filled(arena, 4096, 3L))).isEqualTo(PageStore.NO_HANDLE);
            assertThat(store.store(filled(arena, 4096, 1L))).as("a known pattern still fits").isNotEqualTo(PageStore.NO_HANDLE);
            assertThat(store.refusedTableFull()).isEqualTo(1);
            assertThat(store.patternCount()).isEqualTo(2);
        }
    }

    @Test
    void handleLayoutSetsBit63AndCarriesThePageSize() {
        long handle = SameFilledPageStore.encode(4, 0);

        assertThat(handle).isEqualTo(0x8000_0004_0000_0000L);
        assertThat(SameFilledPageStore.pageSize(handle)).isEqualTo(65536);
        assertThat(SameFilledPageStore.pageSize(SameFilledPageStore.encode(0, 0xFFFF_FFFF))).isEqualTo(4096);
    }

    @Test
    void rejectsLoadIntoABufferOfAnotherSizeAndHandlesWithoutBit63() {
        try (var store = new SameFilledPageStore(); Arena arena = Arena.ofConfined()) {
            long handle = store.store(filled(arena, 4096, 9L));

            assertThatThrownBy(() -> store.load(handle, arena.allocate(8192)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("dst");
            assertThatThrownBy(() -> store.load(1L, arena.allocate(4096)))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    private static MemorySegment filled(Arena arena, int size, long pattern) {
        MemorySegment page = arena.allocate(size, Long.BYTES);
        for (long off = 0; off < size; off += Long.BYTES) {
            page.set(ValueLayout.JAVA_LONG_UNALIGNED, off, pattern);
        }
        return page;
    }
}
