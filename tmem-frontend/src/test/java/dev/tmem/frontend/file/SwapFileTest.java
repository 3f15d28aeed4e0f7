package dev.tmem.frontend.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tmem.core.store.OffHeapPageStore;
import dev.tmem.frontend.Frontswap;
import dev.tmem.frontend.local.LocalBackend;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The swap file adapter end to end: real file contents, with and without a backend, across unload. */
class SwapFileTest {

    private static final int PS = 4096;

    @TempDir
    Path tmp;

    private final Frontswap fsw = new Frontswap();
    private final List<LocalBackend> backends = new ArrayList<>();

    @AfterEach
    void tearDown() {
        if (fsw.backend() != null) {
            fsw.unregister();
        }
        backends.forEach(LocalBackend::close);
    }

    private LocalBackend backend(long pages) {
        LocalBackend b = LocalBackend.create(new OffHeapPageStore(), pages * (PS + 48), "swapfile-test");
        backends.add(b);
        return b;
    }

    private static byte[] page(long seq) {
        byte[] p = new byte[PS];
        new SplittableRandom(seq).nextBytes(p);
        return p;
    }

    private static byte[] in(SwapFile f, long slot) throws IOException {
        MemorySegment dst = MemorySegment.ofArray(new byte[PS]);
        f.swapIn(slot, dst);
        return dst.toArray(ValueLayout.JAVA_BYTE);
    }

    private static byte[] fileSlot(Path file, long slot) throws IOException {
        try (FileChannel ch = FileChannel.open(file)) {
            ByteBuffer b = ByteBuffer.allocate(PS);
            ch.read(b, slot * PS);
            return b.array();
        }
    }

    @Test
    void withoutABackend_pagesGoToTheFile() throws IOException {
        Path file = tmp.resolve("swap");
        try (SwapFile f = SwapFile.create(file, 8, fsw, 0)) {
            long s = f.swapOut(MemorySegment.ofArray(page(1)));
            assertThat(fileSlot(file, s)).isEqualTo(page(1));
            assertThat(in(f, s)).isEqualTo(page(1));
            assertThat(fsw.stats().storesNoBackend()).isEqualTo(1);
        }
    }

    @Test
    void withABackend_pagesStayOutOfTheFile_untilUnloadWritesThemBack() throws IOException {
        Path file = tmp.resolve("swap");
        try (SwapFile f = SwapFile.create(file, 8, fsw, 0)) {
            fsw.register(backend(64)); // the area swapped on before is replayed
            long s = f.swapOut(MemorySegment.ofArray(page(2)));
            assertThat(fileSlot(file, s)).isEqualTo(new byte[PS]);
            assertThat(in(f, s)).isEqualTo(page(2));

            fsw.unregister();

            assertThat(fileSlot(file, s)).isEqualTo(page(2));
            assertThat(in(f, s)).isEqualTo(page(2));
        }
    }

    @Test
    void writethrough_writesEveryPageToTheFileToo() throws IOException {
        Path file = tmp.resolve("swap");
        fsw.register(backend(64));
        fsw.writethrough(true);
        try (SwapFile f = SwapFile.create(file, 8, fsw, 0)) {
            long s = f.swapOut(MemorySegment.ofArray(page(3)));
            assertThat(fsw.isStored(0, s)).isTrue();
            assertThat(fileSlot(file, s)).isEqualTo(page(3));
        }
    }

    @Test
    void exclusiveGets_takeThePageOutOfTheBackend_andTheSlotStaysValid() throws IOException {
        Path file = tmp.resolve("swap");
        fsw.register(backend(64));
        fsw.exclusiveGets(true);
        try (SwapFile f = SwapFile.create(file, 8, fsw, 0)) {
            long s = f.swapOut(MemorySegment.ofArray(page(4)));
            assertThat(in(f, s)).isEqualTo(page(4));
            assertThat(fsw.currPages()).isZero();
            assertThat(in(f, s)).isEqualTo(page(4));
        }
    }

    @Test
    void shrink_movesPagesIntoTheirSlots() throws IOException {
        Path file = tmp.resolve("swap");
        fsw.register(backend(64));
        try (SwapFile f = SwapFile.create(file, 8, fsw, 0)) {
            long[] s = new long[5];
            for (int i = 0; i < 5; i++) {
                s[i] = f.swapOut(MemorySegment.ofArray(page(10 + i)));
            }
            assertThat(fsw.shrink(0)).isEqualTo(5);
            for (int i = 0; i < 5; i++) {
                assertThat(fileSlot(file, s[i])).isEqualTo(page(10 + i));
                assertThat(in(f, s[i])).isEqualTo(page(10 + i));
            }
        }
    }

    @Test
    void aFullBackend_sendsPagesToTheFile() throws IOException {
        Path file = tmp.resolve("swap");
        fsw.register(backend(2));
        try (SwapFile f = SwapFile.create(file, 8, fsw, 0)) {
            long[] s = new long[6];
            for (int i = 0; i < 6; i++) {
                s[i] = f.swapOut(MemorySegment.ofArray(page(20 + i)));
            }
            assertThat(fsw.currPages()).isEqualTo(2);
            for (int i = 0; i < 6; i++) {
                assertThat(in(f, s[i])).isEqualTo(page(20 + i));
            }
        }
    }

    @Test
    void free_invalidatesAndTheSlotIsReused() throws IOException {
        Path file = tmp.resolve("swap");
        fsw.register(backend(64));
        try (SwapFile f = SwapFile.create(file, 2, fsw, 0)) {
            long a = f.swapOut(MemorySegment.ofArray(page(1)));
            long b = f.swapOut(MemorySegment.ofArray(page(2)));
            assertThatThrownBy(() -> f.swapOut(MemorySegment.ofArray(page(3)))).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("is full: all 2 slots in use");

            f.free(a);

            assertThat(fsw.currPages()).isEqualTo(1);
            assertThat(f.slotsInUse()).isEqualTo(1);
            assertThatThrownBy(() -> f.swapIn(a, MemorySegment.ofArray(new byte[PS])))
                    .hasMessageContaining("slot " + a + " of swap file").hasMessageContaining("is not in use");
            assertThatThrownBy(() -> f.free(a)).isInstanceOf(IllegalArgumentException.class);
            long c = f.swapOut(MemorySegment.ofArray(page(3)));
            assertThat(c).isEqualTo(a);
            assertThat(in(f, c)).isEqualTo(page(3));
            assertThat(in(f, b)).isEqualTo(page(2));
        }
    }

    @Test
    void close_isSwapoff_andLaterIoIsAClearError() throws IOException {
        Path file = tmp.resolve("swap");
        fsw.register(backend(64));
        SwapFile f = SwapFile.create(file, 4, fsw, 5);
        long s = f.swapOut(MemorySegment.ofArray(page(1)));
        f.close();
        f.close();

        assertThat(fsw.areas()).isEmpty();
        assertThat(fsw.currPages()).isZero();
        assertThatThrownBy(() -> f.swapIn(s, MemorySegment.ofArray(new byte[PS])))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("is closed");
        assertThatThrownBy(() -> f.swapOut(MemorySegment.ofArray(page(2)))).hasMessageContaining("is closed");
        assertThatThrownBy(() -> SwapFile.create(file, 0, fsw, 5)).hasMessageContaining("slots must be");
        try (SwapFile other = SwapFile.create(tmp.resolve("other"), 4, fsw, 6)) {
            assertThatThrownBy(() -> other.swapOut(MemorySegment.ofArray(new byte[10])))
                    .hasMessage("page must be 4096 bytes, was 10");
            assertThatThrownBy(() -> SwapFile.create(tmp.resolve("third"), 4, fsw, 6))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("swap area 6 is already initialized");
        }
        assertThat(Files.exists(file)).isTrue();
    }

    /** Random swap-outs, swap-ins, frees, mode changes and backend loads/unloads against a map of slots. */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void randomWorkload_everySlotReadsBackItsLastPage(long seed) throws IOException {
        SplittableRandom rnd = new SplittableRandom(seed);
        Map<Long, byte[]> slots = new HashMap<>();
        long seq = 0;
        try (SwapFile f = SwapFile.create(tmp.resolve("swap-" + seed), 32, fsw, 0)) {
            for (int i = 0; i < 1500; i++) {
                int r = rnd.nextInt(100);
                if (r < 3) {
                    fsw.register(backend(4 + rnd.nextInt(20))); // load or replace
                } else if (r < 5 && fsw.backend() != null) {
                    fsw.unregister();
                } else if (r < 7) {
                    fsw.writethrough(rnd.nextBoolean());
                } else if (r < 9) {
                    fsw.exclusiveGets(rnd.nextBoolean());
                } else if (r < 10) {
                    fsw.shrink(rnd.nextInt(8));
                } else if (r < 45 && slots.size() < 32) {
                    byte[] p = page(seed * 100_000 + ++seq);
                    slots.put(f.swapOut(MemorySegment.ofArray(p)), p);
                } else if (r < 85 && !slots.isEmpty()) {
                    long s = pick(rnd, slots);
                    assertThat(in(f, s)).as("slot %d at op %d", s, i).isEqualTo(slots.get(s));
                } else if (!slots.isEmpty()) {
                    long s = pick(rnd, slots);
                    f.free(s);
                    slots.remove(s);
                }
            }
            if (fsw.backend() != null) {
                fsw.unregister();
            }
            for (var e : slots.entrySet()) {
                assertThat(fileSlot(f.path(), e.getKey())).isEqualTo(e.getValue());
            }
            assertThat(f.slotsInUse()).isEqualTo(slots.size());
        }
    }

    private static long pick(SplittableRandom rnd, Map<Long, byte[]> slots) {
        Long[] keys = slots.keySet().toArray(Long[]::new);
        Arrays.sort(keys);
        return keys[rnd.nextInt(keys.length)];
    }
}
