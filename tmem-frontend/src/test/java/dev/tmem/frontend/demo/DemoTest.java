package dev.tmem.frontend.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tmem.core.ObjectId;
import dev.tmem.core.PoolId;
import dev.tmem.core.PoolSpec;
import dev.tmem.frontend.BackendRegistry;
import dev.tmem.frontend.demo.Demo.Check;
import dev.tmem.frontend.demo.Demo.Result;
import dev.tmem.frontend.demo.Demo.Settings;
import dev.tmem.frontend.local.LocalBackendProvider;
import dev.tmem.frontend.spi.BackendParameter;
import dev.tmem.frontend.spi.BackendParameters;
import dev.tmem.frontend.spi.BackendProvider;
import dev.tmem.frontend.spi.TmemBackend;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo in a small configuration: the whole story holds with the real {@code local} backend, and
 * each kind of damage (a lost swap page, swap pages corrupted on their way back to the swap file,
 * corrupt cleancache pages, a backend name that does not exist) makes it fail, naming the check.
 */
class DemoTest {

    private static final long SMALL = 256 << 10;

    @TempDir
    Path dir;

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

    private Result run(BackendRegistry registry, String backend) {
        Settings s = new Settings(dir, SMALL, backend, List.of("budget_mb=32"));
        return Demo.run(s, registry, new PrintStream(printed, true, StandardCharsets.UTF_8));
    }

    private String output() {
        return printed.toString(StandardCharsets.UTF_8);
    }

    private static List<String> failedChecks(Result r) {
        return r.failed().stream().map(Check::what).toList();
    }

    @Test
    void theStoryHoldsWithTheLocalBackend() throws IOException {
        Result r = run(BackendRegistry.fromClassPath(), "local");

        assertThat(r.failed()).as(output()).isEmpty();
        assertThat(r.passed()).isTrue();
        assertThat(r.checks()).hasSize(14);
        long slots = r.frontswap().writtenBack();
        assertThat(slots).as("every swap page went through the backend and back").isPositive();
        assertThat(r.frontswap().storesNoBackend()).as("the first half, refused before the load").isEqualTo(slots / 2);
        assertThat(r.frontswap().succStores()).isEqualTo(slots);
        assertThat(r.frontswap().loads()).isEqualTo(slots);
        assertThat(r.frontswap().currPages()).isZero();
        assertThat(r.cleancache().succGets()).isPositive();
        assertThat(r.cleancache().putsNoBackend()).isPositive();
        assertThat(r.compressionRatio()).as("zcache compresses real files").isGreaterThan(1.0);
        assertThat(output()).contains("[1/3] no backend yet", "[2/3] Frontends.load(\"local\", [budget_mb=32])",
                "local(zcache-lz4)", "[3/3] Frontends.unload()", "compression ratio", "all 14 checks held");
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).as("the demo deletes what it created").isEmpty();
        }
    }

    @Test
    void aBackendThatLosesASwapPage_failsTheDemo() {
        Result r = run(faulty(Fault.LOSE_FIRST_SWAP_PAGE), "local");

        assertThat(r.passed()).isFalse();
        assertThat(r.failed()).extracting(Check::what).containsExactly("the demo ran to the end");
        assertThat(r.failed().getFirst().detail()).contains("stopped in [2/3] load", "lost the page of swap area 0");
        assertThat(output()).contains("FAILED: 1 of");
    }

    @Test
    void swapPagesCorruptedOnTheirWayBackToTheFile_failTheByteCheck() {
        Result r = run(faulty(Fault.CORRUPT_WRITTEN_BACK_PAGES), "local");

        assertThat(r.passed()).isFalse();
        assertThat(failedChecks(r)).containsExactly("every swap slot holds what was swapped out, byte for byte");
        assertThat(r.failed().getFirst().detail()).contains("differs at byte 100");
    }

    @Test
    void corruptCleancachePages_failTheReadCheck() {
        Result r = run(faulty(Fault.CORRUPT_CLEANCACHE_PAGES), "local");

        assertThat(r.passed()).isFalse();
        assertThat(failedChecks(r)).isNotEmpty().allSatisfy(what -> assertThat(what)
                .startsWith("every read through the cached channels equals a plain FileChannel's"));
        assertThat(r.failed().getFirst().detail()).contains("differ from a plain read");
    }

    @Test
    void anUnknownBackend_failsTheDemo_andCleansUp() throws IOException {
        Result r = run(BackendRegistry.fromClassPath(), "nope");

        assertThat(r.passed()).isFalse();
        assertThat(failedChecks(r)).containsExactly("the demo ran to the end");
        assertThat(r.failed().getFirst().detail()).contains("unknown backend 'nope'", "available: local");
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void sizesOutOfRangeAreRefused() {
        assertThatThrownBy(() -> Settings.of(null, Demo.MIN_DATA_BYTES - 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("64 KiB to 128 MiB");
        assertThatThrownBy(() -> Settings.of(null, Demo.MAX_DATA_BYTES + 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(Settings.of(null, Demo.DEFAULT_DATA_BYTES).backendParams()).containsExactly("budget_mb=32");
    }

    // ---------------------------------------------------------------------------------------------
    // Faulty backends: the local backend with one kind of damage
    // ---------------------------------------------------------------------------------------------

    enum Fault {
        /** The first swap page asked for is gone (flushed behind frontswap's back). */
        LOSE_FIRST_SWAP_PAGE,
        /**
         * Swap pages read after as many reads as stores come back with byte 100 flipped: the demo
         * loads each page once before the unload, so exactly the unload's write-back reads are hit.
         */
        CORRUPT_WRITTEN_BACK_PAGES,
        /** Every cleancache hit comes back with byte 100 flipped. */
        CORRUPT_CLEANCACHE_PAGES
    }

    private static BackendRegistry faulty(Fault fault) {
        BackendRegistry registry = BackendRegistry.empty();
        registry.add(new FaultyProvider(fault));
        return registry;
    }

    private record FaultyProvider(Fault fault) implements BackendProvider {
        private static final LocalBackendProvider LOCAL = new LocalBackendProvider();

        @Override
        public String name() {
            return LOCAL.name();
        }

        @Override
        public String description() {
            return "the local backend, damaged: " + fault;
        }

        @Override
        public List<BackendParameter> parameters() {
            return LOCAL.parameters();
        }

        @Override
        public TmemBackend create(BackendParameters params) {
            return new FaultyBackend(LOCAL.create(params), fault);
        }
    }

    private static final class FaultyBackend implements TmemBackend {
        private final TmemBackend inner;
        private final Fault fault;
        private final Set<PoolId> persistent = ConcurrentHashMap.newKeySet();
        private final AtomicLong swapStores = new AtomicLong();
        private final AtomicLong swapReads = new AtomicLong();

        FaultyBackend(TmemBackend inner, Fault fault) {
            this.inner = inner;
            this.fault = fault;
        }

        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public PoolId newPool(PoolSpec spec) {
            PoolId id = inner.newPool(spec);
            if (spec.persistent()) {
                persistent.add(id);
            }
            return id;
        }

        @Override
        public long destroyPool(PoolId pool) {
            persistent.remove(pool);
            return inner.destroyPool(pool);
        }

        @Override
        public boolean putPage(PoolId pool, ObjectId oid, long index, MemorySegment page) {
            boolean ok = inner.putPage(pool, oid, index, page);
            if (ok && persistent.contains(pool)) {
                swapStores.incrementAndGet();
            }
            return ok;
        }

        @Override
        public boolean getPage(PoolId pool, ObjectId oid, long index, MemorySegment dst, boolean exclusive) {
            boolean swapPage = persistent.contains(pool);
            if (swapPage && fault == Fault.LOSE_FIRST_SWAP_PAGE && swapReads.getAndIncrement() == 0) {
                inner.flushPage(pool, oid, index);
                return false;
            }
            boolean hit = inner.getPage(pool, oid, index, dst, exclusive);
            boolean corrupt = switch (fault) {
                case CORRUPT_WRITTEN_BACK_PAGES -> swapPage && swapReads.incrementAndGet() > swapStores.get();
                case CORRUPT_CLEANCACHE_PAGES -> !swapPage;
                case LOSE_FIRST_SWAP_PAGE -> false;
            };
            if (hit && corrupt) {
                dst.set(ValueLayout.JAVA_BYTE, 100, (byte) ~dst.get(ValueLayout.JAVA_BYTE, 100));
            }
            return hit;
        }

        @Override
        public int flushPage(PoolId pool, ObjectId oid, long index) {
            return inner.flushPage(pool, oid, index);
        }

        @Override
        public long flushObject(PoolId pool, ObjectId oid) {
            return inner.flushObject(pool, oid);
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
