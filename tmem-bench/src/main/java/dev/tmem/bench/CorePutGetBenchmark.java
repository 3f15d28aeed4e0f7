package dev.tmem.bench;

import dev.tmem.core.ObjectId;
import dev.tmem.core.PoolId;
import dev.tmem.core.PoolSpec;
import dev.tmem.core.TmemClient;
import dev.tmem.core.TmemEngine;
import dev.tmem.core.TmemStats;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * Put and get of 4 KiB pages at random handles, tmem beside the physical limit.
 *
 * <p><b>One op</b> is one put of a 4 KiB page at a slot drawn at random from the working set,
 * followed by one get of another slot drawn at random into a per-thread buffer: two page copies.
 * Both slots are drawn uniformly and independently by each thread from its own seeded generator;
 * with several threads, threads may hit the same slots. JMH reports ops/s of all threads together.
 *
 * <ul>
 *   <li>{@link #tmem}: {@link TmemClient#putPage} then {@link TmemClient#getPage} (non-exclusive) on
 *       a persistent pool of the default {@code OffHeapPageStore}.
 *   <li>{@link #memcpy}, the baseline: {@link MemorySegment#copy} of the same page into a
 *       preallocated off-heap slab at {@code slot * 4096}, and of the slab at the other slot back
 *       into the buffer. No lookup, no locking, no allocation: what the copies alone cost.
 * </ul>
 *
 * <p><b>Keys.</b> Slot {@code s} of the working set is the handle (pool, object {@code s / 256},
 * index {@code s % 256}): objects of 256 pages, like the clusters of a swap area under frontswap.
 * The {@link ObjectId}s are created once in setup, as a frontend that caches them would.
 *
 * <p><b>Why persistent.</b> The pool is persistent and the budget holds the whole working set plus
 * headroom, so nothing is evicted and every get hits: the benchmark measures the put and get paths,
 * not eviction or misses. Teardown fails the run if any put failed, any get missed or anything was
 * evicted. The working set is pre-filled in setup (every slot stored once), which also touches all
 * slab memory of both subjects before measurement.
 *
 * <p><b>Pages.</b> Each thread generates {@value #DISTINCT_PAGES} distinct pages of random bytes
 * once, from a generator seeded with its thread index, and rotates through them.
 *
 * <p><b>Running.</b> {@code ./tmem bench core} runs it through {@link CoreBench}. Directly, with
 * JMH's own options: {@code java -cp <tmem-bench jar and its dependencies> org.openjdk.jmh.Main
 * CorePutGetBenchmark -p workingSet=1GiB -t 2}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgs = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
        "-Xmx2g", "-XX:MaxDirectMemorySize=3g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(1)
public class CorePutGetBenchmark {

    public static final int PAGE_SIZE = 4096;
    public static final int PAGES_PER_OBJECT = 256;
    static final int DISTINCT_PAGES = 8;
    static final long SEED = 0x7E3E_3A11_5EEDL;

    /** What both subjects share: the working set's size in pages. */
    @State(Scope.Benchmark)
    public abstract static class WorkingSet {

        /** Working-set size, a binary size such as {@code 64MiB} or {@code 1GiB}. */
        @Param({"64MiB", "1GiB"})
        public String workingSet;

        int pages;

        void sizeWorkingSet() {
            long bytes = Sizes.parseBytes(workingSet);
            if (bytes % PAGE_SIZE != 0 || bytes / PAGE_SIZE > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("workingSet must be a multiple of the page size, was " + workingSet);
            }
            pages = (int) (bytes / PAGE_SIZE);
        }

        /** Pages to pre-fill with: distinct random pages from a fixed seed, rotated. */
        static MemorySegment fillPages(Arena arena) {
            return ThreadPages.randomPages(arena, new SplittableRandom(SEED));
        }
    }

    /** A tmem engine with one client and one persistent pool holding the working set. */
    @State(Scope.Benchmark)
    public static class Tmem extends WorkingSet {

        TmemEngine engine;
        TmemClient client;
        PoolId pool;
        ObjectId[] objects;

        @Setup(Level.Trial)
        public void setUp() {
            sizeWorkingSet();
            engine = TmemEngine.builder().budgetBytes(budgetFor(pages)).build();
            client = engine.client("bench");
            pool = client.newPool(PoolSpec.persistent(PAGE_SIZE));
            objects = new ObjectId[(pages + PAGES_PER_OBJECT - 1) / PAGES_PER_OBJECT];
            for (int i = 0; i < objects.length; i++) {
                objects[i] = ObjectId.of(i);
            }
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment fill = fillPages(arena);
                for (int slot = 0; slot < pages; slot++) {
                    if (!client.putPage(pool, objects[slot / PAGES_PER_OBJECT], slot % PAGES_PER_OBJECT,
                            ThreadPages.page(fill, slot))) {
                        throw new IllegalStateException("pre-fill put failed at slot " + slot + ": " + engine.stats());
                    }
                }
            }
        }

        /**
         * The working set at {@code pageSize + PAGE_OVERHEAD_BYTES} a page, plus 1/16 and 4 MiB of
         * headroom for the new pages of puts in flight before they replace the old ones.
         */
        static long budgetFor(long pages) {
            long perPage = PAGE_SIZE + TmemEngine.PAGE_OVERHEAD_BYTES;
            return (pages + pages / 16) * perPage + (4L << 20);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            TmemStats stats = engine.stats();
            try {
                if (stats.failedPuts() != 0 || stats.failedGets() != 0 || stats.evictions() != 0
                        || stats.pages() != pages) {
                    throw new IllegalStateException("invalid run: every put must succeed and every get hit; " + stats);
                }
            } finally {
                engine.close();
            }
        }
    }

    /** The baseline's preallocated slab, one page-sized, page-aligned slot per working-set page. */
    @State(Scope.Benchmark)
    public static class Memcpy extends WorkingSet {

        Arena arena;
        MemorySegment slab;

        @Setup(Level.Trial)
        public void setUp() {
            sizeWorkingSet();
            arena = Arena.ofShared();
            slab = arena.allocate((long) pages * PAGE_SIZE, PAGE_SIZE);
            try (Arena fillArena = Arena.ofConfined()) {
                MemorySegment fill = fillPages(fillArena);
                for (int slot = 0; slot < pages; slot++) {
                    MemorySegment.copy(ThreadPages.page(fill, slot), 0, slab, (long) slot * PAGE_SIZE, PAGE_SIZE);
                }
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            arena.close();
        }
    }

    /** One thread's pages to put, its buffer to get into, and its random slots. */
    @State(Scope.Thread)
    public static class ThreadPages {

        Arena arena;
        MemorySegment[] pages;
        MemorySegment dst;
        long rng;
        int next;

        @Setup(Level.Trial)
        public void setUp(ThreadParams thread) {
            arena = Arena.ofShared();
            SplittableRandom random = new SplittableRandom(SEED + 1 + thread.getThreadIndex());
            MemorySegment all = randomPages(arena, random);
            pages = new MemorySegment[DISTINCT_PAGES];
            for (int i = 0; i < DISTINCT_PAGES; i++) {
                pages[i] = page(all, i);
            }
            dst = arena.allocate(PAGE_SIZE, PAGE_SIZE);
            rng = random.nextLong() | 1;
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            arena.close();
        }

        static MemorySegment randomPages(Arena arena, SplittableRandom random) {
            byte[] bytes = new byte[DISTINCT_PAGES * PAGE_SIZE];
            random.nextBytes(bytes);
            MemorySegment pages = arena.allocate(bytes.length, PAGE_SIZE);
            MemorySegment.copy(MemorySegment.ofArray(bytes), 0, pages, 0, bytes.length);
            return pages;
        }

        /** Page {@code n} of a segment of {@link #DISTINCT_PAGES} pages, rotating. */
        static MemorySegment page(MemorySegment pages, int n) {
            return pages.asSlice((long) (n % DISTINCT_PAGES) * PAGE_SIZE, PAGE_SIZE);
        }

        MemorySegment nextPage() {
            return pages[next++ & (DISTINCT_PAGES - 1)];
        }

        /** A uniform slot in {@code [0, pages)}: xorshift64, then a multiply-shift to the range. */
        int nextSlot(int bound) {
            long x = rng;
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            rng = x;
            return (int) (((x >>> 32) * bound) >>> 32);
        }
    }

    /** One op: put a page at a random slot, get a random slot. Returns whether both hit. */
    @Benchmark
    public boolean tmem(Tmem set, ThreadPages thread) {
        int putSlot = thread.nextSlot(set.pages);
        int getSlot = thread.nextSlot(set.pages);
        boolean stored = set.client.putPage(
                set.pool, set.objects[putSlot / PAGES_PER_OBJECT], putSlot % PAGES_PER_OBJECT, thread.nextPage());
        boolean hit = set.client.getPage(
                set.pool, set.objects[getSlot / PAGES_PER_OBJECT], getSlot % PAGES_PER_OBJECT, thread.dst);
        return stored & hit;
    }

    /** One op of the baseline: the same two page copies into and out of a flat slab. */
    @Benchmark
    public MemorySegment memcpy(Memcpy set, ThreadPages thread) {
        int putSlot = thread.nextSlot(set.pages);
        int getSlot = thread.nextSlot(set.pages);
        MemorySegment.copy(thread.nextPage(), 0, set.slab, (long) putSlot * PAGE_SIZE, PAGE_SIZE);
        MemorySegment.copy(set.slab, (long) getSlot * PAGE_SIZE, thread.dst, 0, PAGE_SIZE);
        return thread.dst;
    }
}
