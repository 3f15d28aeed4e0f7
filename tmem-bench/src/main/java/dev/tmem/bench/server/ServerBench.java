package dev.tmem.bench.server;

import dev.tmem.bench.BenchJson;
import dev.tmem.bench.BenchRow;
import dev.tmem.bench.corpus.Corpus;
import dev.tmem.bench.corpus.PageCorpus;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * {@code tmem bench server}: {@code tmem server} and memcached, each in a process of its own on
 * 127.0.0.1 with the same memory (tmem twice: as it runs by default, zcache with lz4, and as
 * {@code tmem-raw} with {@code --store raw}), driven by the same {@link LoadGenerator} with the same 4 KiB
 * values (real pages from the corpus when it is built, else random bytes): workloads
 * {@code set10-get90} and {@code set50-get50} over a working set that fits the memory, after every
 * key was set once. Reports ops/s and p50/p99/p99.9 latency per server, side by side.
 */
public final class ServerBench {

    /** The mixes: name and percent of sets. */
    static final Map<String, Integer> WORKLOADS = Map.of("set10-get90", 10, "set50-get50", 50);

    /**
     * @param label {@code quick} or {@code full}, for the output
     * @param warmupSeconds per case, not measured
     * @param measureSeconds per case
     * @param threads connections (one per thread)
     * @param depth requests in flight per connection
     * @param memoryBytes each server's memory
     * @param workingSetBytes distinct keys x 4 KiB
     * @param corpusDir where the page corpus is (used if built there)
     * @param jsonOut where the rows go
     * @param withMemcached whether to look for memcached at all
     */
    public record Options(String label, double warmupSeconds, double measureSeconds, int threads, int depth,
            long memoryBytes, long workingSetBytes, Path corpusDir, Path jsonOut, boolean withMemcached) {

        /** {@code --quick}: about a minute in all; else the thorough run. */
        public static Options of(boolean quick, int threads, int depth, long memoryBytes, long workingSetBytes,
                Path corpusDir, Path jsonOut, boolean withMemcached) {
            return new Options(quick ? "quick" : "full", quick ? 2 : 5, quick ? 5 : 20, threads, depth, memoryBytes,
                    workingSetBytes, corpusDir, jsonOut, withMemcached);
        }
    }

    private ServerBench() {}

    public static List<BenchRow> run(Options o, PrintStream out) throws Exception {
        BenchJson.checkWritable(o.jsonOut());
        double warmup = o.warmupSeconds();
        double measure = o.measureSeconds();
        long keys = o.workingSetBytes() / 4096;
        ValueSet values = values(o.corpusDir());
        out.printf(Locale.ROOT, "tmem bench server (%s): %d threads x depth %d, %,d keys of 4 KiB (%s), memory %d MiB;"
                + " %.1f s warm-up + %.1f s per case%n", o.label(), o.threads(), o.depth(), keys,
                values.kind(), o.memoryBytes() >> 20, warmup, measure);
        List<BenchRow> rows = new ArrayList<>();
        // tmem as it runs by default (zcache, lz4), and with --store raw: what compression costs
        for (var subject : List.of(Map.entry("tmem", List.<String>of()), Map.entry("tmem-raw", List.of("--store", "raw")))) {
            try (ServerProcess tmem = ServerProcess.tmem(o.memoryBytes(), subject.getValue())) {
                int pool = TmemWire.newPool(tmem.address, "bench");
                LoadGenerator gen = new LoadGenerator(() -> TmemWire.connect(tmem.address, "bench", pool), o.threads(),
                        o.depth(), keys, values.pages());
                rows.addAll(measure(subject.getKey(), tmem, gen, o, warmup, measure, out));
            }
        }
        Optional<Path> memcached = o.withMemcached() ? ServerProcess.findMemcached() : Optional.empty();
        if (memcached.isEmpty()) {
            out.println(o.withMemcached()
                    ? "memcached not found: install Debian's package (sudo apt-get install memcached) to compare;"
                            + " tmem ran alone"
                    : "memcached left out (--no-memcached)");
        } else {
            try (ServerProcess mc = ServerProcess.memcached(memcached.get(), o.memoryBytes(), o.threads())) {
                LoadGenerator gen = new LoadGenerator(() -> new MemcachedWire(mc.address), o.threads(), o.depth(),
                        keys, values.pages());
                rows.addAll(measure("memcached", mc, gen, o, warmup, measure, out));
            }
        }
        printTable(rows, out);
        BenchJson.write(rows, o.jsonOut());
        out.printf("%nwrote %s (%d rows)%n", o.jsonOut(), rows.size());
        return rows;
    }

    private static List<BenchRow> measure(String subject, ServerProcess server, LoadGenerator gen, Options o,
            double warmup, double seconds, PrintStream out) throws Exception {
        out.printf("%s (%s on %s): prefill ...%n", subject, server.name, server.address);
        out.flush();
        gen.prefill();
        List<BenchRow> rows = new ArrayList<>();
        for (String workload : List.of("set10-get90", "set50-get50")) {
            int sets = WORKLOADS.get(workload);
            gen.run(sets, warmup, 1);
            LoadGenerator.Result r = gen.run(sets, seconds, 2);
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("p50_us", micros(r.latencyNanos().getValueAtPercentile(50)));
            extra.put("p99_us", micros(r.latencyNanos().getValueAtPercentile(99)));
            extra.put("p999_us", micros(r.latencyNanos().getValueAtPercentile(99.9)));
            extra.put("hit_ratio", r.gets() == 0 ? 0.0 : Math.round(1000.0 * r.hits() / r.gets()) / 1000.0);
            extra.put("depth", o.depth());
            extra.put("rss_bytes", server.residentBytes());
            extra.put("mode", o.label());
            BenchRow row = new BenchRow("server", subject, workload, o.threads(), r.opsPerSecond(), extra);
            rows.add(row);
            out.printf(Locale.ROOT, "  %-12s %,12.0f ops/s  p50 %7.1f us  p99 %7.1f us  p99.9 %7.1f us  hits %.3f%n",
                    workload, r.opsPerSecond(), extra.get("p50_us"), extra.get("p99_us"), extra.get("p999_us"),
                    extra.get("hit_ratio"));
            out.flush();
        }
        return rows;
    }

    private static void printTable(List<BenchRow> rows, PrintStream out) {
        out.printf("%n%-10s %-12s %14s %9s %9s %9s %12s%n", "subject", "workload", "ops/s", "p50 us", "p99 us",
                "p99.9 us", "tmem/memc");
        for (BenchRow r : rows) {
            String ratio = "";
            if (r.subject().startsWith("tmem")) {
                ratio = rows.stream().filter(m -> m.subject().equals("memcached") && m.workload().equals(r.workload()))
                        .findFirst().map(m -> String.format(Locale.ROOT, "%.2f", r.opsPerS() / m.opsPerS()))
                        .orElse("");
            }
            out.printf(Locale.ROOT, "%-10s %-12s %,14.0f %9.1f %9.1f %9.1f %12s%n", r.subject(), r.workload(),
                    r.opsPerS(), r.extra().get("p50_us"), r.extra().get("p99_us"), r.extra().get("p999_us"), ratio);
        }
    }

    private static double micros(long nanos) {
        return Math.round(nanos / 100.0) / 10.0;
    }

    /** The values sent: 256 pages of the corpus if it is built, else random. */
    record ValueSet(String kind, byte[][] pages) {}

    static ValueSet values(Path corpusDir) throws IOException {
        byte[][] pages = new byte[256][];
        if (corpusDir != null && Files.isRegularFile(corpusDir.resolve(PageCorpus.MANIFEST_FILE))) {
            try (Corpus c = PageCorpus.load(corpusDir)) {
                for (int i = 0; i < pages.length; i++) {
                    pages[i] = c.page((int) ((long) i * c.size() / pages.length)).toArray(ValueLayout.JAVA_BYTE);
                }
            }
            return new ValueSet("real pages of the corpus", pages);
        }
        SplittableRandom r = new SplittableRandom(42);
        for (int i = 0; i < pages.length; i++) {
            pages[i] = new byte[4096];
            r.nextBytes(pages[i]);
        }
        return new ValueSet("random bytes; build the corpus for real pages", pages);
    }
}
