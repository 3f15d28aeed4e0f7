package dev.tmem.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tmem.bench.corpus.PageCorpus;
import dev.tmem.bench.peers.Mix;
import dev.tmem.bench.peers.PeerWorkload;
import dev.tmem.bench.peers.Subject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tmem bench peers} end to end in a tiny configuration: every subject in its child JVM. */
class PeersBenchTest {

    @TempDir
    Path dir;

    @Test
    void runsEverySubjectInItsOwnJvmOnBothDataSetsAndWritesRowsWithLatencyAndMemory() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        var corpus = new PageCorpus.Options(256, 3, dir.resolve("corpus"), false,
                PageCorpus.Sources.system().withHeapDump(false));
        Path json = dir.resolve("bench/peers.json");
        long workingSet = 1L << 20; // 256 pages
        var options = new PeersBench.Options("test", new PeerWorkload.Plan(0, 1, 100), List.of(Subject.values()),
                List.of(workingSet), List.of(Mix.SET50_GET50), List.of(1, 2), PeersBench.DATA, corpus, json);

        List<BenchRow> rows = PeersBench.run(options, new PrintStream(log, true, StandardCharsets.UTF_8));

        int expected = Subject.values().length * PeersBench.DATA.size() * 2;
        assertThat(rows).hasSize(expected);
        for (Subject s : Subject.values()) {
            for (String data : PeersBench.DATA) {
                assertThat(rows).filteredOn(r -> r.subject().equals(s.label())
                                && r.workload().equals(data + "-1MiB-set50-get50"))
                        .extracting(BenchRow::threads).containsExactly(1, 2);
            }
        }
        for (BenchRow r : rows) {
            assertThat(r.suite()).isEqualTo("peers");
            assertThat(r.opsPerS()).as("%s", r).isPositive();
            assertThat(PeersSummary.num(r, "p99_us")).as("%s", r).isPositive();
            assertThat(PeersSummary.num(r, "p99_us")).isGreaterThanOrEqualTo(PeersSummary.num(r, "p50_us"));
            assertThat(PeersSummary.num(r, "pages_held")).as("%s holds the whole working set", r).isEqualTo(256.0);
            assertThat(PeersSummary.num(r, "hit_ratio")).as("%s: the budget fits, every get hits", r).isEqualTo(1.0);
            assertThat(PeersSummary.num(r, "rss_bytes_per_page")).as("%s", r).isPositive();
            assertThat(r.extra()).containsKeys("bytes_per_page", "off_heap_bytes_per_page", "ops_per_s_min",
                    "ops_per_s_max", "config");
            assertThat(PeersSummary.num(r, "fill_refused")).isZero();
        }

        List<Map<String, Object>> written = BenchJson.read(json);
        assertThat(written).hasSize(expected);
        assertThat(written.getFirst()).containsKeys("suite", "subject", "workload", "threads", "ops_per_s", "p99_us",
                "bytes_per_page");
        String out = log.toString(StandardCharsets.UTF_8);
        assertThat(out).contains("[1/" + expected + "]", "[" + expected + "/" + expected + "]", "p99 us", "B/page",
                "tmem-raw ops/s over the best peer's", "wrote " + json);
    }
}
