package dev.tmem.bench.corpus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PageCorpusTest {

    private static final int PAGES = 256;

    @TempDir
    Path dir;

    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private final PrintStream progress = new PrintStream(log, true, StandardCharsets.UTF_8);

    private PageCorpus.Options options(String out, int pages, long seed, PageCorpus.Sources sources) {
        return new PageCorpus.Options(pages, seed, dir.resolve(out), false, sources);
    }

    @Test
    void buildsTheRequestedPagesFromEverySourceOfThisMachine() throws IOException {
        try (Corpus corpus = PageCorpus.build(options("c", PAGES, 7, PageCorpus.Sources.system()), progress)) {
            assertThat(corpus.size()).isEqualTo(PAGES);
            assertThat(corpus.pages().byteSize()).isEqualTo((long) PAGES * PageCorpus.PAGE_SIZE);
            for (int i = 0; i < PAGES; i++) {
                assertThat(corpus.page(i).byteSize()).isEqualTo(PageCorpus.PAGE_SIZE);
            }
            assertThat(Files.size(dir.resolve("c").resolve(PageCorpus.DATA_FILE)))
                    .isEqualTo((long) PAGES * PageCorpus.PAGE_SIZE);
            CorpusManifest m = corpus.manifest();
            assertThat(m.pages()).isEqualTo(PAGES);
            assertThat(m.seed()).isEqualTo(7);
            assertThat(m.jdk()).isEqualTo(System.getProperty("java.runtime.version"));
            assertThat(m.sources()).extracting(CorpusManifest.Source::kind)
                    .containsExactly("jdk-modules", "shared-libs", "text", "heap-dump");
            for (PageKind kind : PageKind.values()) {
                assertThat(m.source(kind).pages()).as(kind.label()).isPositive();
                assertThat(m.source(kind).files()).as(kind.label()).isPositive();
            }
            assertThat(m.source(PageKind.JDK_MODULES).roots())
                    .containsExactly(Path.of(System.getProperty("java.home"), "lib", "modules").toString());
            assertThat(log.toString()).contains("GC.heap_dump");
        }
        assertThat(dir.resolve("c")).isDirectoryNotContaining("glob:**.hprof");
    }

    @Test
    void compositionAgreesWithARecountOfThePages() throws IOException {
        try (Corpus corpus = PageCorpus.build(options("c", PAGES, 11, PageCorpus.Sources.system()), progress)) {
            Map<PageKind, long[]> counts = new EnumMap<>(PageKind.class);
            for (int i = 0; i < corpus.size(); i++) {
                long[] c = counts.computeIfAbsent(corpus.kind(i), k -> new long[3]);
                byte[] page = corpus.page(i).toArray(ValueLayout.JAVA_BYTE);
                c[0]++;
                c[1] += isZero(page) ? 1 : 0;
                c[2] += isOnePatternRepeated(page) ? 1 : 0;
            }
            for (PageKind kind : PageKind.values()) {
                long[] c = counts.getOrDefault(kind, new long[3]);
                CorpusManifest.Source s = corpus.manifest().source(kind);
                assertThat(new long[] {s.pages(), s.zeroPages(), s.sameFilledPages()}).as(kind.label()).containsExactly(c);
                Composition.KindCount k = corpus.composition().of(kind);
                assertThat(new long[] {k.pages(), k.zeroPages(), k.sameFilledPages()}).as(kind.label()).containsExactly(c);
            }
            assertThat(corpus.manifest().zeroPages()).isEqualTo(corpus.composition().zeroPages());
            assertThat(corpus.manifest().sameFilledPages()).isEqualTo(corpus.composition().sameFilledPages());
            assertThat(corpus.composition().pages()).isEqualTo(PAGES);
        }
    }

    @Test
    void sameSeedGivesTheSameFilePagesAndHeapDumpPositions() throws IOException {
        PageCorpus.Sources sources = PageCorpus.Sources.system();
        try (Corpus a = PageCorpus.build(options("a", PAGES, 3, sources), progress);
                Corpus b = PageCorpus.build(options("b", PAGES, 3, sources), progress);
                Corpus other = PageCorpus.build(options("o", PAGES, 4, sources.withHeapDump(false)), progress)) {
            int filePages = 0;
            for (int i = 0; i < PAGES; i++) {
                assertThat(b.kind(i)).isEqualTo(a.kind(i));
                if (a.kind(i) != PageKind.HEAP_DUMP) {   // a dump differs from run to run
                    assertThat(b.page(i).mismatch(a.page(i))).as("page %d", i).isEqualTo(-1L);
                    filePages++;
                }
            }
            assertThat(filePages).isGreaterThan(PAGES / 2);
            assertThat(other.pages().mismatch(a.pages())).as("another seed samples other pages").isNotEqualTo(-1L);
        }
    }

    @Test
    void withoutTheHeapDumpTheFilePagesAreByteForByteReproducible() throws IOException {
        PageCorpus.Sources sources = PageCorpus.Sources.system().withHeapDump(false);
        try (Corpus a = PageCorpus.build(options("a", 64, 5, sources), progress);
                Corpus b = PageCorpus.build(options("b", 64, 5, sources), progress)) {
            assertThat(b.pages().mismatch(a.pages())).isEqualTo(-1L);
            assertThat(a.composition().of(PageKind.HEAP_DUMP).pages()).isZero();
        }
    }

    @Test
    void missingSourceDirectoriesAreMadeUpForByTheOthers() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        var sources = new PageCorpus.Sources(Path.of(System.getProperty("java.home")),
                List.of(dir.resolve("no-such-lib-dir")), List.of(empty), false);
        try (Corpus corpus = PageCorpus.build(options("c", 64, 1, sources), progress)) {
            assertThat(corpus.size()).isEqualTo(64);
            assertThat(corpus.manifest().source(PageKind.SHARED_LIBS).pages()).isZero();
            assertThat(corpus.manifest().source(PageKind.TEXT).pages()).isZero();
            assertThat(corpus.manifest().source(PageKind.JDK_MODULES).pages()).isEqualTo(64);
            assertThat(corpus.manifest().source(PageKind.SHARED_LIBS).roots())
                    .containsExactly(dir.resolve("no-such-lib-dir").toString());
        }
        assertThat(log.toString()).contains("pages short: made up by jdk-modules");
    }

    @Test
    void unreadableAndBinaryFilesAreSkippedNotFatal() throws IOException {
        Path text = Files.createDirectories(dir.resolve("text"));
        Files.writeString(text.resolve("readme.txt"), "real words\n".repeat(1_000));      // 3 pages
        Files.write(text.resolve("image.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, 0, 13});
        Path locked = Files.writeString(text.resolve("locked.txt"), "secret");
        boolean unreadable = locked.toFile().setReadable(false) && !Files.isReadable(locked);  // not as root
        var sources = new PageCorpus.Sources(dir.resolve("no-jdk"), List.of(), List.of(text), false);
        try (Corpus corpus = PageCorpus.build(options("c", 3, 1, sources), progress)) {
            assertThat(corpus.manifest().source(PageKind.TEXT).pages()).isEqualTo(3);
            assertThat(corpus.manifest().jdk()).isEqualTo("unknown");
            for (int i = 0; i < corpus.size(); i++) {
                String page = new String(corpus.page(i).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.ISO_8859_1);
                assertThat(page).doesNotContain("PNG");
                if (unreadable) {
                    assertThat(page).doesNotContain("secret");
                }
            }
        }
    }

    @Test
    void failsClearlyWhenTheSourcesHoldTooFewPages() throws IOException {
        var sources = new PageCorpus.Sources(dir.resolve("no-jdk"), List.of(), List.of(), false);
        assertThatThrownBy(() -> PageCorpus.build(options("c", 8, 1, sources), progress))
                .isInstanceOf(IOException.class).hasMessageContaining("hold only 0 of the 8 pages");
        assertThat(dir.resolve("c").resolve(PageCorpus.MANIFEST_FILE)).doesNotExist();
    }

    @Test
    void reusesAMatchingCorpusUnlessAskedToRebuild() throws IOException {
        PageCorpus.Sources sources = PageCorpus.Sources.system().withHeapDump(false);
        String created;
        try (Corpus first = PageCorpus.build(options("c", 32, 9, sources), progress)) {
            created = first.manifest().created();
        }
        try (Corpus again = PageCorpus.build(options("c", 32, 9, sources), progress)) {
            assertThat(again.manifest().created()).isEqualTo(created);
        }
        assertThat(log.toString()).contains("reusing");
        try (Corpus otherSeed = PageCorpus.build(options("c", 32, 10, sources), progress)) {
            assertThat(otherSeed.manifest().seed()).isEqualTo(10);
        }
        var rebuild = new PageCorpus.Options(32, 10, dir.resolve("c"), true, sources);
        try (Corpus rebuilt = PageCorpus.build(rebuild, progress);
                Corpus loaded = PageCorpus.load(dir.resolve("c"))) {
            assertThat(rebuilt.manifest().created()).isNotEqualTo(created);
            assertThat(loaded.pages().mismatch(rebuilt.pages())).isEqualTo(-1L);
        }
    }

    @Test
    void quotasSplitThePagesEvenly() {
        assertThat(PageCorpus.quotas(16_384, true)).containsExactly(4_096, 4_096, 4_096, 4_096);
        assertThat(PageCorpus.quotas(10, true)).containsExactly(3, 3, 2, 2);
        assertThat(PageCorpus.quotas(10, false)).containsExactly(4, 3, 3, 0);
    }

    private static boolean isZero(byte[] page) {
        for (byte b : page) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean isOnePatternRepeated(byte[] page) {
        for (int i = 8; i < page.length; i++) {
            if (page[i] != page[i % 8]) {
                return false;
            }
        }
        return true;
    }
}
