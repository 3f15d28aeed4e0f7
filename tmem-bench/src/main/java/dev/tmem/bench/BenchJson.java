package dev.tmem.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes {@link BenchRow}s as the JSON every {@code tmem bench SUITE} produces: a list of flat
 * objects, the fixed fields first, then the row's extra fields.
 *
 * <pre>
 * [ {"suite": "core", "subject": "tmem", "workload": "random-1GiB", "threads": 1, "ops_per_s": 1234567.8, ...extra}, ... ]
 * </pre>
 */
public final class BenchJson {

    /** The fixed fields, in the order they are written; extra fields may not reuse these names. */
    public static final List<String> FIXED_FIELDS = List.of("suite", "subject", "workload", "threads", "ops_per_s");

    private static final Set<String> FIXED = Set.copyOf(FIXED_FIELDS);
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private BenchJson() {}

    /** The row as the ordered map that is written. */
    public static Map<String, Object> toMap(BenchRow row) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("suite", row.suite());
        map.put("subject", row.subject());
        map.put("workload", row.workload());
        map.put("threads", row.threads());
        map.put("ops_per_s", jsonNumber(row.opsPerS()));
        row.extra().forEach((key, value) -> {
            if (FIXED.contains(key)) {
                throw new IllegalArgumentException("extra field " + key + " clashes with a fixed field");
            }
            map.put(key, value instanceof Double d ? jsonNumber(d) : value);
        });
        return map;
    }

    public static String toJson(List<BenchRow> rows) {
        List<Map<String, Object>> maps = new ArrayList<>(rows.size());
        rows.forEach(row -> maps.add(toMap(row)));
        try {
            return MAPPER.writeValueAsString(maps) + System.lineSeparator();
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialize bench rows", e);
        }
    }

    /** Writes the rows to {@code file}, creating its parent directories, replacing the file. */
    public static void write(List<BenchRow> rows, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, toJson(rows));
    }

    /**
     * Fails now, with a message naming {@code file}, if {@link #write} could not write it later:
     * called before a long run so that a bad path does not cost the run.
     */
    public static void checkWritable(Path file) throws IOException {
        Path target = file.toAbsolutePath();
        if (Files.isDirectory(target)) {
            throw new IOException("cannot write results to " + file + ": it is a directory");
        }
        try {
            Path parent = target.getParent();
            Files.createDirectories(parent);
            Files.deleteIfExists(Files.createTempFile(parent, ".write-check", ".tmp"));
        } catch (IOException | UnsupportedOperationException e) {
            throw new IOException("cannot write results to " + file + ": " + e, e);
        }
    }

    /** Reads rows written by {@link #write}: each as an ordered map of its JSON fields. */
    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> read(Path file) throws IOException {
        return MAPPER.readValue(file.toFile(), List.class);
    }

    /**
     * A row read back from its map ({@link #read}): the fixed fields, and every other field as an
     * extra in the map's order. Fails naming the field if a fixed one is missing or of the wrong type.
     */
    public static BenchRow fromMap(Map<String, Object> map) {
        Map<String, Object> extra = new LinkedHashMap<>(map);
        FIXED_FIELDS.forEach(extra::remove);
        Object ops = map.get("ops_per_s");
        return new BenchRow(text(map, "suite"), text(map, "subject"), text(map, "workload"),
                number(map, "threads").intValue(), ops == null ? Double.NaN : number(map, "ops_per_s").doubleValue(),
                extra);
    }

    private static String text(Map<String, Object> map, String field) {
        if (map.get(field) instanceof String s) {
            return s;
        }
        throw new IllegalArgumentException("row has no text field \"" + field + "\": " + map);
    }

    private static Number number(Map<String, Object> map, String field) {
        if (map.get(field) instanceof Number n) {
            return n;
        }
        throw new IllegalArgumentException("row has no number field \"" + field + "\": " + map);
    }

    /** JSON has no NaN or infinity: those become null; other values keep 3 decimals at most. */
    private static Object jsonNumber(double value) {
        if (!Double.isFinite(value)) {
            return null;
        }
        return Math.round(value * 1000.0) / 1000.0;
    }
}
