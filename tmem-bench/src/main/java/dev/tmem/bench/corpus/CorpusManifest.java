package dev.tmem.bench.corpus;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The JSON manifest beside a corpus ({@value PageCorpus#MANIFEST_FILE}): the parameters it was
 * built with (compared on reuse), the JDK, and its composition per source. Field names are written
 * in snake_case.
 *
 * @param format bumped when the file layout changes; a corpus of another format is rebuilt
 * @param jdk {@code java.runtime.version} of the JDK sampled (its {@code release} file when it is
 *     not the running one)
 * @param sources one per {@link PageKind}, in declaration order
 * @param created ISO-8601 instant of the build
 */
public record CorpusManifest(
        int format,
        int pageSize,
        int pages,
        long seed,
        String jdk,
        String javaHome,
        boolean heapDump,
        List<Source> sources,
        long zeroPages,
        long sameFilledPages,
        String created,
        double buildSeconds) {

    public static final int FORMAT = 1;

    /**
     * One source of pages.
     *
     * @param quota the pages asked of it at first; others make up what it could not give
     * @param files files that gave pages
     * @param skipped files passed over (unreadable, or not text)
     */
    public record Source(
            String kind, List<String> roots, int quota, long pages, long zeroPages, long sameFilledPages, int files,
            int skipped) {}

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT);

    public Source source(PageKind kind) {
        return sources.stream().filter(s -> s.kind().equals(kind.label())).findFirst().orElseThrow();
    }

    /** The roots sampled per kind, in {@link PageKind} order: what reuse compares besides the numbers. */
    List<List<String>> roots() {
        return sources.stream().map(Source::roots).toList();
    }

    void write(Path file) throws IOException {
        MAPPER.writeValue(file.toFile(), this);
    }

    static CorpusManifest read(Path file) throws IOException {
        return MAPPER.readValue(file.toFile(), CorpusManifest.class);
    }
}
