package dev.tmem.bench;

import com.fasterxml.jackson.core.JacksonException;
import dev.tmem.bench.peers.Subject;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code tmem bench report}: turns every {@code *.json} of a bench directory ({@code core.json},
 * {@code zcache.json}, {@code peers.json}, whichever exist, and any other suite's rows) into one
 * Markdown report with tables, and PNG charts beside it: throughput by subject and workload, memory
 * per page by subject, and the zcache codec comparison.
 *
 * <p>The report names the machine and JDK it is generated on (the machine the benches ran on, when
 * run where they ran) and says that figures from a small shared machine read as ratios. Charts are
 * drawn headless ({@link BenchCharts}).
 *
 * <p>A file that is not valid JSON, or whose rows lack the fixed fields of {@link BenchJson}, fails
 * the report with a message naming the file (and the row); nothing is written then.
 */
public final class BenchReport {

    /**
     * @param benchDir where the suites wrote their rows ({@code target/bench})
     * @param markdown the report to write ({@code docs/BENCHMARKS.md})
     * @param chartsDir where the PNG charts go ({@code docs/bench})
     */
    public record Options(Path benchDir, Path markdown, Path chartsDir) {

        /** {@code target/bench} -> {@code docs/BENCHMARKS.md} and {@code docs/bench/} under {@code home}. */
        public static Options defaults(Path home) {
            return new Options(home.resolve("target/bench"), home.resolve("docs/BENCHMARKS.md"),
                    home.resolve("docs/bench"));
        }
    }

    /** What a run wrote, and from what. */
    public record Report(Path markdown, List<Path> charts, List<Path> inputs) {}

    private BenchReport() {}

    public static Report run(Options options, PrintStream out) throws IOException {
        BenchCharts.headless();
        Map<String, List<BenchRow>> suites = readAll(options.benchDir());
        List<Path> inputs = new ArrayList<>();
        for (String name : suites.keySet()) {
            inputs.add(options.benchDir().resolve(name + ".json"));
        }
        List<Path> charts = new ArrayList<>();
        StringBuilder md = new StringBuilder();
        header(md, suites);
        List<BenchRow> peers = null;
        for (String suite : List.of("peers", "server", "zcache", "core", "")) {
            for (var e : suites.entrySet()) {
                String file = e.getKey() + ".json";
                List<BenchRow> rows = e.getValue();
                String rowsSuite = suiteOf(e.getKey(), rows);
                boolean known = List.of("peers", "server", "zcache", "core").contains(rowsSuite);
                if (!(suite.isEmpty() ? !known : rowsSuite.equals(suite))) {
                    continue;
                }
                switch (suite) {
                    case "peers" -> {
                        BenchReportSections.peers(md, file, rows, options, charts);
                        peers = peers == null ? rows : peers;
                    }
                    case "server" -> BenchReportSections.server(md, file, rows, options, charts);
                    case "zcache" -> BenchReportSections.zcache(md, file, rows, options, charts);
                    case "core" -> BenchReportSections.core(md, file, rows, options, charts);
                    default -> BenchReportSections.generic(md, file, rows);
                }
            }
        }
        Path parent = options.markdown().toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Files.writeString(options.markdown(), md.toString());
        out.printf("read %d result file%s from %s%n", inputs.size(), inputs.size() == 1 ? "" : "s",
                options.benchDir());
        if (peers != null) {
            PeersSummary.headline(peers).forEach(line -> out.println("  " + line));
        }
        out.printf("wrote %s and %d chart%s in %s%n", options.markdown(), charts.size(), charts.size() == 1 ? "" : "s",
                options.chartsDir());
        return new Report(options.markdown(), charts, inputs);
    }

    /**
     * Every {@code *.json} in {@code dir}, by file name without the extension, in name order; fails
     * naming the file and row if one is not a list of rows.
     */
    static Map<String, List<BenchRow>> readAll(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("no bench results: " + dir + " is not a directory; run './tmem bench core',"
                    + " 'zcache' or 'peers' first");
        }
        Map<String, List<BenchRow>> suites = new TreeMap<>();
        try (var files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList()) {
                String name = file.getFileName().toString();
                suites.put(name.substring(0, name.length() - ".json".length()), readRows(file));
            }
        }
        if (suites.isEmpty()) {
            throw new IOException("no bench results in " + dir + ": run './tmem bench core', 'zcache' or 'peers'"
                    + " first");
        }
        return suites;
    }

    static List<BenchRow> readRows(Path file) throws IOException {
        List<?> raw;
        try {
            raw = BenchJson.read(file);
        } catch (JacksonException e) {
            throw new IOException("cannot read bench results " + file + ": not a JSON list of rows ("
                    + e.getOriginalMessage() + ")", e);
        }
        if (raw == null) {
            throw new IOException("cannot read bench results " + file + ": it holds null, not a list of rows");
        }
        List<BenchRow> rows = new ArrayList<>(raw.size());
        for (int i = 0; i < raw.size(); i++) {
            if (!(raw.get(i) instanceof Map<?, ?> map)) {
                throw new IOException("cannot read bench results " + file + ": row " + i + " is not an object");
            }
            Map<String, Object> fields = new LinkedHashMap<>();
            map.forEach((k, v) -> fields.put(String.valueOf(k), v));
            try {
                rows.add(BenchJson.fromMap(fields));
            } catch (IllegalArgumentException e) {
                throw new IOException("cannot read bench results " + file + ": row " + i + ": " + e.getMessage(), e);
            }
        }
        return rows;
    }

    private static void header(StringBuilder md, Map<String, List<BenchRow>> suites) {
        md.append("# tmem benchmarks\n\n");
        md.append("Generated by `./tmem bench report` from `target/bench/*.json` (")
                .append(String.join(", ", suites.keySet().stream().map(s -> "`" + s + ".json`").toList()))
                .append(") on ")
                .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(Instant.now().atOffset(ZoneOffset.UTC).withNano(0)))
                .append(" UTC. Do not edit by hand: rerun the benches and the report.\n\n");
        md.append("> **Read these figures as ratios.** They come from a 2-core shared virtual machine, where other")
                .append(" work ran at the same time; absolute numbers vary from run to run, the ratios between")
                .append(" subjects measured side by side in one run much less.\n\n");
        md.append("## Machine\n\n");
        md.append("| | |\n| --- | --- |\n");
        md.append("| CPU | ").append(Machine.cpuModel()).append(" |\n");
        md.append("| logical CPUs | ").append(Runtime.getRuntime().availableProcessors()).append(" |\n");
        md.append("| memory | ").append(Machine.memTotal()).append(" |\n");
        md.append("| OS | ").append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.version"))
                .append(' ').append(System.getProperty("os.arch")).append(" |\n");
        md.append("| JDK | ").append(System.getProperty("java.vm.vendor")).append(' ')
                .append(System.getProperty("java.vm.name")).append(' ').append(Runtime.version()).append(" |\n\n");
        md.append("## Commands\n\n```sh\n");
        for (var e : suites.entrySet()) {
            md.append(command(e.getKey(), e.getValue())).append('\n');
        }
        md.append("./tmem bench report\n```\n\n");
    }

    /** The suite that wrote a file: its rows' {@code suite} field, else the file's base name. */
    static String suiteOf(String fileBase, List<BenchRow> rows) {
        return rows.isEmpty() ? fileBase : rows.getFirst().suite();
    }

    /**
     * The command that writes a file: its suite's, with the mode its rows record, and
     * {@code --json} when the file is not the suite's default one.
     */
    static String command(String fileBase, List<BenchRow> rows) {
        String suite = suiteOf(fileBase, rows);
        String mode = rows.isEmpty() || !(rows.getFirst().extra().get("mode") instanceof String m) ? "" : m;
        String json = fileBase.equals(suite) ? "" : " --json target/bench/" + fileBase + ".json";
        return switch (suite) {
            case "core" -> "./tmem bench core" + (mode.equals("full") ? " --full" : "") + json;
            case "zcache" -> "./tmem bench zcache" + json;
            case "server" -> "./tmem bench server" + (mode.equals("full") ? " --full" : "") + json;
            case "peers" -> "./tmem bench peers" + (mode.equals("quick") ? " --quick" : "") + json;
            default -> "# " + fileBase + ".json: rows of suite " + suite + ", which this report does not know";
        };
    }

    /** Subject flags for the report's configuration table. */
    static String flags(String subject, long budgetBytes) {
        try {
            return String.join(" ", Subject.of(subject).jvmFlags(budgetBytes));
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    static String fmt(String pattern, Object... args) {
        return String.format(Locale.ROOT, pattern, args);
    }

    /** {@code tmem bench report} outside the CLI: {@code BenchReport [HOME]} (default: the current directory). */
    public static void main(String[] args) throws IOException {
        Path home = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
        run(Options.defaults(home), System.out);
    }

    /** What {@code /proc} says about this machine; "unknown" elsewhere. */
    static final class Machine {

        private Machine() {}

        static String cpuModel() {
            return procField(Path.of("/proc/cpuinfo"), "model name");
        }

        static String memTotal() {
            String kib = procField(Path.of("/proc/meminfo"), "MemTotal");
            try {
                long k = Long.parseLong(kib.replace("kB", "").strip());
                return fmt("%.1f GiB", k / (1024.0 * 1024.0));
            } catch (NumberFormatException e) {
                return kib;
            }
        }

        private static String procField(Path file, String field) {
            try {
                for (String line : Files.readAllLines(file)) {
                    if (line.startsWith(field)) {
                        return line.substring(line.indexOf(':') + 1).strip();
                    }
                }
            } catch (IOException e) {
                // not Linux: say so below
            }
            return "unknown";
        }
    }
}
