package dev.tmem.bench.peers;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;

/**
 * The timed loop of {@code tmem bench peers}: threads issue ops of a {@link Mix} at keys drawn
 * uniformly from {@code 0 .. keys - 1} for a fixed time, and each op's latency goes into a
 * per-thread {@link Histogram}.
 *
 * <p><b>What is timed.</b> An op is timed from just before the store call to just after it, with
 * {@link System#nanoTime()}; drawing the key, the mix and the source page happens between ops and
 * is not in the latency (it is in the throughput, equally for every subject). Throughput is all
 * threads' ops over the longest thread's time.
 *
 * <p><b>Threads.</b> The same pool threads run every phase. Each has, per phase, its own seeded
 * generator, destination page and histogram;
 * nothing is shared between threads but the store and the read-only source pages. Threads may hit
 * the same keys.
 */
public final class PeerWorkload {

    /** Latencies above this are recorded as this (a stall of a minute is off the chart anyway). */
    static final long HIGHEST_NANOS = TimeUnit.MINUTES.toNanos(1);

    /**
     * @param warmupMillis one unmeasured phase of this length first (0: none)
     * @param iterations measured phases
     * @param iterationMillis length of each measured phase
     */
    public record Plan(long warmupMillis, int iterations, long iterationMillis) {

        public Plan {
            if (warmupMillis < 0 || iterations < 1 || iterationMillis < 1) {
                throw new IllegalArgumentException("bad plan: " + warmupMillis + " ms warm-up, " + iterations
                        + " iterations of " + iterationMillis + " ms");
            }
        }

        public long totalMillis() {
            return warmupMillis + iterations * iterationMillis;
        }
    }

    /**
     * @param opsPerS each measured iteration's ops/s
     * @param latency the latencies of all measured ops, in nanoseconds
     */
    public record Result(double[] opsPerS, Histogram latency, long gets, long hits, long puts, long failedPuts,
            long allocatedBytes) {

        /** Java heap bytes the measured ops allocated, per op (garbage a store makes; -1 if unknown). */
        public double allocatedBytesPerOp() {
            long ops = gets + puts;
            return allocatedBytes < 0 || ops == 0 ? -1 : (double) allocatedBytes / ops;
        }

        public double meanOpsPerS() {
            double sum = 0;
            for (double x : opsPerS) {
                sum += x;
            }
            return sum / opsPerS.length;
        }

        public double minOpsPerS() {
            double min = Double.POSITIVE_INFINITY;
            for (double x : opsPerS) {
                min = Math.min(min, x);
            }
            return min;
        }

        public double maxOpsPerS() {
            double max = 0;
            for (double x : opsPerS) {
                max = Math.max(max, x);
            }
            return max;
        }

        /** Microseconds at the given percentile of all measured ops. */
        public double percentileMicros(double percentile) {
            return latency.getValueAtPercentile(percentile) / 1000.0;
        }

        /** Hits over gets (1.0 with no gets). */
        public double hitRatio() {
            return gets == 0 ? 1.0 : (double) hits / gets;
        }
    }

    private PeerWorkload() {}

    /**
     * Puts every key once, key {@code k} getting {@code sources[k % sources.length]}, so that every
     * get of the runs can hit; returns the puts the store refused.
     */
    public static long fill(PeerStore store, Page[] sources, long keys) {
        long refused = 0;
        for (long k = 0; k < keys; k++) {
            if (!store.put(k, sources[(int) (k % sources.length)])) {
                refused++;
            }
        }
        return refused;
    }

    /**
     * Runs the plan on {@code threads} threads of {@code pool} (which has at least that many; see
     * {@link #workers}); {@code onIteration} is called after the warm-up and after each iteration.
     */
    public static Result run(PeerStore store, Page[] sources, long keys, Mix mix, int threads, Plan plan, long seed,
            ExecutorService pool, Runnable onIteration) throws InterruptedException {
        if (plan.warmupMillis() > 0) {
            phase(store, sources, keys, mix, threads, plan.warmupMillis(), seed, pool);
            onIteration.run();
        }
        double[] opsPerS = new double[plan.iterations()];
        Histogram latency = new Histogram(HIGHEST_NANOS, 3);
        long gets = 0, hits = 0, puts = 0, failedPuts = 0, allocated = 0;
        for (int i = 0; i < plan.iterations(); i++) {
            List<Worker> workers = phase(store, sources, keys, mix, threads, plan.iterationMillis(),
                    seed + 7919L * (i + 1), pool);
            long ops = 0, longest = 1;
            for (Worker w : workers) {
                ops += w.ops;
                longest = Math.max(longest, w.elapsedNanos);
                latency.add(w.latency);
                gets += w.gets;
                hits += w.hits;
                puts += w.puts;
                failedPuts += w.failedPuts;
                allocated = allocated < 0 || w.allocatedBytes < 0 ? -1 : allocated + w.allocatedBytes;
            }
            opsPerS[i] = ops * 1e9 / longest;
            onIteration.run();
        }
        return new Result(opsPerS, latency, gets, hits, puts, failedPuts, allocated);
    }

    private static List<Worker> phase(PeerStore store, Page[] sources, long keys, Mix mix, int threads, long millis,
            long seed, ExecutorService pool) throws InterruptedException {
        CountDownLatch go = new CountDownLatch(1);
        List<Worker> workers = new ArrayList<>(threads);
        List<Future<?>> running = new ArrayList<>(threads);
        for (int t = 0; t < threads; t++) {
            Worker w = new Worker(store, sources, keys, mix, TimeUnit.MILLISECONDS.toNanos(millis),
                    new SplittableRandom(seed * 31 + t), go);
            workers.add(w);
            running.add(pool.submit(w));
        }
        go.countDown();
        for (Future<?> f : running) {
            try {
                f.get();
            } catch (ExecutionException e) {
                throw new IllegalStateException("a worker failed: " + e.getCause(), e.getCause());
            }
        }
        for (Worker w : workers) {
            if (w.failure != null) {
                throw new IllegalStateException("a worker failed: " + w.failure, w.failure);
            }
        }
        return workers;
    }

    /**
     * The worker threads of a run: {@code threads} platform threads that live through every phase of
     * every case, as a server's pool would (a thread per phase would also give a malloc-based store
     * a fresh allocator arena per phase, which inflates its resident memory).
     */
    public static ExecutorService workers(int threads) {
        AtomicInteger n = new AtomicInteger();
        return Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "peers-worker-" + n.getAndIncrement());
            t.setDaemon(true);
            return t;
        });
    }

    /** One thread's loop; its fields are read by the submitting thread after {@link Future#get()}. */
    private static final class Worker implements Runnable {

        private final PeerStore store;
        private final Page[] sources;
        private final long keys;
        private final int setPercent;
        private final long durationNanos;
        private final SplittableRandom random;
        private final CountDownLatch go;
        private final Page dst = new Page(java.lang.foreign.Arena.ofAuto().allocate(Page.SIZE, 64), new byte[Page.SIZE]);
        final Histogram latency = new Histogram(HIGHEST_NANOS, 3);
        long ops, gets, hits, puts, failedPuts, elapsedNanos, allocatedBytes;
        Throwable failure;

        Worker(PeerStore store, Page[] sources, long keys, Mix mix, long durationNanos, SplittableRandom random,
                CountDownLatch go) {
            this.store = store;
            this.sources = sources;
            this.keys = keys;
            this.setPercent = mix.setPercent();
            this.durationNanos = durationNanos;
            this.random = random;
            this.go = go;
        }

        @Override
        public void run() {
            try {
                go.await();
                loop();
            } catch (Throwable e) {
                failure = e;
            }
        }

        private void loop() {
            long allocatedBefore = allocatedBytes();
            long start = System.nanoTime();
            long deadline = start + durationNanos;
            long now = start;
            while (now < deadline) {
                long key = random.nextLong(keys);
                boolean set = random.nextInt(100) < setPercent;
                Page src = set ? sources[random.nextInt(sources.length)] : null;
                long t0 = System.nanoTime();
                if (set) {
                    puts++;
                    if (!store.put(key, src)) {
                        failedPuts++;
                    }
                } else {
                    gets++;
                    if (store.get(key, dst)) {
                        hits++;
                    }
                }
                now = System.nanoTime();
                latency.recordValue(Math.min(now - t0, HIGHEST_NANOS));
                ops++;
            }
            elapsedNanos = now - start;
            long allocatedAfter = allocatedBytes();
            allocatedBytes = allocatedBefore < 0 ? -1 : allocatedAfter - allocatedBefore;
        }

        /** This thread's heap allocation so far, or -1 where the JVM does not count it. */
        private static long allocatedBytes() {
            if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads
                    && threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled()) {
                return threads.getCurrentThreadAllocatedBytes();
            }
            return -1;
        }
    }
}
