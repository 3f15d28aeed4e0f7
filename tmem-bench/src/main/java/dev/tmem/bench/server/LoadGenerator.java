package dev.tmem.bench.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.HdrHistogram.Histogram;

/**
 * Drives one server with the same machinery whatever its protocol: one connection per thread, each
 * keeping {@code depth} requests in flight (send until the window is full, then read one answer and
 * send one more), keys drawn uniformly from the working set, 4 KiB values. Latency is from a
 * request's send to its answer's read, recorded in an HdrHistogram per thread.
 */
final class LoadGenerator {

    /** Opens one connection of the server under test. */
    @FunctionalInterface
    interface Connector {
        Wire connect() throws IOException;
    }

    /** What one timed run measured. */
    record Result(long ops, long hits, long gets, double seconds, Histogram latencyNanos) {
        double opsPerSecond() {
            return ops / seconds;
        }
    }

    private final Connector connector;
    private final int threads;
    private final int depth;
    private final long keys;
    private final byte[][] values;

    LoadGenerator(Connector connector, int threads, int depth, long keys, byte[][] values) {
        this.connector = connector;
        this.threads = threads;
        this.depth = depth;
        this.keys = keys;
        this.values = values;
    }

    /** Sets every key once (pipelined), so that gets can hit. */
    void prefill() throws Exception {
        runAll(t -> {
            try (Wire w = connector.connect()) {
                long inFlight = 0;
                for (long k = t; k < keys; k += threads) {
                    w.sendSet(k, values[(int) (k % values.length)]);
                    if (++inFlight == depth) {
                        w.flush();
                        w.readAnswer();
                        inFlight--;
                    }
                }
                w.flush();
                while (inFlight-- > 0) {
                    w.readAnswer();
                }
            }
            return null;
        });
    }

    /** Runs the mix ({@code setPercent} sets, the rest gets) for {@code seconds} on every thread. */
    Result run(int setPercent, double seconds, long seed) throws Exception {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        List<Result> parts = runAll(t -> drive(setPercent, deadline, seed * 1_000_003 + t));
        Histogram all = new Histogram(3);
        long ops = 0, hits = 0, gets = 0;
        double longest = 0;
        for (Result r : parts) {
            all.add(r.latencyNanos());
            ops += r.ops();
            hits += r.hits();
            gets += r.gets();
            longest = Math.max(longest, r.seconds());
        }
        return new Result(ops, hits, gets, longest, all);
    }

    private Result drive(int setPercent, long deadline, long seed) throws IOException {
        SplittableRandom rnd = new SplittableRandom(seed);
        Histogram h = new Histogram(3);
        long[] sentAt = new long[depth];
        boolean[] isGet = new boolean[depth];
        int head = 0, inFlight = 0;
        long ops = 0, hits = 0, gets = 0;
        long start = System.nanoTime();
        try (Wire w = connector.connect()) {
            while (true) {
                if (System.nanoTime() < deadline) { // fill the window; after the deadline, drain it
                    while (inFlight < depth) {
                        long key = rnd.nextLong(keys);
                        int slot = (head + inFlight) % depth;
                        isGet[slot] = rnd.nextInt(100) >= setPercent;
                        if (isGet[slot]) {
                            w.sendGet(key);
                        } else {
                            w.sendSet(key, values[(int) (key % values.length)]);
                        }
                        sentAt[slot] = System.nanoTime();
                        inFlight++;
                    }
                }
                if (inFlight == 0) {
                    break;
                }
                w.flush();
                boolean hit = w.readAnswer();
                long now = System.nanoTime();
                h.recordValue(Math.max(1, now - sentAt[head]));
                if (isGet[head]) {
                    gets++;
                    hits += hit ? 1 : 0;
                }
                ops++;
                head = (head + 1) % depth;
                inFlight--;
            }
        }
        return new Result(ops, hits, gets, (System.nanoTime() - start) / 1e9, h);
    }

    private <T> List<T> runAll(ThreadBody<T> body) throws Exception {
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<T>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                futures.add(pool.submit((Callable<T>) () -> body.run(id)));
            }
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) {
                out.add(f.get());
            }
            return out;
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw new UncheckedIOException(io);
            }
            throw e;
        }
    }

    @FunctionalInterface
    private interface ThreadBody<T> {
        T run(int thread) throws Exception;
    }
}
