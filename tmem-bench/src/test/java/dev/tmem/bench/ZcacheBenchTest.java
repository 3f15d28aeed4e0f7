package dev.tmem.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tmem.bench.corpus.PageCorpus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZcacheBenchTest {

    @TempDir
    Path dir;

    @Test
    void measuresEveryCodecAloneAndInTheStoreAndWritesTheRows() throws IOException {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        var corpus = new PageCorpus.Options(256, 3, dir.resolve("corpus"), false,
                PageCorpus.Sources.system().withHeapDump(false));
        Path json = dir.resolve("bench/zcache.json");
        List<BenchRow> rows = ZcacheBench.run(new ZcacheBench.Options(true, corpus, json),
                new PrintStream(log, true, StandardCharsets.UTF_8));

        assertThat(rows).hasSize(4 * ZcacheBench.CODECS.size());
        for (String codec : ZcacheBench.CODECS) {
            for (String subject : List.of("codec-" + codec, "zcache-" + codec)) {
                assertThat(rows).filteredOn(r -> r.subject().equals(subject))
                        .extracting(BenchRow::workload).containsExactly("put", "get");
            }
        }
        for (BenchRow r : rows) {
            assertThat(r.opsPerS()).as("%s", r).isPositive();
            assertThat(((Number) r.extra().get("ratio")).doubleValue()).as("%s", r).isGreaterThanOrEqualTo(1.0);
            if (r.subject().startsWith("zcache-")) {
                assertThat(((Number) r.extra().get("density")).doubleValue()).isBetween(0.01, 1.0);
            }
        }
        // real pages compress: lz4 keeps less than it was given, and zcache keeps what the codec does
        double lz4 = ratio(rows, "codec-lz4"), zlz4 = ratio(rows, "zcache-lz4");
        assertThat(lz4).isGreaterThan(1.2);
        assertThat(zlz4).isGreaterThan(lz4 * 0.95);

        List<Map<String, Object>> written = BenchJson.read(json);
        assertThat(written).hasSize(rows.size());
        assertThat(written.getFirst()).containsEntry("suite", "zcache").containsKeys("ops_per_s", "ratio");
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("vs codec", "zcache-lz4");
    }

    private static double ratio(List<BenchRow> rows, String subject) {
        return rows.stream().filter(r -> r.subject().equals(subject)).findFirst()
                .map(r -> ((Number) r.extra().get("ratio")).doubleValue()).orElseThrow();
    }
}
