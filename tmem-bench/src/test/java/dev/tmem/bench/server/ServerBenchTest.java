package dev.tmem.bench.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tmem.bench.BenchJson;
import dev.tmem.bench.BenchRow;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server benchmark end to end in a tiny configuration: real processes, real sockets, a second each. */
class ServerBenchTest {

    @TempDir
    Path dir;

    @Test
    void drivesTmemServerAndMemcachedIfInstalledAndWritesTheRows() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Path json = dir.resolve("server.json");
        var options = new ServerBench.Options("test", 0.2, 0.5, 2, 8, 32L << 20, 4L << 20, dir.resolve("no-corpus"),
                json, true);
        List<BenchRow> rows = ServerBench.run(options, new PrintStream(log, true, StandardCharsets.UTF_8));

        String out = log.toString(StandardCharsets.UTF_8);
        boolean memcached = ServerProcess.findMemcached().isPresent();
        assertThat(rows).hasSize(memcached ? 6 : 4);
        assertThat(rows).extracting(BenchRow::subject).contains("tmem", "tmem-raw");
        assertThat(out).contains(memcached ? "memcached" : "memcached not found: install");
        for (BenchRow r : rows) {
            assertThat(r.suite()).isEqualTo("server");
            assertThat(r.workload()).isIn("set10-get90", "set50-get50");
            assertThat(r.opsPerS()).isPositive();
            double p50 = ((Number) r.extra().get("p50_us")).doubleValue();
            double p99 = ((Number) r.extra().get("p99_us")).doubleValue();
            assertThat(p50).isPositive().isLessThanOrEqualTo(p99);
            // every key was set before the runs and the working set fits: gets hit
            assertThat(((Number) r.extra().get("hit_ratio")).doubleValue()).as("%s", r).isGreaterThan(0.95);
        }
        List<Map<String, Object>> written = BenchJson.read(json);
        assertThat(written).hasSize(rows.size());
        assertThat(written.getFirst()).containsKeys("ops_per_s", "p99_us");
    }

    @Test
    void valuesAreRandomWithoutACorpus() throws Exception {
        ServerBench.ValueSet v = ServerBench.values(dir);
        assertThat(v.kind()).startsWith("random");
        assertThat(v.pages()).hasNumberOfRows(256);
        assertThat(v.pages()[0]).hasSize(4096).isNotEqualTo(v.pages()[1]);
    }
}
