package dev.tmem.zcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tmem.core.spi.PageStore;
import dev.tmem.zcache.ZcacheConfig.Incompressible;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ZcachePageStoreTest {

    static final int[] PAGE_SIZES = {4096, 8192, 16384, 32768, 65536};

    static Stream<Arguments> codecsAndSizes() {
        List<Arguments> args = new ArrayList<>();
        for (String codec : List.of("lz4", "zstd", "deflate", "none")) {
            for (int size : PAGE_SIZES) {
                args.add(Arguments.of(codec, size));
            }
        }
        return args.stream();
    }

    static ZcachePageStore store(String codec) {
        return new ZcachePageStore(ZcacheConfig.builder().codec(codec).maxPoolBytes(256L << 20).build());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("codecsAndSizes")
    void everyKindOfPageRoundTrips(String codec, int size) {
        try (ZcachePageStore store = store(codec)) {
            List<MemorySegment> pages = new ArrayList<>(RealPages.sample(size, 24, size));
            for (TestPages.Content c : TestPages.Content.values()) {
                for (long seed = 0; seed < 3; seed++) {
                    pages.add(c.page(size, seed));
                }
            }
            long[] handles = new long[pages.size()];
            for (int i = 0; i < pages.size(); i++) {
                handles[i] = store.store(pages.get(i));
                assertThat(handles[i]).isNotEqualTo(PageStore.NO_HANDLE);
            }
            try (Arena arena = Arena.ofConfined()) {
                for (int i = 0; i < pages.size(); i++) {
                    MemorySegment dst = arena.allocate(size);
                    dst.fill((byte) 0x5A);
                    store.load(handles[i], dst);
                    assertThat(dst.mismatch(pages.get(i))).as("page %d", i).isEqualTo(-1);
                    MemorySegment view = store.view(handles[i], arena);
                    assertThat(view.isReadOnly()).isTrue();
                    assertThat(view.mismatch(pages.get(i))).isEqualTo(-1);
                    assertThat(store.storedBytes(handles[i])).isBetween(0L, (long) size);
                    assertThat(store.chargedBytes(handles[i])).isGreaterThanOrEqualTo(store.storedBytes(handles[i]));
                }
            }
            for (long h : handles) {
                store.free(h);
            }
            ZcacheStats s = store.stats();
            assertThat(s.pages()).isZero();
            assertThat(s.bytesStored()).isZero();
            assertThat(s.pageBytes()).isZero();
        }
    }

    @Test
    void sameFilledPagesTakeNoMemoryAndNoCodecCall() {
        try (ZcachePageStore store = store("lz4")) {
            long before = store.reservedBytes();
            long[] patterns = {0L, -1L, 0x0101010101010101L, 7L, 0xABABABABABABABABL, 0x8000000000000001L};
            List<Long> handles = new ArrayList<>();
            for (long p : patterns) {
                MemorySegment page = MemorySegment.ofArray(new byte[4096]);
                SameFilled.fill(page, p);
                long h = store.store(page);
                handles.add(h);
                assertThat(store.storedBytes(h)).isZero();
                MemorySegment back = MemorySegment.ofArray(new byte[4096]);
                store.load(h, back);
                assertThat(back.mismatch(page)).isEqualTo(-1);
            }
            ZcacheStats s = store.stats();
            assertThat(s.sameFilledPages()).isEqualTo(patterns.length);
            assertThat(s.compressedPages() + s.rawPages()).isZero();
            assertThat(s.chunks()).isZero(); // no slab was ever allocated
            // patterns that do not fit in a handle cost one 16-byte entry each, nothing else
            assertThat(store.reservedBytes() - before).isEqualTo(2 * 16);
            handles.forEach(store::free);
            assertThat(store.stats().sameFilledPages()).isZero();
            assertThat(store.reservedBytes()).isEqualTo(before);
        }
    }

    @Test
    void incompressiblePagesAreStoredRawByDefault() {
        try (ZcachePageStore store = store("lz4")) {
            MemorySegment page = TestPages.random(4096, 1);
            long h = store.store(page);
            assertThat(store.storedBytes(h)).isEqualTo(4096);
            assertThat(store.stats().rawPages()).isEqualTo(1);
            MemorySegment back = MemorySegment.ofArray(new byte[4096]);
            store.load(h, back);
            assertThat(back.mismatch(page)).isEqualTo(-1);
        }
    }

    @Test
    void incompressiblePagesAreRefusedUnderRejectPolicyAndCounted() {
        ZcacheConfig cfg = ZcacheConfig.builder().incompressible(Incompressible.REJECT).maxPoolBytes(16 << 20).build();
        try (ZcachePageStore store = new ZcachePageStore(cfg)) {
            assertThat(store.store(TestPages.random(4096, 2))).isEqualTo(PageStore.NO_HANDLE);
            // a page that compresses to just under 7/8 is kept; just over, refused
            assertThat(store.store(TestPages.Content.HALF_ZERO.page(4096, 3))).isNotEqualTo(PageStore.NO_HANDLE);
            ZcacheStats s = store.stats();
            assertThat(s.rejectCompressPoor()).isEqualTo(1);
            assertThat(s.rawPages()).isZero();
            assertThat(s.compressedPages()).isEqualTo(1);
        }
    }

    @Test
    void theRejectThresholdIsAParameter() {
        MemorySegment halfRandom = TestPages.Content.HALF_ZERO.page(4096, 4); // compresses to about half
        ZcacheConfig strict = ZcacheConfig.builder().rejectThresholdPercent(40).incompressible(Incompressible.REJECT)
                .maxPoolBytes(16 << 20).build();
        try (ZcachePageStore store = new ZcachePageStore(strict)) {
            assertThat(store.store(halfRandom)).isEqualTo(PageStore.NO_HANDLE);
        }
        ZcacheConfig lax = ZcacheConfig.builder().rejectThresholdPercent(60).incompressible(Incompressible.REJECT)
                .maxPoolBytes(16 << 20).build();
        try (ZcachePageStore store = new ZcachePageStore(lax)) {
            assertThat(store.store(halfRandom)).isNotEqualTo(PageStore.NO_HANDLE);
        }
    }

    @ParameterizedTest
    @MethodSource("codecNames")
    void aFlippedStoredByteIsDetectedNeverReturned(String codec) {
        try (ZcachePageStore store = store(codec)) {
            List<MemorySegment> pages = RealPages.sample(4096, 40, 7);
            pages.add(TestPages.random(4096, 8)); // a raw page: checked by its CRC too
            SplittableRandom r = new SplittableRandom(9);
            for (MemorySegment page : pages) {
                long h = store.store(page);
                if (store.storedBytes(h) == 0) {
                    continue; // same-filled: nothing stored to damage
                }
                MemorySegment stored = store.storedMemory(h);
                long at = r.nextLong(stored.byteSize());
                byte was = stored.get(ValueLayout.JAVA_BYTE, at);
                stored.set(ValueLayout.JAVA_BYTE, at, (byte) (was ^ (1 << r.nextInt(8))));
                MemorySegment dst = MemorySegment.ofArray(new byte[4096]);
                assertThatThrownBy(() -> store.load(h, dst)).isInstanceOf(CorruptPageException.class);
                stored.set(ValueLayout.JAVA_BYTE, at, was);
                store.load(h, dst); // repaired: reads back
                assertThat(dst.mismatch(page)).isEqualTo(-1);
            }
            assertThat(store.stats().corruptPages()).isGreaterThanOrEqualTo(30);
        }
    }

    static Stream<String> codecNames() {
        return Stream.of("lz4", "zstd", "deflate", "none");
    }

    @Test
    void staleAndForeignHandlesThrowAndChangeNothing() {
        try (ZcachePageStore store = store("lz4")) {
            MemorySegment page = TestPages.Content.TEXT.page(4096, 1);
            long h = store.store(page);
            long other = store.store(TestPages.Content.TEXT.page(4096, 2));
            store.free(h);
            MemorySegment dst = MemorySegment.ofArray(new byte[4096]);
            assertThatThrownBy(() -> store.load(h, dst)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("freed or foreign");
            assertThatThrownBy(() -> store.free(h)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> store.load(0x7FFF_0000_0000_0001L, dst)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> store.load(other, MemorySegment.ofArray(new byte[8192])))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("4096");
            store.load(other, dst);
            assertThat(dst.mismatch(TestPages.Content.TEXT.page(4096, 2))).isEqualTo(-1);
            assertThat(store.stats().pages()).isEqualTo(1);
        }
    }

    @Test
    void badPageSizesAreRefused() {
        try (ZcachePageStore store = store("lz4")) {
            assertThatThrownBy(() -> store.store(MemorySegment.ofArray(new byte[5000])))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("power of two");
            assertThatThrownBy(() -> store.store(MemorySegment.ofArray(new byte[2048])))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(store.stats().pages()).isZero();
        }
    }

    @Test
    void configParsesParametersAndNamesWhatIsAccepted() {
        ZcacheConfig c = ZcacheConfig.parse(Map.of("codec", "zstd", "level", "7", "max_pool_bytes", "64m",
                "reject_threshold_percent", "75", "incompressible", "reject", "accept_threshold_percent", "80"));
        assertThat(c.codec()).isEqualTo("zstd");
        assertThat(c.codecParams()).containsEntry("level", "7");
        assertThat(c.maxPoolBytes()).isEqualTo(64L << 20);
        assertThat(c.incompressible()).isEqualTo(Incompressible.REJECT);
        assertThat(ZcacheConfig.parse(c.toParams())).isEqualTo(c);
        assertThat(ZcacheConfig.parse(Map.of("max_pool_percent", "10")).maxPoolBytes()).isPositive();
        assertThatThrownBy(() -> ZcacheConfig.parse(Map.of("colour", "red")))
                .hasMessageContaining("unknown zcache parameter 'colour'").hasMessageContaining("max_pool_percent");
        assertThatThrownBy(() -> ZcacheConfig.parse(Map.of("codec", "snappy"))).hasMessageContaining("lz4, zstd");
        assertThatThrownBy(() -> ZcacheConfig.parse(Map.of("codec", "zstd", "level", "99")))
                .hasMessageContaining("1..22");
        assertThatThrownBy(() -> ZcacheConfig.parse(Map.of("level", "x"))).hasMessageContaining("not a number");
        assertThatThrownBy(() -> ZcacheConfig.parse(Map.of("incompressible", "drop")))
                .hasMessageContaining("raw or reject");
        assertThatThrownBy(() -> ZcacheConfig.parse(Map.of("max_pool_bytes", "1g", "max_pool_percent", "5")))
                .hasMessageContaining("not both");
        assertThatThrownBy(() -> ZcacheConfig.parse(Map.of("max_pool_percent", "0"))).hasMessageContaining("1..100");
        assertThatThrownBy(() -> ZcacheConfig.parse(Map.of("reject_threshold_percent", "0")))
                .hasMessageContaining("(0, 100]");
        assertThatThrownBy(() -> ZcacheConfig.parse(Map.of("codec", "none", "incompressible", "reject")))
                .hasMessageContaining("refuse every page");
    }
}
