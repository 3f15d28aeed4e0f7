package dev.tmem.bench.peers;

import dev.tmem.bench.BenchJson;
import dev.tmem.bench.BenchRow;
import dev.tmem.bench.corpus.Corpus;
import dev.tmem.bench.corpus.PageCorpus;
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
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;

/**
 * The child JVM of {@code tmem bench peers}: one subject, one working set, one kind of data. It
 * builds the source pages, opens the store, fills the working set, runs every mix with every thread
 * count, measures memory per page at the end, and writes its rows as JSON to {@code --out}.
 *
 * <p><b>Protocol.</b> Lines on standard output that start with {@value #TAG} tell the parent how
 * far it is ({@code case}, {@code iteration}, {@code done}); anything else (a library's log) is
 * kept by the parent and shown only if the child fails. Exit status 0 means the rows were written.
 *
 * <p><b>Memory per page.</b> {@code bytes_per_page} is the growth of the process's resident set
 * from just before the store was opened (source pages built and touched, collections run) to the
 * end of the runs (collections run again), over the pages the store holds at the end: what each
 * further page costs this process, whatever the store keeps on or off the heap.
 * {@code rss_bytes_per_page} is the whole resident set over the pages (JVM and sources included),
 * and {@code off_heap_bytes_per_page} what the store itself reports holding off the heap.
 */
public final class PeerChild {

    public static final String TAG = "@peers ";
    /** Distinct random pages a random-data run rotates through. */
    static final int RANDOM_PAGES = 64;
    static final long SEED = 0x7E3E_9EE5L;

    /**
     * @param subject the store
     * @param workingSetBytes page data of the working set; keys = this / 4096
     * @param data {@code random} or {@code corpus}
     * @param corpusDir the built corpus, for {@code corpus}
     * @param mixes the mixes, in order
     * @param threads the thread counts, in order
     * @param plan each case's warm-up and iterations
     * @param mode {@code quick}, {@code thorough} or another name, written in the rows
     * @param out where the rows go
     */
    public record Args(Subject subject, long workingSetBytes, String data, Path corpusDir, List<Mix> mixes,
            List<Integer> threads, PeerWorkload.Plan plan, String mode, Path out) {

        public List<String> toArgs() {
            List<String> args = new ArrayList<>();
            args.addAll(List.of("--subject", subject.label(), "--working-set", Long.toString(workingSetBytes),
                    "--data", data, "--corpus", String.valueOf(corpusDir)));
            args.addAll(List.of("--mixes", String.join(",", mixes.stream().map(Mix::label).toList())));
            args.addAll(List.of("--threads", String.join(",", threads.stream().map(String::valueOf).toList())));
            args.addAll(List.of("--warmup-ms", Long.toString(plan.warmupMillis()),
                    "--iterations", Integer.toString(plan.iterations()),
                    "--iteration-ms", Long.toString(plan.iterationMillis()), "--mode", mode, "--out", out.toString()));
            return args;
        }

        static Args parse(String[] argv) {
            Map<String, String> m = new LinkedHashMap<>();
            for (int i = 0; i + 1 < argv.length; i += 2) {
                if (!argv[i].startsWith("--")) {
                    throw new IllegalArgumentException("expected an option, got " + argv[i]);
                }
                m.put(argv[i].substring(2), argv[i + 1]);
            }
            if (argv.length % 2 != 0) {
                throw new IllegalArgumentException("option " + argv[argv.length - 1] + " has no value");
            }
            return new Args(Subject.of(need(m, "subject")), Long.parseLong(need(m, "working-set")), need(m, "data"),
                    Path.of(need(m, "corpus")),
                    Arrays.stream(need(m, "mixes").split(",")).map(Mix::parse).toList(),
                    Arrays.stream(need(m, "threads").split(",")).map(Integer::valueOf).toList(),
                    new PeerWorkload.Plan(Long.parseLong(need(m, "warmup-ms")), Integer.parseInt(need(m, "iterations")),
                            Long.parseLong(need(m, "iteration-ms"))),
                    need(m, "mode"), Path.of(need(m, "out")));
        }

        private static String need(Map<String, String> m, String key) {
            String v = m.get(key);
            if (v == null) {
                throw new IllegalArgumentException("missing --" + key);
            }
            return v;
        }
    }

    private PeerChild() {}

    public static void main(String[] argv) throws Exception {
        Args args = Args.parse(argv);
        BenchJson.write(run(args, System.out), args.out());
        System.out.println(TAG + "exit");
        System.out.flush();
        // Some libraries leave non-daemon threads behind (Caffeine's maintenance pool is daemon,
        // Ehcache's and Chronicle's may not be): the rows are written, so leave now.
        System.exit(0);
    }

    /** One case's result: its mix, thread count and figures. */
    private record Done(Mix mix, int threads, PeerWorkload.Result result) {}

    /**
     * What the store held at the end and what the process grew by.
     *
     * @param fillRefused puts of the first fill the store refused
     */
    private record Memory(long pages, long offHeapBytes, long rssBefore, long rssAfter, long heapBefore,
            long heapAfter, long fillRefused, double fillPagesPerS, String config) {}

    /** Runs the child's cases in this JVM, printing the protocol lines to {@code out}; returns the rows. */
    public static List<BenchRow> run(Args args, PrintStream out) throws Exception {
        long keys = args.workingSetBytes() / Page.SIZE;
        if (keys < 1) {
            throw new IllegalArgumentException("working set below one page: " + args.workingSetBytes());
        }
        try (Arena arena = Arena.ofShared()) {
            Page[] sources = sources(args.data(), args.corpusDir(), arena);
            long heapBefore = ProcStatus.heapUsedAfterGc();
            long rssBefore = ProcStatus.rssBytes();
            int maxThreads = args.threads().stream().mapToInt(Integer::intValue).max().orElse(1);
            List<Done> done = new ArrayList<>();
            Memory memory;
            try (ExecutorService pool = PeerWorkload.workers(maxThreads);
                    PeerStore store = args.subject().open(budgetFor(args.workingSetBytes()), keys)) {
                long fillStart = System.nanoTime();
                long refused = PeerWorkload.fill(store, sources, keys);
                double fillPagesPerS = keys * 1e9 / (System.nanoTime() - fillStart);
                for (Mix mix : args.mixes()) {
                    for (int threads : args.threads()) {
                        done.add(new Done(mix, threads, runCase(args, store, sources, keys, mix, threads, pool, out)));
                    }
                }
                long pages = store.pages();
                long offHeap = store.offHeapBytes();
                long heapAfter = ProcStatus.heapUsedAfterGc();
                memory = new Memory(pages, offHeap, rssBefore, ProcStatus.rssBytes(), heapBefore, heapAfter, refused,
                        fillPagesPerS, store.describe());
            }
            List<BenchRow> rows = new ArrayList<>();
            for (Done d : done) {
                rows.add(row(args, keys, d, memory));
            }
            return rows;
        }
    }

    private static PeerWorkload.Result runCase(Args args, PeerStore store, Page[] sources, long keys, Mix mix,
            int threads, ExecutorService pool, PrintStream out) throws InterruptedException {
        out.println(TAG + "case " + mix.label() + " " + threads);
        out.flush();
        PeerWorkload.Result r = PeerWorkload.run(store, sources, keys, mix, threads, args.plan(), SEED + threads, pool,
                () -> {
                    out.println(TAG + "iteration");
                    out.flush();
                });
        out.printf(Locale.ROOT, "%sdone %.1f %.2f%n", TAG, r.meanOpsPerS(), r.percentileMicros(99));
        out.flush();
        return r;
    }

    private static BenchRow row(Args args, long keys, Done d, Memory m) {
        PeerWorkload.Result r = d.result();
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("data", args.data());
        extra.put("working_set", sizeLabel(args.workingSetBytes()));
        extra.put("mix", d.mix().label());
        extra.put("p50_us", r.percentileMicros(50));
        extra.put("p99_us", r.percentileMicros(99));
        extra.put("p999_us", r.percentileMicros(99.9));
        boolean rssKnown = m.rssBefore() >= 0 && m.rssAfter() >= 0;
        extra.put("bytes_per_page", rssKnown ? perPage(m.rssAfter() - m.rssBefore(), m.pages()) : Double.NaN);
        extra.put("rss_bytes_per_page", rssKnown ? perPage(m.rssAfter(), m.pages()) : Double.NaN);
        extra.put("off_heap_bytes_per_page", perPage(m.offHeapBytes(), m.pages()));
        extra.put("heap_growth_bytes_per_page", perPage(m.heapAfter() - m.heapBefore(), m.pages()));
        extra.put("pages_held", m.pages());
        extra.put("keys", keys);
        extra.put("hit_ratio", r.hitRatio());
        extra.put("alloc_bytes_per_op", r.allocatedBytesPerOp());
        extra.put("failed_puts", r.failedPuts());
        extra.put("fill_refused", m.fillRefused());
        extra.put("fill_pages_per_s", m.fillPagesPerS());
        extra.put("ops_per_s_min", r.minOpsPerS());
        extra.put("ops_per_s_max", r.maxOpsPerS());
        extra.put("iterations", args.plan().iterations());
        extra.put("iteration_ms", args.plan().iterationMillis());
        extra.put("budget_bytes", budgetFor(args.workingSetBytes()));
        extra.put("mode", args.mode());
        extra.put("config", m.config());
        return new BenchRow("peers", args.subject().label(), workload(args.data(), args.workingSetBytes(), d.mix()),
                d.threads(), r.meanOpsPerS(), extra);
    }

    /**
     * The budget every subject gets: the working set's page data and a quarter more, at least
     * {@value #MIN_HEADROOM_BYTES} bytes more (stores allocate in slabs and chunks of up to a few
     * hundred KiB, which a tiny working set's quarter would not cover).
     */
    public static long budgetFor(long workingSetBytes) {
        return workingSetBytes + Math.max(workingSetBytes / 4, MIN_HEADROOM_BYTES);
    }

    static final long MIN_HEADROOM_BYTES = 4L << 20;

    /** {@code corpus-256MiB-set10-get90} */
    public static String workload(String data, long workingSetBytes, Mix mix) {
        return data + "-" + sizeLabel(workingSetBytes) + "-" + mix.label();
    }

    /** {@code 256MiB}, {@code 2GiB}, {@code 512KiB}: the largest binary unit that divides exactly. */
    public static String sizeLabel(long bytes) {
        if (bytes >= 1L << 30 && bytes % (1L << 30) == 0) {
            return (bytes >> 30) + "GiB";
        }
        if (bytes >= 1L << 20 && bytes % (1L << 20) == 0) {
            return (bytes >> 20) + "MiB";
        }
        if (bytes >= 1L << 10 && bytes % (1L << 10) == 0) {
            return (bytes >> 10) + "KiB";
        }
        return bytes + "B";
    }

    /** Bytes over pages; a growth may be negative when a collection gave back more than the store took. */
    private static double perPage(long bytes, long pages) {
        return pages <= 0 ? Double.NaN : (double) bytes / pages;
    }

    /**
     * The pages puts take their bytes from: {@value #RANDOM_PAGES} pages of seeded random bytes, or
     * every page of the corpus (copied out of its mapping, which is then closed).
     */
    static Page[] sources(String data, Path corpusDir, Arena arena) throws java.io.IOException {
        return switch (data) {
            case "random" -> {
                SplittableRandom random = new SplittableRandom(SEED);
                Page[] pages = new Page[RANDOM_PAGES];
                byte[] bytes = new byte[Page.SIZE];
                for (int i = 0; i < pages.length; i++) {
                    random.nextBytes(bytes);
                    pages[i] = Page.copyOf(MemorySegment.ofArray(bytes), arena);
                }
                yield pages;
            }
            case "corpus" -> {
                try (Corpus corpus = PageCorpus.load(corpusDir)) {
                    Page[] pages = new Page[corpus.size()];
                    for (int i = 0; i < pages.length; i++) {
                        pages[i] = Page.copyOf(corpus.page(i), arena);
                    }
                    yield pages;
                }
            }
            default -> throw new IllegalArgumentException("unknown data " + data + "; data: random, corpus");
        };
    }
}
