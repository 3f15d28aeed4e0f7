package dev.tmem.bench;

import static dev.tmem.bench.BenchReport.fmt;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The sections of {@link BenchReport}, one per suite, each with its tables and charts. */
final class BenchReportSections {

    private BenchReportSections() {}

    static void peers(StringBuilder md, String file, List<BenchRow> rows, BenchReport.Options options,
            List<Path> charts) throws IOException {
        md.append("## tmem beside its peers (`").append(file).append("`)\n\n");
        md.append("The same workload on each store, each in a JVM of its own with the same memory budget (the")
                .append(" working set's page data and a quarter more): random keys over the working set, each op a")
                .append(" set (put of a 4 KiB page) or a get, values random bytes (`random`) or the pages of the")
                .append(" real-page corpus (`corpus`). ops/s is the mean of the measured iterations (spread:")
                .append(" half the min-to-max range, over the mean); p99 is one op's latency; B/page is the growth")
                .append(" of the process's resident set from before the store opened to the end of the runs, over")
                .append(" the pages held at the end.\n\n");
        List<String> headline = PeersSummary.headline(rows);
        if (!headline.isEmpty()) {
            md.append("**Headline ratios** (issue 6's goals: tmem-raw at least 1.5x the best peer's ops/s with p99")
                    .append(" no worse; tmem-zcache-lz4 at most half the leanest peer's memory per page on the")
                    .append(" corpus):\n\n");
            headline.forEach(line -> md.append("- ").append(line).append('\n'));
            md.append('\n');
        }
        Set<String> workingSets = new LinkedHashSet<>();
        rows.forEach(r -> workingSets.add(PeersSummary.text(r, "working_set")));
        for (String ws : workingSets) {
            BenchCharts.Bars ops = new BenchCharts.Bars("ops/s by subject and workload, working set " + ws,
                    "workload (data, mix, threads)", "ops/s (all threads)");
            BenchCharts.Bars p99 = new BenchCharts.Bars("p99 latency per op, working set " + ws,
                    "workload (data, mix, threads)", "p99 (us)");
            for (BenchRow r : rows) {
                if (PeersSummary.text(r, "working_set").equals(ws)) {
                    String category = PeersSummary.text(r, "data") + " " + PeersSummary.text(r, "mix") + " "
                            + r.threads() + "t";
                    ops.add(r.subject(), category, r.opsPerS());
                    p99.add(r.subject(), category, PeersSummary.num(r, "p99_us"));
                }
            }
            chart(md, ops, options, prefix(file, "peers") + "-throughput-" + ws + ".png", charts);
            chart(md, p99, options, prefix(file, "peers") + "-p99-" + ws + ".png", charts);
        }
        BenchCharts.Bars memory = new BenchCharts.Bars("Memory per page held, by subject",
                "data and working set", "bytes per 4 KiB page (RSS growth / pages held)");
        Map<String, BenchRow> perChild = new LinkedHashMap<>();
        for (BenchRow r : rows) {
            perChild.putIfAbsent(r.subject() + "/" + PeersSummary.text(r, "data") + "-"
                    + PeersSummary.text(r, "working_set"), r);
        }
        for (BenchRow r : perChild.values()) {
            memory.add(r.subject(), PeersSummary.text(r, "data") + "-" + PeersSummary.text(r, "working_set"),
                    PeersSummary.num(r, "bytes_per_page"));
        }
        chart(md, memory, options, prefix(file, "peers") + "-memory.png", charts);

        md.append("### Throughput and latency\n\n");
        md.append("| subject | workload | threads | ops/s | spread | p50 us | p99 us | p99.9 us | hit ratio |")
                .append(" heap alloc B/op |\n");
        md.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (BenchRow r : rows) {
            double min = PeersSummary.num(r, "ops_per_s_min"), max = PeersSummary.num(r, "ops_per_s_max");
            double alloc = PeersSummary.num(r, "alloc_bytes_per_op");
            md.append(fmt("| %s | %s | %d | %,.0f | %s | %.2f | %.2f | %.2f | %.3f | %s |\n", r.subject(), r.workload(),
                    r.threads(), r.opsPerS(), Double.isFinite(min) && Double.isFinite(max) && r.opsPerS() > 0
                            ? fmt("±%.0f%%", 50 * (max - min) / r.opsPerS()) : "",
                    PeersSummary.num(r, "p50_us"), PeersSummary.num(r, "p99_us"), PeersSummary.num(r, "p999_us"),
                    PeersSummary.num(r, "hit_ratio"), alloc >= 0 ? fmt("%,.0f", alloc) : ""));
        }
        md.append("\n### Memory per page held\n\n");
        md.append("RSS growth counts everything the process took for the store: its off-heap memory, what the")
                .append(" allocator keeps after frees (OHC and zcache allocate through `malloc`), and the Java heap")
                .append(" the store's garbage touched (see heap alloc B/op above; the collector keeps that heap")
                .append(" resident). The store's own count is what it reports holding off the heap (tmem: slabs or")
                .append(" zcache's `bytes_used`; OHC `memUsed()`; Ehcache's off-heap tier `allocatedByteSize`;")
                .append(" Chronicle Map `offHeapMemoryUsed()`; Caffeine none: its pages are on the heap).\n\n");
        md.append("| subject | data | working set | pages held | B/page (RSS growth) | B/page (whole RSS) |")
                .append(" off-heap B/page (store's own count) |\n| --- | --- | --- | ---: | ---: | ---: | ---: |\n");
        for (BenchRow r : perChild.values()) {
            md.append(fmt("| %s | %s | %s | %,.0f | %,.0f | %,.0f | %,.0f |\n", r.subject(), PeersSummary.text(r, "data"),
                    PeersSummary.text(r, "working_set"), PeersSummary.num(r, "pages_held"),
                    PeersSummary.num(r, "bytes_per_page"), PeersSummary.num(r, "rss_bytes_per_page"),
                    PeersSummary.num(r, "off_heap_bytes_per_page")));
        }
        md.append("\n### How each subject was set up\n\n| subject | configuration | JVM flags |\n| --- | --- | --- |\n");
        Map<String, BenchRow> perSubject = new LinkedHashMap<>();
        rows.forEach(r -> perSubject.putIfAbsent(r.subject(), r));
        for (BenchRow r : perSubject.values()) {
            long budget = (long) PeersSummary.num(r, "budget_bytes");
            md.append("| ").append(r.subject()).append(" | ").append(PeersSummary.text(r, "config")).append(" | `")
                    .append(BenchReport.flags(r.subject(), budget)).append("` |\n");
        }
        md.append('\n');
    }

    static void zcache(StringBuilder md, String file, List<BenchRow> rows, BenchReport.Options options,
            List<Path> charts) throws IOException {
        md.append("## zcache against its codecs (`").append(file).append("`)\n\n");
        md.append("Each codec over the real-page corpus alone (`codec-*`, the limit) and inside the zcache store")
                .append(" (`zcache-*`), one thread; ratio is the corpus's bytes over the bytes kept, density zcache's")
                .append(" `bytes_stored / bytes_used`.\n\n");
        BenchCharts.Bars speed = new BenchCharts.Bars("zcache codecs: pages/s, alone and in the store",
                "codec", "pages/s (one thread)");
        BenchCharts.Bars ratio = new BenchCharts.Bars("zcache codecs: compression ratio on the corpus", "codec",
                "corpus bytes / bytes kept");
        for (BenchRow r : rows) {
            int dash = r.subject().indexOf('-');
            String codec = dash < 0 ? r.subject() : r.subject().substring(dash + 1);
            String kind = dash < 0 ? r.subject() : r.subject().substring(0, dash);
            speed.add(kind + " " + r.workload(), codec, r.opsPerS());
            if (r.workload().equals("put")) {
                ratio.add(kind, codec, PeersSummary.num(r, "ratio"));
            }
        }
        chart(md, speed, options, prefix(file, "zcache") + "-codecs.png", charts);
        chart(md, ratio, options, prefix(file, "zcache") + "-ratio.png", charts);
        md.append("| subject | workload | pages/s | ratio | density |\n| --- | --- | ---: | ---: | ---: |\n");
        for (BenchRow r : rows) {
            double density = PeersSummary.num(r, "density");
            md.append(fmt("| %s | %s | %,.0f | %.2f | %s |\n", r.subject(), r.workload(), r.opsPerS(),
                    PeersSummary.num(r, "ratio"), Double.isFinite(density) ? fmt("%.3f", density) : ""));
        }
        md.append('\n');
    }

    static void core(StringBuilder md, String file, List<BenchRow> rows, BenchReport.Options options,
            List<Path> charts) throws IOException {
        md.append("## The engine beside a bare copy (`").append(file).append("`)\n\n");
        md.append("One op is a put of a 4 KiB page at a random handle and a get of another, on a persistent pool")
                .append(" holding the whole working set; `memcpy` is the same two copies into a preallocated slab.\n\n");
        BenchCharts.Bars ops = new BenchCharts.Bars("tmem engine vs memcpy: put + get ops/s", "workload, threads",
                "ops/s (all threads)");
        List<BenchRow> timed = new ArrayList<>();
        for (BenchRow r : rows) {
            if (!r.extra().containsKey("meta_bytes_per_page")) {
                timed.add(r);
                ops.add(r.subject(), r.workload() + " " + r.threads() + "t", r.opsPerS());
            }
        }
        if (!ops.isEmpty()) {
            chart(md, ops, options, prefix(file, "core") + "-throughput.png", charts);
        }
        md.append("| subject | workload | threads | ops/s | tmem/memcpy |\n| --- | --- | ---: | ---: | ---: |\n");
        for (BenchRow r : timed) {
            double ratio = PeersSummary.num(r, "tmem_over_memcpy");
            md.append(fmt("| %s | %s | %d | %,.0f | %s |\n", r.subject(), r.workload(), r.threads(), r.opsPerS(),
                    Double.isFinite(ratio) ? fmt("%.2f", ratio) : ""));
        }
        for (BenchRow r : rows) {
            if (r.extra().containsKey("meta_bytes_per_page")) {
                md.append(fmt("\n%s: %,.0f pages held; metadata %.1f B/page; fill %,.0f puts/s\n", r.workload(),
                        PeersSummary.num(r, "pages"), PeersSummary.num(r, "meta_bytes_per_page"), r.opsPerS()));
            }
        }
        md.append('\n');
    }

    static void server(StringBuilder md, String file, List<BenchRow> rows, BenchReport.Options options,
            List<Path> charts) throws IOException {
        md.append("## tmem server beside memcached (`").append(file).append("`)\n\n");
        md.append("Each server in a process of its own on 127.0.0.1 with the same memory; the load generator (in the")
                .append(" bench's JVM, on the same two cores) keeps one pipelined connection per thread, 4 KiB values")
                .append(" (real pages of the corpus when it is built). `tmem` is the server's default store (zcache,")
                .append(" lz4: every set is compressed), `tmem-raw` the server with `--store raw`; the last column is")
                .append(" each subject's ops/s over memcached's on the same workload.\n\n");
        BenchCharts.Bars ops = new BenchCharts.Bars("tmem server vs memcached: ops/s", "workload",
                "ops/s (all connections)");
        Map<String, Double> memcached = new HashMap<>();
        for (BenchRow r : rows) {
            ops.add(r.subject(), r.workload(), r.opsPerS());
            if (r.subject().equals("memcached")) {
                memcached.put(r.workload(), r.opsPerS());
            }
        }
        chart(md, ops, options, prefix(file, "server") + "-throughput.png", charts);
        md.append("| subject | workload | threads | depth | ops/s | p50 us | p99 us | p99.9 us | over memcached |\n")
                .append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (BenchRow r : rows) {
            Double base = memcached.get(r.workload());
            String over = base == null || r.subject().equals("memcached") ? "" : fmt("%.2fx", r.opsPerS() / base);
            md.append(fmt("| %s | %s | %d | %.0f | %,.0f | %.1f | %.1f | %.1f | %s |\n", r.subject(), r.workload(),
                    r.threads(), PeersSummary.num(r, "depth"), r.opsPerS(), PeersSummary.num(r, "p50_us"),
                    PeersSummary.num(r, "p99_us"), PeersSummary.num(r, "p999_us"), over));
        }
        md.append('\n');
    }

    static void generic(StringBuilder md, String file, List<BenchRow> rows) {
        md.append("## ").append(file).append("\n\n");
        md.append("| suite | subject | workload | threads | ops/s |\n| --- | --- | --- | ---: | ---: |\n");
        for (BenchRow r : rows) {
            md.append(fmt("| %s | %s | %s | %d | %,.0f |\n", r.suite(), r.subject(), r.workload(), r.threads(),
                    r.opsPerS()));
        }
        md.append('\n');
    }

    /** Charts of {@code peers.json} are {@code peers-*.png}; of {@code peers-2.json}, {@code peers-2-*.png}. */
    private static String prefix(String file, String suite) {
        String base = file.substring(0, file.length() - ".json".length());
        return base.equals(suite) ? suite : base;
    }

    /** Writes the chart into the charts directory and links it from the report. */
    private static void chart(StringBuilder md, BenchCharts.Bars bars, BenchReport.Options options, String file,
            List<Path> charts) throws IOException {
        Path png = options.chartsDir().resolve(file);
        BenchCharts.write(bars, png);
        charts.add(png);
        Path from = options.markdown().toAbsolutePath().getParent();
        String link = from.relativize(png.toAbsolutePath()).toString().replace('\\', '/');
        md.append("![").append(bars.seriesNames().size() > 0 ? file.replace(".png", "") : file).append("](")
                .append(link).append(")\n\n");
    }
}
