package dev.tmem.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchJsonTest {

    @TempDir
    Path dir;

    @Test
    void writesAListOfFlatRowsWithTheFixedFieldsFirstThenTheExtras() throws Exception {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("page_size", 4096);
        extra.put("ops_per_s_error", Double.NaN);
        List<BenchRow> rows = List.of(
                new BenchRow("core", "memcpy", "random-1GiB", 1, 2_000_000.25, Map.of()),
                new BenchRow("core", "tmem", "random-1GiB", 2, 1_000_000.0, extra));
        Path file = dir.resolve("target/bench/core.json");

        BenchJson.write(rows, file);
        List<Map<String, Object>> read = BenchJson.read(file);

        assertThat(read).hasSize(2);
        assertThat(read.get(0)).containsExactly(
                Map.entry("suite", "core"),
                Map.entry("subject", "memcpy"),
                Map.entry("workload", "random-1GiB"),
                Map.entry("threads", 1),
                Map.entry("ops_per_s", 2_000_000.25));
        assertThat(read.get(1).keySet())
                .containsExactly("suite", "subject", "workload", "threads", "ops_per_s", "page_size", "ops_per_s_error");
        assertThat(read.get(1)).containsEntry("threads", 2).containsEntry("page_size", 4096);
        assertThat(read.get(1).get("ops_per_s_error")).as("NaN is not JSON").isNull();
    }

    @Test
    void metadataRowCarriesItsFigures() {
        BenchRow row = new MetadataBench.Result(10_000_000L, 1.5e6, 400_000_000L, 410_000_000L, 6.7).toRow();

        Map<String, Object> map = BenchJson.toMap(row);

        assertThat(map).containsEntry("suite", "core").containsEntry("subject", "tmem")
                .containsEntry("workload", "metadata-10M").containsEntry("threads", 1)
                .containsEntry("ops_per_s", 1.5e6).containsEntry("meta_bytes_per_page", 40.0)
                .containsEntry("heap_bytes_per_page", 41.0).containsEntry("pages", 10_000_000L);
    }

    @Test
    void extraFieldsMayNotShadowFixedFields() {
        BenchRow row = new BenchRow("core", "tmem", "random-64MiB", 1, 1.0, Map.of("threads", 3));

        assertThatThrownBy(() -> BenchJson.toMap(row)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("threads");
    }

    @Test
    void coreSuiteHasEightCasesAndRatiosOnlyOnTmemRows() {
        List<BenchRow> rows = CoreBench.cases().stream()
                .map(c -> new BenchRow("core", c.subject(), c.workload(), c.threads(),
                        c.subject().equals("tmem") ? 50.0 : 100.0, Map.of()))
                .toList();

        List<BenchRow> withRatios = CoreBench.withRatios(rows);

        assertThat(withRatios).hasSize(8);
        assertThat(withRatios).allSatisfy(row -> {
            if (row.subject().equals("tmem")) {
                assertThat(row.extra()).containsEntry("tmem_over_memcpy", 0.5);
            } else {
                assertThat(row.extra()).doesNotContainKey("tmem_over_memcpy");
            }
        });
    }

    @org.junit.jupiter.api.Test
    void checkWritable_failsEarlyAndNamesTheFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path blocker = java.nio.file.Files.writeString(dir.resolve("file"), "x");
        java.nio.file.Path underAFile = blocker.resolve("core.json");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> BenchJson.checkWritable(underAFile))
                .isInstanceOf(java.io.IOException.class)
                .hasMessageContaining(underAFile.toString());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> BenchJson.checkWritable(dir))
                .isInstanceOf(java.io.IOException.class)
                .hasMessageContaining("is a directory");
        java.nio.file.Path ok = dir.resolve("a/b/core.json");
        BenchJson.checkWritable(ok);
        org.assertj.core.api.Assertions.assertThat(java.nio.file.Files.isDirectory(ok.getParent())).isTrue();
        try (var left = java.nio.file.Files.list(ok.getParent())) {
            org.assertj.core.api.Assertions.assertThat(left).as("no probe file left behind").isEmpty();
        }
    }
}
