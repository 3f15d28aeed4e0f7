package dev.tmem.bench;

import dev.tmem.bench.corpus.Corpus;
import dev.tmem.bench.corpus.PageCorpus;
import dev.tmem.core.spi.PageStore;
import dev.tmem.zcache.Codec;
import dev.tmem.zcache.Codecs;
import dev.tmem.zcache.ZcacheConfig;
import dev.tmem.zcache.ZcachePageStore;
import dev.tmem.zcache.ZcacheStats;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code tmem bench zcache}: each codec over the real-page corpus, alone ({@code codec-<name>}: the
 * limit) and inside the zcache store ({@code zcache-<name>}), side by side in one run. One op is one
 * 4 KiB page on one thread: for {@code put}, a compress, or a store that replaces the page in a
 * store already holding the corpus (free the old copy, store the new: a full cache's put); for
 * {@code get}, a decompress or a load. Each figure is the median of several passes over the whole
 * corpus after warm-up passes; codec and store passes alternate so that noise hits both alike.
 *
 * <p>{@code ratio} is the corpus's bytes over the bytes kept (the codec's output; zcache's
 * {@code bytes_stored}, where same-filled pages keep nothing and incompressible ones are kept raw);
 * {@code density} is zcache's {@code bytes_stored / bytes_used}.
 */
public final class ZcacheBench {

    /** The codecs measured, with the parameters they run with. */
    public static final List<String> CODECS = List.of("lz4", "zstd", "deflate", "none");

    /**
     * @param quick three passes after one warm-up (else seven after two)
     * @param corpus the corpus to build or reuse ({@link PageCorpus#build})
     * @param jsonOut where the rows go
     */
    public record Options(boolean quick, PageCorpus.Options corpus, Path jsonOut) {}

    private ZcacheBench() {}

    public static List<BenchRow> run(Options options, PrintStream out) throws IOException {
        BenchJson.checkWritable(options.jsonOut());
        int warmups = options.quick() ? 1 : 2;
        int passes = options.quick() ? 3 : 7;
        List<BenchRow> rows = new ArrayList<>();
        try (Corpus corpus = PageCorpus.build(options.corpus(), out)) {
            StringBuilder kinds = new StringBuilder();
            for (var k : corpus.composition().kinds()) {
                kinds.append(kinds.isEmpty() ? "" : ", ").append(k.pages()).append(' ').append(k.kind());
            }
            out.printf("tmem bench zcache (%s): %d corpus pages (%s), %d passes after %d warm-up%n",
                    options.quick() ? "quick" : "full", corpus.size(), kinds, passes, warmups);
            for (String name : CODECS) {
                out.printf("  %s ...%n", name);
                out.flush();
                rows.addAll(measure(name, corpus, warmups, passes));
            }
        }
        printTable(rows, out);
        BenchJson.write(rows, options.jsonOut());
        out.printf("%nwrote %s (%d rows)%n", options.jsonOut(), rows.size());
        return rows;
    }

    private static List<BenchRow> measure(String name, Corpus corpus, int warmups, int passes) {
        int n = corpus.size();
        int size = PageCorpus.PAGE_SIZE;
        Codec codec = Codecs.create(name);
        long corpusBytes = (long) n * size;
        try (Arena arena = Arena.ofConfined()) {
            int bound = codec.maxCompressedLength(size);
            MemorySegment packed = arena.allocate((long) n * bound, 64);
            int[] lengths = new int[n];
            long[] offsets = new long[n]; // packed densely, as a store keeps them: the reads touch as much memory
            MemorySegment page = arena.allocate(size, 64);

            double[] put = new double[passes], get = new double[passes];
            double[] zput = new double[passes], zget = new double[passes];
            long[] handles = new long[n];
            ZcacheConfig cfg = ZcacheConfig.builder().codec(name).maxPoolBytes(1L << 30).build();
            ZcacheStats stats;
            try (ZcachePageStore store = new ZcachePageStore(cfg)) {
                for (int i = 0; i < n; i++) { // the first fill: the store grows to hold the corpus
                    handles[i] = checked(store.store(corpus.page(i)), name);
                }
                // passes alternate codec and store, so that noise from the machine hits both alike
                for (int pass = -warmups; pass < passes; pass++) {
                    long t0 = System.nanoTime();
                    long at = 0;
                    for (int i = 0; i < n; i++) {
                        offsets[i] = at;
                        lengths[i] = codec.compress(corpus.page(i), packed.asSlice(at, bound));
                        at += lengths[i];
                    }
                    long t1 = System.nanoTime();
                    for (int i = 0; i < n; i++) { // a put in a full store replaces a page
                        store.free(handles[i]);
                        handles[i] = checked(store.store(corpus.page(i)), name);
                    }
                    long t2 = System.nanoTime();
                    for (int i = 0; i < n; i++) {
                        codec.decompress(packed.asSlice(offsets[i], lengths[i]), page);
                    }
                    long t3 = System.nanoTime();
                    for (int i = 0; i < n; i++) {
                        store.load(handles[i], page);
                    }
                    long t4 = System.nanoTime();
                    if (pass >= 0) {
                        put[pass] = n * 1e9 / (t1 - t0);
                        zput[pass] = n * 1e9 / (t2 - t1);
                        get[pass] = n * 1e9 / (t3 - t2);
                        zget[pass] = n * 1e9 / (t4 - t3);
                    }
                }
                stats = store.stats();
            }
            long packedBytes = Arrays.stream(lengths).asLongStream().sum();
            double codecRatio = (double) corpusBytes / packedBytes;
            double ratio = (double) corpusBytes / stats.bytesStored();
            Map<String, Object> codecExtra = new LinkedHashMap<>();
            codecExtra.put("ratio", round(codecRatio));
            Map<String, Object> zExtra = new LinkedHashMap<>();
            zExtra.put("ratio", round(ratio));
            zExtra.put("density", round(stats.density()));
            zExtra.put("bytes_stored", stats.bytesStored());
            zExtra.put("bytes_used", stats.bytesUsed());
            zExtra.put("same_filled_pages", stats.sameFilledPages());
            zExtra.put("raw_pages", stats.rawPages());
            return List.of(
                    new BenchRow("zcache", "codec-" + name, "put", 1, median(put), codecExtra),
                    new BenchRow("zcache", "codec-" + name, "get", 1, median(get), codecExtra),
                    new BenchRow("zcache", "zcache-" + name, "put", 1, median(zput), zExtra),
                    new BenchRow("zcache", "zcache-" + name, "get", 1, median(zget), zExtra));
        }
    }

    private static long checked(long handle, String codec) {
        if (handle == PageStore.NO_HANDLE) {
            throw new IllegalStateException("zcache-" + codec + " refused a corpus page");
        }
        return handle;
    }

    private static void printTable(List<BenchRow> rows, PrintStream out) {
        out.printf("%n%-16s %-8s %14s %12s %8s %8s%n", "subject", "workload", "pages/s", "vs codec", "ratio", "density");
        Map<String, Double> codecOps = new LinkedHashMap<>();
        for (BenchRow r : rows) {
            if (r.subject().startsWith("codec-")) {
                codecOps.put(r.subject().substring(6) + "/" + r.workload(), r.opsPerS());
            }
        }
        for (BenchRow r : rows) {
            String vs = "";
            if (r.subject().startsWith("zcache-")) {
                Double c = codecOps.get(r.subject().substring(7) + "/" + r.workload());
                vs = c == null ? "" : String.format(Locale.ROOT, "%.0f%%", 100 * r.opsPerS() / c);
            }
            Object density = r.extra().getOrDefault("density", "");
            out.printf(Locale.ROOT, "%-16s %-8s %,14.0f %12s %8.2f %8s%n", r.subject(), r.workload(), r.opsPerS(), vs,
                    ((Number) r.extra().get("ratio")).doubleValue(),
                    density instanceof Number d ? String.format(Locale.ROOT, "%.3f", d.doubleValue()) : "");
        }
    }

    private static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static double round(double x) {
        return Math.round(x * 1000) / 1000.0;
    }
}
