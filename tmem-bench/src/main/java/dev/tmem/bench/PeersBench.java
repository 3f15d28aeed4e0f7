package dev.tmem.bench;

import dev.tmem.bench.corpus.Corpus;
import dev.tmem.bench.corpus.PageCorpus;
import dev.tmem.bench.peers.Mix;
import dev.tmem.bench.peers.PeerChild;
import dev.tmem.bench.peers.PeerWorkload;
import dev.tmem.bench.peers.Subject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code tmem bench peers}: tmem beside the stores a JVM engineer would pick instead, the same
 * workload on each. Subjects: {@code tmem-raw} (the engine over its raw store), {@code
 * tmem-zcache-lz4}, {@code ohc}, {@code caffeine}, {@code ehcache} (its off-heap tier) and {@code
 * chronicle-map}, each given the same budget (the working set's page data and a quarter more) and
 * configured as its documentation recommends for 4 KiB values (see {@link dev.tmem.bench.peers}).
 *
 * <p><b>Workloads.</b> Keys drawn uniformly over a working set of 256 MiB or 2 GiB of page data
 * (65,536 or 524,288 pages of 4 KiB), each filled once before the runs so that gets can hit; mixes
 * {@code set10-get90} and {@code set50-get50}; 1 and 2 threads; the values either random bytes
 * ({@code random}) or the pages of the real-page corpus ({@code corpus}, which compress as real
 * memory does). A row's workload reads {@code corpus-256MiB-set10-get90}.
 *
 * <p><b>Figures.</b> ops/s (all threads; the mean of the measured iterations, with their min and
 * max), the p50/p99/p99.9 latency of one op (HdrHistogram over all measured ops), and memory per
 * page held at the end (see {@link PeerChild}).
 *
 * <p><b>Isolation.</b> Every subject, working set and data set runs in a child JVM of its own,
 * started with this JVM's {@code java} and class path and the subject's flags ({@link
 * Subject#jvmFlags}), one at a time, so that its resident set is its own and no subject warms up
 * another's code.
 *
 * <p><b>Lengths.</b> Quick: 256 MiB only (a 2 GiB fill per subject does not fit two minutes), 0.5 s
 * warm-up and 2 iterations of 0.5 s per case: about two minutes on 2 cores. Thorough (the
 * default): both working sets, 2 s warm-up and 5 iterations of 2 s: about 30 minutes.
 */
public final class PeersBench {

    public static final String SUITE = "peers";
    public static final List<String> DATA = List.of("random", "corpus");
    public static final List<Long> WORKING_SETS = List.of(256L << 20, 2L << 30);
    public static final List<Mix> MIXES = List.of(Mix.SET10_GET90, Mix.SET50_GET50);
    public static final List<Integer> THREADS = List.of(1, 2);

    static final PeerWorkload.Plan QUICK = new PeerWorkload.Plan(500, 2, 500);
    static final PeerWorkload.Plan THOROUGH = new PeerWorkload.Plan(2000, 5, 2000);
    private static final int LOG_LINES_KEPT = 60;

    /**
     * @param mode {@code quick} or {@code thorough} (written in the rows)
     * @param plan each case's warm-up and iterations
     * @param subjects in the order they run within each working set and data set
     * @param workingSets page data per working set, in bytes
     * @param mixes the op mixes
     * @param threads the thread counts
     * @param data {@code random} and/or {@code corpus}
     * @param corpus the corpus to build or reuse, when {@code data} has {@code corpus}
     * @param jsonOut where the rows go
     */
    public record Options(String mode, PeerWorkload.Plan plan, List<Subject> subjects, List<Long> workingSets,
            List<Mix> mixes, List<Integer> threads, List<String> data, PageCorpus.Options corpus, Path jsonOut) {

        public Options {
            subjects = List.copyOf(subjects);
            workingSets = List.copyOf(workingSets);
            mixes = List.copyOf(mixes);
            threads = List.copyOf(threads);
            data = List.copyOf(data);
            for (String d : data) {
                if (!DATA.contains(d)) {
                    throw new IllegalArgumentException("unknown data " + d + "; data: " + DATA);
                }
            }
            if (subjects.isEmpty() || workingSets.isEmpty() || mixes.isEmpty() || threads.isEmpty() || data.isEmpty()) {
                throw new IllegalArgumentException("nothing to run: a list of subjects, working sets, mixes,"
                        + " threads or data is empty");
            }
        }

        /** About two minutes: 256 MiB only, short iterations. */
        public static Options quick(PageCorpus.Options corpus, Path jsonOut) {
            return new Options("quick", QUICK, List.of(Subject.values()), List.of(WORKING_SETS.getFirst()), MIXES,
                    THREADS, DATA, corpus, jsonOut);
        }

        /** Every case of issue 6, with a warm-up and five iterations each. */
        public static Options thorough(PageCorpus.Options corpus, Path jsonOut) {
            return new Options("thorough", THOROUGH, List.of(Subject.values()), WORKING_SETS, MIXES, THREADS, DATA,
                    corpus, jsonOut);
        }

        int cases() {
            return subjects.size() * workingSets.size() * mixes.size() * threads.size() * data.size();
        }
    }

    private PeersBench() {}

    /** Runs the suite, prints progress and a table to {@code out}, writes the JSON rows; returns them. */
    public static List<BenchRow> run(Options options, PrintStream out) throws IOException, InterruptedException {
        BenchJson.checkWritable(options.jsonOut());
        Path corpusDir = options.corpus().outDir().toAbsolutePath().normalize();
        if (options.data().contains("corpus")) {
            try (Corpus corpus = PageCorpus.build(options.corpus(), out)) {
                corpusDir = corpus.dir().toAbsolutePath().normalize();
            }
        }
        int total = options.cases();
        long steps = (long) total * (options.plan().iterations() + (options.plan().warmupMillis() > 0 ? 1 : 0));
        out.printf("tmem bench peers (%s): %d cases; subjects %s; working sets %s; mixes %s; %s threads; data %s;"
                        + " each case %.1f s warm-up + %d x %.1f s%n",
                options.mode(), total, options.subjects().stream().map(Subject::label).toList(),
                options.workingSets().stream().map(PeerChild::sizeLabel).toList(),
                options.mixes().stream().map(Mix::label).toList(), options.threads(), options.data(),
                options.plan().warmupMillis() / 1e3, options.plan().iterations(), options.plan().iterationMillis() / 1e3);
        long start = System.nanoTime();
        List<BenchRow> rows = new ArrayList<>();
        Path scratch = Files.createTempDirectory("tmem-bench-peers");
        try (Progress progress = Progress.create(out, SUITE, steps)) {
            int[] caseNo = {0};
            for (String data : options.data()) {
                for (long ws : options.workingSets()) {
                    for (Subject subject : options.subjects()) {
                        Path childOut = scratch.resolve(subject.label() + "-" + data + "-" + ws + ".json");
                        PeerChild.Args args = new PeerChild.Args(subject, ws, data, corpusDir, options.mixes(),
                                options.threads(), options.plan(), options.mode(), childOut);
                        runChild(args, progress, caseNo, total);
                        for (Map<String, Object> map : BenchJson.read(childOut)) {
                            rows.add(BenchJson.fromMap(map));
                        }
                    }
                }
            }
        } finally {
            try (var files = Files.list(scratch)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(scratch);
        }
        out.println();
        printTable(rows, out);
        BenchJson.write(rows, options.jsonOut());
        out.printf("%nwrote %s (%d rows) in %.0f s%n", options.jsonOut(), rows.size(),
                (System.nanoTime() - start) / 1e9);
        return rows;
    }

    /** The command line of a child JVM: this JVM's {@code java} and class path, the subject's flags. */
    static List<String> command(PeerChild.Args args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(args.subject().jvmFlags(PeerChild.budgetFor(args.workingSetBytes())));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(PeerChild.class.getName());
        cmd.addAll(args.toArgs());
        return cmd;
    }

    private static void runChild(PeerChild.Args args, Progress progress, int[] caseNo, int total)
            throws IOException, InterruptedException {
        String where = args.subject().label() + " " + args.data() + "-" + PeerChild.sizeLabel(args.workingSetBytes());
        Process child = new ProcessBuilder(command(args)).redirectErrorStream(true).start();
        long timeoutS = 120 + 4 * args.mixes().size() * args.threads().size() * args.plan().totalMillis() / 1000
                + 60 * Math.max(1, args.workingSetBytes() >> 30);
        Thread watchdog = Thread.ofPlatform().daemon().name("peers-watchdog").start(() -> {
            try {
                if (!child.waitFor(timeoutS, TimeUnit.SECONDS)) {
                    child.destroyForcibly();
                }
            } catch (InterruptedException e) {
                child.destroyForcibly();
            }
        });
        Deque<String> log = new ArrayDeque<>();
        String running = null;
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (!line.startsWith(PeerChild.TAG)) {
                    log.addLast(line);
                    if (log.size() > LOG_LINES_KEPT) {
                        log.removeFirst();
                    }
                    continue;
                }
                String[] msg = line.substring(PeerChild.TAG.length()).split(" ");
                switch (msg[0]) {
                    case "case" -> {
                        caseNo[0]++;
                        int threads = Integer.parseInt(msg[2]);
                        String workload = args.data() + "-" + PeerChild.sizeLabel(args.workingSetBytes()) + "-" + msg[1];
                        running = "%-15s %-26s %dt".formatted(args.subject().label(), workload, threads);
                        progress.startCase(caseNo[0], total, running,
                                args.subject().label() + " " + workload + " " + threads + "t");
                    }
                    case "iteration" -> progress.step(1);
                    case "done" -> {
                        progress.endCase(String.format(Locale.ROOT, "%,13.0f ops/s  p99 %8.1f us",
                                Double.parseDouble(msg[1]), Double.parseDouble(msg[2])));
                        running = null;
                    }
                    default -> { } // "exit" and anything a later child adds
                }
            }
        }
        int status = child.waitFor();
        watchdog.interrupt();
        if (status != 0 || !Files.exists(args.out())) {
            if (running != null) {
                progress.endCase("failed");
            }
            throw new IOException("the child JVM of " + where + " failed (exit status " + status
                    + (status == 137 ? ", killed: over its time limit of " + timeoutS + " s" : "") + "); its last output:"
                    + System.lineSeparator() + String.join(System.lineSeparator(), log));
        }
    }

    /** The rows, then the comparisons of {@link PeersSummary}. */
    static void printTable(List<BenchRow> rows, PrintStream out) {
        out.printf("%-15s %-26s %7s %14s %7s %9s %9s %10s%n", "subject", "workload", "threads", "ops/s", "spread",
                "p99 us", "B/page", "hit ratio");
        for (BenchRow r : rows) {
            double min = PeersSummary.num(r, "ops_per_s_min"), max = PeersSummary.num(r, "ops_per_s_max");
            String spread = Double.isFinite(min) && Double.isFinite(max) && r.opsPerS() > 0
                    ? String.format(Locale.ROOT, "±%.0f%%", 50 * (max - min) / r.opsPerS()) : "";
            out.printf(Locale.ROOT, "%-15s %-26s %7d %,14.0f %7s %9.1f %,9.0f %10.3f%n", r.subject(), r.workload(),
                    r.threads(), r.opsPerS(), spread, PeersSummary.num(r, "p99_us"),
                    PeersSummary.num(r, "bytes_per_page"), PeersSummary.num(r, "hit_ratio"));
        }
        List<String> headline = PeersSummary.headline(rows);
        if (!headline.isEmpty()) {
            out.println();
            headline.forEach(out::println);
        }
    }
}
