package dev.tmem.bench.corpus;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Random;
import java.util.regex.Pattern;

/**
 * Builds and loads a corpus of real 4 KiB pages (see the package comment).
 *
 * <p><b>What is sampled.</b> Each {@link PageKind} is asked for an equal share of the pages (a
 * quarter each; a third each without the heap dump): the JDK's {@code lib/modules} at random page
 * offsets; {@code *.so*} files under the library directories, at most {@value #LIB_PAGES_PER_FILE}
 * random pages a file; regular files under the text directories that hold text (gzip files
 * decompressed), at most their first {@value #TEXT_PAGES_PER_FILE} pages; and an HPROF dump of a
 * child JVM ({@link HeapDumpSource}). A source that cannot give its share (a directory missing,
 * files unreadable) is made up for by the others in equal parts, so the corpus has the pages asked
 * for unless all sources together run dry, which is an error. Pages of all kinds are stored in an
 * order shuffled by the seed, so any run of pages is a mix.
 *
 * <p><b>Determinism.</b> One seed, one set of source files and one JDK give the same pages in the
 * same order, byte for byte, except the heap-dump pages: a dump differs from run to run (see
 * {@link HeapDumpSource}), so only their number and positions repeat.
 *
 * <p><b>Files</b>, in the output directory: {@value #DATA_FILE} (the pages back to back), {@value
 * #KINDS_FILE} (one byte per page, the {@link PageKind} ordinal) and {@value #MANIFEST_FILE} (see
 * {@link CorpusManifest}), written last, so a build cut short leaves no manifest and is redone. A
 * later build with the same parameters reuses the files unless asked to rebuild.
 */
public final class PageCorpus {

    public static final int PAGE_SIZE = 4096;
    public static final int DEFAULT_PAGES = 16_384;
    public static final long DEFAULT_SEED = 42;
    /** 1 GiB of pages: the builder holds them all in memory once. */
    public static final int MAX_PAGES = 262_144;
    public static final String DATA_FILE = "pages-4k.bin";
    public static final String KINDS_FILE = "pages-4k.kinds";
    public static final String MANIFEST_FILE = "manifest.json";

    static final int LIB_PAGES_PER_FILE = 32;
    static final int TEXT_PAGES_PER_FILE = 8;
    private static final Pattern SHARED_LIB = Pattern.compile(".*\\.so(\\.[0-9]+)*");
    private static final long SLOT_SALT = 0x5EED_51075L;

    /**
     * Where the pages come from.
     *
     * @param javaHome the JDK whose {@code lib/modules} is sampled and whose {@code java} and
     *     {@code jcmd} make the heap dump
     * @param libDirs searched for shared libraries
     * @param textDirs searched for text files
     * @param heapDump whether to dump a child JVM's heap
     */
    public record Sources(Path javaHome, List<Path> libDirs, List<Path> textDirs, boolean heapDump) {

        public Sources {
            Objects.requireNonNull(javaHome, "javaHome");
            libDirs = List.copyOf(libDirs);
            textDirs = List.copyOf(textDirs);
        }

        /** This machine's: the running JDK, {@code /usr/lib}, documentation, licences and man pages. */
        public static Sources system() {
            return new Sources(Path.of(System.getProperty("java.home")), List.of(Path.of("/usr/lib")),
                    List.of(Path.of("/usr/share/doc"), Path.of("/usr/share/common-licenses"), Path.of("/usr/share/man")),
                    true);
        }

        public Sources withHeapDump(boolean on) {
            return new Sources(javaHome, libDirs, textDirs, on);
        }
    }

    /**
     * @param pages pages in the corpus, 1 to {@value #MAX_PAGES}
     * @param seed fixes which pages are sampled and their order
     * @param outDir where the corpus files go (created)
     * @param rebuild build even if a corpus with these parameters is there
     */
    public record Options(int pages, long seed, Path outDir, boolean rebuild, Sources sources) {

        public Options {
            if (pages < 1 || pages > MAX_PAGES) {
                throw new IllegalArgumentException("pages must be 1.." + MAX_PAGES + ", not " + pages);
            }
            Objects.requireNonNull(outDir, "outDir");
            Objects.requireNonNull(sources, "sources");
        }

        /** The defaults, this machine's sources, into {@code outDir}. */
        public static Options defaults(Path outDir) {
            return new Options(DEFAULT_PAGES, DEFAULT_SEED, outDir, false, Sources.system());
        }
    }

    private PageCorpus() {}

    /** Maps the corpus in {@code dir} (built before); see {@link Corpus}. */
    public static Corpus load(Path dir) throws IOException {
        return Corpus.open(dir.toAbsolutePath().normalize());
    }

    /**
     * Builds the corpus, or reuses the one in {@code options.outDir()} if its manifest shows the same
     * parameters, JDK and sources (and {@code rebuild} is off); returns it mapped.
     *
     * @param progress one line per source as it is sampled
     * @throws IOException if the output cannot be written, or all sources together hold fewer pages
     *     than asked for
     */
    public static Corpus build(Options options, PrintStream progress) throws IOException {
        Path dir = options.outDir().toAbsolutePath().normalize();
        if (!options.rebuild() && reusable(options, dir)) {
            try {
                Corpus corpus = Corpus.open(dir);
                progress.printf("tmem corpus: reusing %s (built %s; --rebuild to build again)%n", dir,
                        corpus.manifest().created());
                return corpus;
            } catch (IOException e) {
                progress.println("tmem corpus: cannot reuse " + dir + " (" + e.getMessage() + "); building");
            }
        }
        Files.createDirectories(dir);
        Files.deleteIfExists(dir.resolve(MANIFEST_FILE));
        long start = System.nanoTime();
        int n = options.pages();
        progress.printf(Locale.ROOT, "tmem corpus: building %,d pages of 4 KiB (%,d MiB, seed %d) in %s%n", n,
                ((long) n * PAGE_SIZE) >> 20, options.seed(), dir);
        int[] quotas = quotas(n, options.sources().heapDump());
        List<PageSource> sources = sources(options, dir, quotas, true);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate((long) n * PAGE_SIZE, Long.BYTES);
            byte[] kinds = new byte[n];
            Filler filler = new Filler(data, kinds, permutation(n, new Random(options.seed() ^ SLOT_SALT)));
            sample(sources, quotas, filler, progress);
            if (filler.filled < n) {
                throw new IOException("the sources hold only " + filler.filled + " of the " + n
                        + " pages asked for (see above); ask for fewer pages or point at more files");
            }
            Composition composition = Composition.count(data, kinds, PAGE_SIZE);
            write(dir, data, kinds, manifest(options, sources, quotas, composition, start));
        } finally {
            sources.forEach(PageSource::close);
        }
        return Corpus.open(dir);
    }

    /** Places the i-th page produced at slot {@code slots[i]}. */
    private static final class Filler {
        final MemorySegment data;
        final byte[] kinds;
        final int[] slots;
        int filled;

        Filler(MemorySegment data, byte[] kinds, int[] slots) {
            this.data = data;
            this.kinds = kinds;
            this.slots = slots;
        }

        int take(PageSource source, int want) {
            byte kind = (byte) source.kind().ordinal();
            return source.take(Math.min(want, slots.length - filled), page -> {
                int slot = slots[filled++];
                MemorySegment.copy(MemorySegment.ofArray(page), 0, data, (long) slot * PAGE_SIZE, PAGE_SIZE);
                kinds[slot] = kind;
            });
        }
    }

    /** Asks each source for its quota, then the sources not yet dry for the shortfall, equally. */
    private static void sample(List<PageSource> sources, int[] quotas, Filler filler, PrintStream progress) {
        boolean[] dry = new boolean[sources.size()];
        for (int i = 0; i < sources.size(); i++) {
            PageSource source = sources.get(i);
            long t0 = System.nanoTime();
            int got = quotas[i] == 0 ? 0 : filler.take(source, quotas[i]);
            dry[i] = got < quotas[i] || quotas[i] == 0 && source.kind() == PageKind.HEAP_DUMP;  // not started
            progress.printf(Locale.ROOT, "[%d/%d] %-12s %,7d pages from %,d file%s%s (%.1f s)%n", i + 1, sources.size(),
                    source.kind().label(), got, source.filesUsed(), source.filesUsed() == 1 ? "" : "s",
                    source.filesSkipped() > 0 ? ", " + source.filesSkipped() + " skipped" : "",
                    (System.nanoTime() - t0) / 1e9);
            source.notes().forEach(note -> progress.println("      " + note));
        }
        while (filler.filled < filler.slots.length) {
            List<Integer> open = new ArrayList<>();
            for (int i = 0; i < dry.length; i++) {
                if (!dry[i]) {
                    open.add(i);
                }
            }
            if (open.isEmpty()) {
                return;
            }
            int missing = filler.slots.length - filler.filled;
            int each = Math.max(1, (missing + open.size() - 1) / open.size());
            StringBuilder made = new StringBuilder();
            for (int i : open) {
                int got = filler.take(sources.get(i), each);
                dry[i] |= got < each;
                made.append(made.isEmpty() ? "" : ", ").append(sources.get(i).kind().label()).append(" +").append(got);
            }
            progress.printf(Locale.ROOT, "      %,d pages short: made up by %s%n", missing, made);
        }
    }

    static int[] quotas(int n, boolean heapDump) {
        int kinds = heapDump ? PageKind.values().length : PageKind.values().length - 1;
        int[] quotas = new int[PageKind.values().length];
        for (int i = 0; i < kinds; i++) {
            quotas[i] = n / kinds + (i < n % kinds ? 1 : 0);
        }
        return quotas;
    }

    /** One source per {@link PageKind}, in its order; if {@code start}, the heap dump's child JVM is launched. */
    private static List<PageSource> sources(Options options, Path dir, int[] quotas, boolean start) {
        Sources s = options.sources();
        long seed = options.seed();
        List<PageSource> list = new ArrayList<>();
        list.add(new FileSource(PageKind.JDK_MODULES, List.of(s.javaHome().resolve("lib/modules")), file -> true,
                FileSource.Mode.RANDOM_PAGES, Integer.MAX_VALUE, seed ^ 1));
        list.add(new FileSource(PageKind.SHARED_LIBS, s.libDirs(),
                file -> SHARED_LIB.matcher(file.getFileName().toString()).matches(),
                FileSource.Mode.RANDOM_PAGES, LIB_PAGES_PER_FILE, seed ^ 2));
        list.add(new FileSource(PageKind.TEXT, s.textDirs(), file -> true, FileSource.Mode.TEXT_PREFIX,
                TEXT_PAGES_PER_FILE, seed ^ 3));
        HeapDumpSource heap = new HeapDumpSource(s.javaHome(), dir, heapLiveBytes(quotas[PageKind.HEAP_DUMP.ordinal()]),
                seed ^ 4);
        if (start && s.heapDump() && quotas[PageKind.HEAP_DUMP.ordinal()] > 0) {
            heap.start();
        }
        list.add(heap);
        return list;
    }

    /** Live bytes for the heap dump: half again its quota (a dump is about as big as the live set), at least 4 MiB. */
    static long heapLiveBytes(int quota) {
        return Math.max(4L << 20, (long) quota * PAGE_SIZE * 3 / 2) >> 20 << 20;
    }

    static int[] permutation(int n, Random random) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            int j = random.nextInt(i + 1);
            p[i] = p[j];
            p[j] = i;
        }
        return p;
    }

    private static boolean reusable(Options options, Path dir) {
        Path file = dir.resolve(MANIFEST_FILE);
        if (!Files.isRegularFile(file)) {
            return false;
        }
        try {
            CorpusManifest m = CorpusManifest.read(file);
            List<PageSource> expected = sources(options, dir, new int[PageKind.values().length], false);
            List<List<String>> roots = expected.stream().map(PageSource::roots).toList();
            expected.forEach(PageSource::close);
            return m.format() == CorpusManifest.FORMAT && m.pageSize() == PAGE_SIZE && m.pages() == options.pages()
                    && m.seed() == options.seed() && m.heapDump() == options.sources().heapDump()
                    && Objects.equals(m.javaHome(), options.sources().javaHome().toString())
                    && Objects.equals(m.jdk(), jdkVersion(options.sources().javaHome()))
                    && Objects.equals(m.roots().subList(0, 3), roots.subList(0, 3));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static CorpusManifest manifest(Options options, List<PageSource> sources, int[] quotas,
            Composition composition, long startNanos) {
        List<CorpusManifest.Source> list = new ArrayList<>();
        for (int i = 0; i < sources.size(); i++) {
            PageSource s = sources.get(i);
            Composition.KindCount c = composition.of(s.kind());
            list.add(new CorpusManifest.Source(s.kind().label(), s.roots(), quotas[i], c.pages(), c.zeroPages(),
                    c.sameFilledPages(), s.filesUsed(), s.filesSkipped()));
        }
        Path javaHome = options.sources().javaHome();
        return new CorpusManifest(CorpusManifest.FORMAT, PAGE_SIZE, options.pages(), options.seed(),
                jdkVersion(javaHome), javaHome.toString(), options.sources().heapDump(), list,
                composition.zeroPages(), composition.sameFilledPages(), Instant.now().toString(),
                Math.round((System.nanoTime() - startNanos) / 1e7) / 100.0);
    }

    /** Writes each file beside its final name, then moves it there; the manifest last. */
    private static void write(Path dir, MemorySegment data, byte[] kinds, CorpusManifest manifest) throws IOException {
        Path tmp = dir.resolve(DATA_FILE + ".tmp");
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            var buf = data.asByteBuffer();
            while (buf.hasRemaining()) {
                out.write(buf);
            }
        }
        Files.move(tmp, dir.resolve(DATA_FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.write(dir.resolve(KINDS_FILE + ".tmp"), kinds);
        Files.move(dir.resolve(KINDS_FILE + ".tmp"), dir.resolve(KINDS_FILE), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
        manifest.write(dir.resolve(MANIFEST_FILE + ".tmp"));
        Files.move(dir.resolve(MANIFEST_FILE + ".tmp"), dir.resolve(MANIFEST_FILE),
                StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The running JVM's {@code java.runtime.version} if it is that JDK, else from its {@code release} file. */
    static String jdkVersion(Path javaHome) {
        if (javaHome.toAbsolutePath().normalize().equals(Path.of(System.getProperty("java.home")).toAbsolutePath().normalize())) {
            return System.getProperty("java.runtime.version");
        }
        try {
            for (String line : Files.readAllLines(javaHome.resolve("release"))) {
                if (line.startsWith("JAVA_RUNTIME_VERSION=") || line.startsWith("JAVA_VERSION=")) {
                    return line.substring(line.indexOf('=') + 1).replace("\"", "");
                }
            }
        } catch (IOException | RuntimeException e) {
            // no release file: not a JDK, or not readable
        }
        return "unknown";
    }

    /** The composition table: pages, zero and same-filled pages per source, files sampled, roots. */
    public static void printComposition(Corpus corpus, PrintStream out) {
        Composition c = corpus.composition();
        out.printf("%-12s %8s %7s %16s %16s %7s %7s  %s%n", "source", "pages", "share", "zero", "same-filled",
                "files", "skipped", "from");
        for (PageKind kind : PageKind.values()) {
            Composition.KindCount k = c.of(kind);
            CorpusManifest.Source s = corpus.manifest().source(kind);
            out.printf(Locale.ROOT, "%-12s %,8d %6.1f%% %16s %16s %,7d %,7d  %s%n", kind.label(), k.pages(),
                    pct(k.pages(), c.pages()), countPct(k.zeroPages(), k.pages()),
                    countPct(k.sameFilledPages(), k.pages()), s.files(), s.skipped(), String.join(", ", s.roots()));
        }
        out.printf(Locale.ROOT, "%-12s %,8d %6.1f%% %16s %16s%n", "total", c.pages(), 100.0,
                countPct(c.zeroPages(), c.pages()), countPct(c.sameFilledPages(), c.pages()));
        out.printf(Locale.ROOT, "(same-filled: one 8-byte pattern repeated, zero pages included; seed %d, JDK %s)%n",
                corpus.manifest().seed(), corpus.manifest().jdk());
    }

    private static String countPct(long count, long of) {
        return String.format(Locale.ROOT, "%,d (%.1f%%)", count, pct(count, of));
    }

    private static double pct(long count, long of) {
        return of == 0 ? 0 : 100.0 * count / of;
    }
}
