package dev.tmem.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The {@code core} suite behind {@code tmem bench core}: {@link CorePutGetBenchmark} for subjects
 * {@code tmem} and {@code memcpy}, workloads {@code random-1GiB} and {@code random-64MiB}, 1 and 2
 * threads (eight cases, each in its own forked JVM), and optionally the metadata measurement of
 * {@link MetadataBench}. One op is one put plus one get of a 4 KiB page (see the benchmark).
 *
 * <p>Quick mode (the default of the CLI) runs each case for 1 warmup iteration of 1 s and 2
 * measurement iterations of 2 s: about 50 s in all on 2 cores, plus about 7 s for the metadata
 * measurement (each case pays a JVM start and a pre-fill of its working set besides its 5 s of
 * iterations). Full mode runs 3 warmups of 2 s and 5 measurements of 2 s, 16 s a case.
 *
 * <p>JMH forks each case with {@code java} from this JVM's {@code java.home} and this JVM's class
 * path, so the runner works when launched with a plain {@code java -cp <jars>} (the jar of this
 * module carries JMH's generated {@code META-INF/BenchmarkList}).
 */
public final class CoreBench {

    /**
     * @param quick short iterations (under two minutes in all) rather than the full run
     * @param jsonOut where the JSON rows go (parent directories are created)
     * @param measureMetadata also measure metadata bytes per page with ten million pages
     */
    public record Options(boolean quick, Path jsonOut, boolean measureMetadata) {}

    public static final String SUITE = "core";
    public static final List<String> SUBJECTS = List.of("memcpy", "tmem");
    public static final List<String> WORKLOADS = List.of("random-1GiB", "random-64MiB");
    public static final List<Integer> THREADS = List.of(1, 2);

    /**
     * JVM flags of each forked benchmark JVM; they replace the flags of the launching JVM. JMH 1.37
     * itself still calls {@code sun.misc.Unsafe}, hence the flag that silences its warning.
     */
    static final List<String> FORK_JVM_ARGS =
            List.of("--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-Xmx2g",
                    "-XX:MaxDirectMemorySize=3g");

    private static final String WORKLOAD_PREFIX = "random-";
    private static final long METADATA_STEPS = MetadataBench.DEFAULT_PAGES / MetadataBench.PROGRESS_EVERY;

    record Plan(int warmupIterations, int warmupSeconds, int measurementIterations, int measurementSeconds) {

        static final Plan QUICK = new Plan(1, 1, 2, 2);
        static final Plan FULL = new Plan(3, 2, 5, 2);

        int iterations() {
            return warmupIterations + measurementIterations;
        }
    }

    /** One subject, workload and thread count: one JMH run in its own JVM. */
    record Case(String subject, String workload, int threads) {

        String workingSet() {
            return workload.substring(WORKLOAD_PREFIX.length());
        }

        String label() {
            return "%-6s %-12s %d thread%s".formatted(subject, workload, threads, threads == 1 ? "" : "s");
        }

        String shortLabel() {
            return subject + " " + workingSet() + " " + threads + "t";
        }
    }

    private CoreBench() {}

    /** Runs the suite, prints progress and a table to out, writes the JSON rows; returns the rows. */
    public static List<BenchRow> run(Options options, PrintStream out) throws Exception {
        BenchJson.checkWritable(options.jsonOut());
        Plan plan = options.quick() ? Plan.QUICK : Plan.FULL;
        List<Case> cases = cases();
        int total = cases.size() + (options.measureMetadata() ? 1 : 0);
        long steps = (long) cases.size() * plan.iterations() + (options.measureMetadata() ? METADATA_STEPS : 0);
        out.printf("tmem bench core (%s): %d cases; one op = put + get of a 4 KiB page at random handles%n",
                options.quick() ? "quick" : "full", total);
        long start = System.nanoTime();
        List<BenchRow> rows = new ArrayList<>();
        try (Progress progress = Progress.create(out, "core", steps)) {
            JmhProgressFormat format = new JmhProgressFormat(progress);
            for (int i = 0; i < cases.size(); i++) {
                Case c = cases.get(i);
                progress.startCase(i + 1, total, c.label(), c.shortLabel());
                long caseStart = System.nanoTime();
                BenchRow row = runCase(c, plan, options.quick(), format, out);
                rows.add(row);
                progress.endCase("%,15.0f ops/s  (%.1f s)".formatted(row.opsPerS(), secondsSince(caseStart)));
            }
            if (options.measureMetadata()) {
                progress.startCase(total, total, "tmem   metadata-10M 1 thread", "tmem metadata-10M");
                long caseStart = System.nanoTime();
                long[] reported = {0};
                MetadataBench.Result result = MetadataBench.runForked(MetadataBench.DEFAULT_PAGES, done -> {
                    progress.step((done - reported[0]) / MetadataBench.PROGRESS_EVERY);
                    reported[0] = done;
                }, out);
                rows.add(result.toRow());
                progress.endCase("%.1f B/page  (%.1f s)".formatted(result.metaBytesPerPage(), secondsSince(caseStart)));
            }
        }
        rows = withRatios(rows);
        out.println();
        printTable(rows, out);
        BenchJson.write(rows, options.jsonOut());
        out.printf("%nwrote %s (%d rows) in %.0f s%n", options.jsonOut(), rows.size(), secondsSince(start));
        return rows;
    }

    static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        for (String workload : WORKLOADS) {
            for (int threads : THREADS) {
                for (String subject : SUBJECTS) {
                    cases.add(new Case(subject, workload, threads));
                }
            }
        }
        return cases;
    }

    static BenchRow runCase(Case c, Plan plan, boolean quick, JmhProgressFormat format, PrintStream out)
            throws RunnerException {
        String benchmark = CorePutGetBenchmark.class.getName() + "." + c.subject();
        var options = new OptionsBuilder()
                .include("^" + Pattern.quote(benchmark) + "$")
                .param("workingSet", c.workingSet())
                .threads(c.threads())
                .forks(1)
                .warmupIterations(plan.warmupIterations())
                .warmupTime(TimeValue.seconds(plan.warmupSeconds()))
                .measurementIterations(plan.measurementIterations())
                .measurementTime(TimeValue.seconds(plan.measurementSeconds()))
                .mode(Mode.Throughput)
                .timeUnit(TimeUnit.SECONDS)
                .jvmArgs(FORK_JVM_ARGS.toArray(String[]::new))
                .shouldFailOnError(true)
                .build();
        format.clearLog();
        RunResult result;
        try {
            result = new Runner(options, format).runSingle();
        } catch (RunnerException | RuntimeException e) {
            out.println();
            out.println("JMH run of " + c.label().replaceAll(" +", " ") + " failed: " + e.getMessage());
            String log = format.log().strip();
            if (!log.isEmpty()) {
                out.println("JMH output:");
                out.println(log);
            }
            throw e;
        }
        Result<?> primary = result.getPrimaryResult();
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("op", "put+get");
        extra.put("page_size", CorePutGetBenchmark.PAGE_SIZE);
        extra.put("ops_per_s_error", primary.getScoreError());
        extra.put("iterations", plan.measurementIterations());
        extra.put("mode", quick ? "quick" : "full");
        return new BenchRow(SUITE, c.subject(), c.workload(), c.threads(), primary.getScore(), extra);
    }

    /** Adds {@code tmem_over_memcpy} to each tmem row that has a memcpy row of the same case. */
    static List<BenchRow> withRatios(List<BenchRow> rows) {
        List<BenchRow> out = new ArrayList<>(rows.size());
        for (BenchRow row : rows) {
            BenchRow base = baseline(rows, row);
            if (!row.subject().equals("tmem") || base == null || base.opsPerS() <= 0) {
                out.add(row);
                continue;
            }
            Map<String, Object> extra = new LinkedHashMap<>(row.extra());
            extra.put("tmem_over_memcpy", row.opsPerS() / base.opsPerS());
            out.add(new BenchRow(row.suite(), row.subject(), row.workload(), row.threads(), row.opsPerS(), extra));
        }
        return out;
    }

    private static BenchRow baseline(List<BenchRow> rows, BenchRow row) {
        for (BenchRow r : rows) {
            if (r.subject().equals("memcpy") && r.workload().equals(row.workload()) && r.threads() == row.threads()) {
                return r;
            }
        }
        return null;
    }

    /** The table of the JMH rows, then one line per metadata row. */
    static void printTable(List<BenchRow> rows, PrintStream out) {
        out.printf("%-7s %-13s %7s %16s %12s%n", "subject", "workload", "threads", "ops/s", "tmem/memcpy");
        for (BenchRow row : rows) {
            if (row.extra().containsKey("meta_bytes_per_page")) {
                continue;
            }
            Object ratio = row.extra().get("tmem_over_memcpy");
            out.printf(Locale.ROOT, "%-7s %-13s %7d %,16.0f %12s%n", row.subject(), row.workload(), row.threads(),
                    row.opsPerS(), ratio instanceof Double d ? "%.2f".formatted(d) : "");
        }
        for (BenchRow row : rows) {
            if (row.extra().get("meta_bytes_per_page") instanceof Double meta) {
                out.printf(Locale.ROOT,
                        "%n%s: %,d pages held; metadata %.1f B/page (engine.stats().metadataBytes()),"
                                + " heap growth %.1f B/page; fill %,.0f puts/s%n",
                        row.workload(), (Long) row.extra().get("pages"), meta,
                        (Double) row.extra().get("heap_bytes_per_page"), row.opsPerS());
            }
        }
    }

    private static double secondsSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** {@code CoreBench [--full] [--metadata] [--out FILE]}; the CLI's {@code tmem bench core} is the usual way. */
    public static void main(String[] args) throws Exception {
        boolean quick = true;
        boolean metadata = false;
        Path jsonOut = Path.of("target", "bench", "core.json");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--full" -> quick = false;
                case "--quick" -> quick = true;
                case "--metadata" -> metadata = true;
                case "--out" -> jsonOut = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; usage: CoreBench [--quick|--full] [--metadata] [--out FILE]");
            }
        }
        run(new Options(quick, jsonOut, metadata), System.out);
    }
}
