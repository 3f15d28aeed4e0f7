package dev.tmem.bench;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One result of a {@code tmem bench} suite: how fast one subject (a system measured) ran one workload
 * with a number of threads. Every suite writes its rows in this shape (see {@link BenchJson}), so
 * any two subjects compare workload by workload.
 *
 * @param suite the suite, {@code "core"} for {@link CoreBench}
 * @param subject the system measured: {@code "tmem"}, or a baseline such as {@code "memcpy"}
 * @param workload what was run, such as {@code "random-1GiB"}
 * @param threads threads issuing operations
 * @param opsPerS operations per second, all threads together; each suite defines its operation
 * @param extra further fields written after the fixed ones, in this map's order (JSON names in
 *     snake_case; values are numbers, strings or booleans)
 */
public record BenchRow(
        String suite, String subject, String workload, int threads, double opsPerS, Map<String, Object> extra) {

    public BenchRow {
        Objects.requireNonNull(suite, "suite");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(workload, "workload");
        extra = extra == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(extra));
    }
}
