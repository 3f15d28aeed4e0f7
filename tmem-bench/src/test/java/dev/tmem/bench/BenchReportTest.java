package dev.tmem.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report from small hand-made result files: its tables, its headline ratios, its charts, its errors. */
class BenchReportTest {

    @TempDir
    Path dir;

    @Test
    void turnsEveryResultFileIntoTablesAndPngCharts() throws Exception {
        Path bench = Files.createDirectories(dir.resolve("target/bench"));
        BenchJson.write(peersRows(), bench.resolve("peers.json"));
        BenchJson.write(List.of(
                new BenchRow("zcache", "codec-lz4", "put", 1, 150_000, Map.of("ratio", 1.93)),
                new BenchRow("zcache", "codec-lz4", "get", 1, 700_000, Map.of("ratio", 1.93)),
                new BenchRow("zcache", "zcache-lz4", "put", 1, 140_000, Map.of("ratio", 1.93, "density", 0.933)),
                new BenchRow("zcache", "zcache-lz4", "get", 1, 600_000, Map.of("ratio", 1.93, "density", 0.933)),
                new BenchRow("zcache", "codec-zstd", "put", 1, 60_000, Map.of("ratio", 2.63)),
                new BenchRow("zcache", "zcache-zstd", "put", 1, 59_000, Map.of("ratio", 2.63, "density", 0.927))),
                bench.resolve("zcache.json"));
        BenchJson.write(List.of(
                new BenchRow("core", "memcpy", "random-64MiB", 1, 2_000_000, Map.of("mode", "full")),
                new BenchRow("core", "tmem", "random-64MiB", 1, 800_000, Map.of("tmem_over_memcpy", 0.4))),
                bench.resolve("core.json"));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        var options = BenchReport.Options.defaults(dir);

        BenchReport.Report report = BenchReport.run(options, new PrintStream(log, true, StandardCharsets.UTF_8));

        String md = Files.readString(dir.resolve("docs/BENCHMARKS.md"));
        assertThat(md).contains("2-core shared", "ratios", "## Machine", "| JDK |", Runtime.version().toString());
        assertThat(md).contains("./tmem bench peers --quick", "./tmem bench zcache", "./tmem bench core --full",
                "./tmem bench report");
        // tmem-raw 3.0M vs the best peer (ohc, 1.5M; caffeine is slower): 2.00x, p99 1.0 <= 2.0
        assertThat(md).contains("tmem-raw ops/s over the best peer's: 2.00x to 2.00x",
                "met in 1 of 1 cases");
        // zcache 1,800 B/page on the corpus vs ohc's 4,500 (caffeine 6,000): 0.40x, met
        assertThat(md).contains("tmem-zcache-lz4 memory per page on corpus-256MiB (process RSS growth / pages held):"
                + " 1,800 B vs 4,500 B (ohc, the leanest peer): 0.40x (goal <= 0.5x: met)");
        // by the stores' own off-heap counts: 1,700 vs ohc's 4,400 (caffeine has none: left out)
        assertThat(md).contains("tmem-zcache-lz4 off-heap bytes per page on corpus-256MiB (each store's own count):"
                + " 1,700 B vs 4,400 B (ohc): 0.39x");
        assertThat(md).contains("| tmem-raw | corpus-256MiB-set10-get90 | 1 | 3,000,000 | ±5% |");
        assertThat(md).contains("| zcache-lz4 | put | 140,000 | 1.93 | 0.933 |");
        assertThat(md).contains("| tmem | random-64MiB | 1 | 800,000 | 0.40 |");
        assertThat(md).contains("--add-opens=java.base/java.lang=ALL-UNNAMED"); // chronicle's flags in the setup table

        assertThat(report.charts()).extracting(p -> p.getFileName().toString()).containsExactlyInAnyOrder(
                "peers-throughput-256MiB.png", "peers-p99-256MiB.png", "peers-memory.png", "zcache-codecs.png",
                "zcache-ratio.png", "core-throughput.png");
        for (Path png : report.charts()) {
            assertThat(png).startsWith(dir.resolve("docs/bench"));
            BufferedImage image = ImageIO.read(png.toFile());
            assertThat(image).as("%s is a PNG", png).isNotNull();
            assertThat(image.getWidth()).isEqualTo(BenchCharts.WIDTH);
            assertThat(md).contains("](bench/" + png.getFileName() + ")");
        }
        assertThat(System.getProperty("java.awt.headless")).isEqualTo("true");
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("read 3 result files", "wrote ");
    }

    @Test
    void eachFileIsReportedAsTheSuiteItsRowsNameWithItsOwnCharts() throws Exception {
        Path bench = Files.createDirectories(dir.resolve("target/bench"));
        BenchJson.write(List.of(new BenchRow("core", "tmem", "random-1GiB", 2, 900_000, Map.of("mode", "full"))),
                bench.resolve("core-full.json"));
        BenchJson.write(List.of(new BenchRow("cluster", "tmem", "get", 4, 123_456, Map.of())),
                bench.resolve("cluster.json"));

        BenchReport.Report report = BenchReport.run(BenchReport.Options.defaults(dir), quiet());

        String md = Files.readString(dir.resolve("docs/BENCHMARKS.md"));
        assertThat(md).contains("./tmem bench core --full --json target/bench/core-full.json",
                "## The engine beside a bare copy (`core-full.json`)", "| tmem | random-1GiB | 2 | 900,000 |",
                "## cluster.json", "| cluster | tmem | get | 4 | 123,456 |");
        assertThat(report.charts()).extracting(p -> p.getFileName().toString())
                .containsExactly("core-full-throughput.png");
    }

    @Test
    void serverRowsAreComparedWithMemcachedWorkloadByWorkload() throws Exception {
        Path bench = Files.createDirectories(dir.resolve("target/bench"));
        Map<String, Object> quick = Map.of("mode", "quick", "depth", 16, "p50_us", 100.0, "p99_us", 900.0,
                "p999_us", 2000.0);
        BenchJson.write(List.of(
                new BenchRow("server", "tmem", "set10-get90", 2, 120_000, quick),
                new BenchRow("server", "tmem", "set50-get50", 2, 60_000, quick),
                new BenchRow("server", "memcached", "set10-get90", 2, 100_000, quick),
                new BenchRow("server", "memcached", "set50-get50", 2, 80_000, quick)), bench.resolve("server.json"));

        BenchReport.Report report = BenchReport.run(BenchReport.Options.defaults(dir), quiet());

        String md = Files.readString(dir.resolve("docs/BENCHMARKS.md"));
        assertThat(md).contains("./tmem bench server\n", "## tmem server beside memcached (`server.json`)",
                "| tmem | set10-get90 | 2 | 16 | 120,000 | 100.0 | 900.0 | 2000.0 | 1.20x |",
                "| tmem | set50-get50 | 2 | 16 | 60,000 | 100.0 | 900.0 | 2000.0 | 0.75x |",
                "| memcached | set10-get90 | 2 | 16 | 100,000 | 100.0 | 900.0 | 2000.0 |  |");
        assertThat(report.charts()).extracting(p -> p.getFileName().toString())
                .containsExactly("server-throughput.png");
    }

    @Test
    void badJsonFailsNamingTheFile() throws IOException {
        Path bench = Files.createDirectories(dir.resolve("target/bench"));
        Path broken = Files.writeString(bench.resolve("peers.json"), "[{\"suite\": \"peers\", ");

        assertThatThrownBy(() -> BenchReport.run(BenchReport.Options.defaults(dir), quiet()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(broken.toString())
                .hasMessageContaining("not a JSON list of rows");
        assertThat(dir.resolve("docs/BENCHMARKS.md")).doesNotExist();
    }

    @Test
    void rowsWithoutTheFixedFieldsFailNamingTheRow() throws IOException {
        Path bench = Files.createDirectories(dir.resolve("target/bench"));
        Files.writeString(bench.resolve("core.json"),
                "[{\"suite\": \"core\", \"subject\": \"tmem\", \"workload\": \"w\", \"threads\": 1, \"ops_per_s\": 1},"
                        + " {\"suite\": \"core\", \"workload\": \"w\", \"threads\": 1, \"ops_per_s\": 1}]");
        assertThatThrownBy(() -> BenchReport.run(BenchReport.Options.defaults(dir), quiet()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("core.json")
                .hasMessageContaining("row 1")
                .hasMessageContaining("\"subject\"");

        Files.writeString(bench.resolve("core.json"), "[1, 2]");
        assertThatThrownBy(() -> BenchReport.run(BenchReport.Options.defaults(dir), quiet()))
                .hasMessageContaining("row 0 is not an object");
    }

    @Test
    void noResultsSaysWhichBenchesToRun() throws IOException {
        Files.createDirectories(dir.resolve("target/bench"));
        assertThatThrownBy(() -> BenchReport.run(BenchReport.Options.defaults(dir), quiet()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("no bench results")
                .hasMessageContaining("./tmem bench");
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    }

    /** tmem-raw twice ohc's ops/s with a better p99; zcache at 0.4 of ohc's memory per page. */
    private static List<BenchRow> peersRows() {
        List<BenchRow> rows = new ArrayList<>();
        rows.add(peer("tmem-raw", 3_000_000, 1.0, 4_300, 2_850_000, 3_150_000));
        rows.add(peer("tmem-zcache-lz4", 700_000, 6.0, 1_800, 690_000, 710_000));
        rows.add(peer("ohc", 1_500_000, 2.0, 4_500, 1_400_000, 1_600_000));
        rows.add(peer("caffeine", 1_000_000, 9.0, 6_000, 900_000, 1_100_000));
        rows.add(peer("chronicle-map", 800_000, 2.5, 6_100, 700_000, 900_000));
        return rows;
    }

    private static BenchRow peer(String subject, double ops, double p99, double bytesPerPage, double min, double max) {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("data", "corpus");
        extra.put("working_set", "256MiB");
        extra.put("mix", "set10-get90");
        extra.put("p50_us", p99 / 4);
        extra.put("p99_us", p99);
        extra.put("p999_us", p99 * 3);
        extra.put("bytes_per_page", bytesPerPage);
        extra.put("rss_bytes_per_page", bytesPerPage + 1000);
        extra.put("off_heap_bytes_per_page", subject.equals("caffeine") ? 0.0 : bytesPerPage - 100);
        extra.put("pages_held", 65_536);
        extra.put("hit_ratio", 1.0);
        extra.put("ops_per_s_min", min);
        extra.put("ops_per_s_max", max);
        extra.put("budget_bytes", 320L << 20);
        extra.put("mode", "quick");
        extra.put("config", subject + " as configured");
        return new BenchRow("peers", subject, "corpus-256MiB-set10-get90", 1, ops, extra);
    }
}
