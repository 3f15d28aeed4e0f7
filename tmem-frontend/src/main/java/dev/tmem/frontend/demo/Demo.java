package dev.tmem.frontend.demo;

import dev.tmem.core.TmemStats;
import dev.tmem.frontend.BackendRegistry;
import dev.tmem.frontend.Cleancache;
import dev.tmem.frontend.CleancacheStats;
import dev.tmem.frontend.Frontends;
import dev.tmem.frontend.Frontswap;
import dev.tmem.frontend.FrontswapStats;
import dev.tmem.frontend.demo.DemoData.DataFile;
import dev.tmem.frontend.file.CachedFileSystem;
import dev.tmem.frontend.file.SwapFile;
import dev.tmem.frontend.local.LocalBackend;
import dev.tmem.frontend.spi.TmemBackend;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The story of the seeds told on real files, every step checked ({@code tmem demo}):
 *
 * <ol>
 *   <li><b>No backend.</b> Real files are read through the {@code CachedFileChannel}s of one
 *       {@link CachedFileSystem} (its cleancache filesystem mounted, and remembered) and pages are
 *       swapped out to a {@link SwapFile} (swapon, remembered): every cleancache get misses, every
 *       frontswap store is refused, so the pages go to the swap file.
 *   <li><b>Load.</b> A backend ({@code local}: an engine over zcache with lz4) is loaded by name
 *       with {@link Frontends#load}; the filesystem and the swap area are replayed into it before
 *       it is published. Re-reads now hit cleancache and frontswap keeps every swap-out.
 *   <li><b>Unload.</b> {@link Frontends#unload} writes every swap page back to its slot; each slot
 *       is then read back from the file and compared with what was swapped out.
 * </ol>
 *
 * <p>Every read through a cached channel is compared with a plain {@link FileChannel}'s read of the
 * same bytes, and every swap-in with the page swapped out (page {@code 2i} of the data, read again
 * from its file). The files are only read. {@link Result#passed()} says whether every check held; a
 * step that throws stops the story, fails it, and the clean-up still runs.
 */
public final class Demo {

    public static final int PAGE = 4096;
    public static final long DEFAULT_DATA_BYTES = 8L << 20;
    public static final long MIN_DATA_BYTES = 64L << 10;
    /** The JDK's lib/modules is about 140 MiB; the data is a slice of it and a few MiB of text. */
    public static final long MAX_DATA_BYTES = 128L << 20;
    /** Pages each open file keeps in the process; the rest of it spills into cleancache. */
    static final int BUFFER_PAGES = 4;
    /** Reads are of this many bytes, so they straddle page boundaries. */
    static final int READ_BYTES = 10_000;
    static final int SWAP_AREA = 0;

    /**
     * What to run.
     *
     * @param dir where to make the fresh directory (deleted at the end) that holds the copies of
     *     the files and the swap file; {@code null} for the system's temporary directory
     * @param dataBytes about how many bytes of real files to read (64 KiB to 128 MiB; less if the
     *     machine has fewer); the swap area gets half as many pages
     * @param backend the backend to load by name
     * @param backendParams its {@code key=value} parameters
     */
    public record Settings(Path dir, long dataBytes, String backend, List<String> backendParams) {
        public Settings {
            Objects.requireNonNull(backend, "backend");
            backendParams = List.copyOf(backendParams);
            if (dataBytes < MIN_DATA_BYTES || dataBytes > MAX_DATA_BYTES) {
                throw new IllegalArgumentException("the data size must be 64 KiB to 128 MiB, was " + dataBytes + " bytes");
            }
        }

        /** The {@code local} backend (its default store, zcache) with a budget that holds everything. */
        public static Settings of(Path dir, long dataBytes) {
            long mib = (dataBytes + (1 << 20) - 1) >> 20;
            return new Settings(dir, dataBytes, "local", List.of("budget_mb=" + (16 + 2 * mib)));
        }
    }

    /** One check of the story: what should hold, whether it did, and what was seen if not. */
    public record Check(String what, boolean held, String detail) {}

    /**
     * What happened.
     *
     * @param compressionRatio the backend's page bytes per stored byte before the unload, when it is
     *     a local engine; {@code NaN} otherwise
     */
    public record Result(List<Check> checks, CleancacheStats cleancache, FrontswapStats frontswap,
            double compressionRatio) {

        /** Whether every check held (and there were some). */
        public boolean passed() {
            return !checks.isEmpty() && checks.stream().allMatch(Check::held);
        }

        public List<Check> failed() {
            return checks.stream().filter(c -> !c.held()).toList();
        }
    }

    /** A data file open twice: through the cache, and plainly (the reference). */
    private record Opened(DataFile file, FileChannel cached, FileChannel plain) {}

    private final Settings settings;
    private final PrintStream out;
    private final Frontends frontends;
    private final Cleancache cleancache;
    private final Frontswap frontswap;
    private final List<Check> checks = new ArrayList<>();
    private final List<Opened> files = new ArrayList<>();
    /** A fresh directory for the copies and the swap file; deleted at the end. */
    private Path workDir;
    private CachedFileSystem fs;
    private SwapFile swap;
    /** Data page {@code p} is page {@code pageIndex[p]} of file {@code pageFile[p]}. */
    private int[] pageFile;
    private int[] pageIndex;
    /** Swap page {@code i} (data page {@code 2i}) is in slot {@code slots[i]}. */
    private long[] slots;
    private String step = "setting up";
    private double compressionRatio = Double.NaN;
    private String backendFigures;

    private Demo(Settings settings, BackendRegistry registry, PrintStream out) {
        this.settings = settings;
        this.out = out;
        this.frontends = new Frontends(registry, PAGE);
        this.cleancache = frontends.cleancache();
        this.frontswap = frontends.frontswap();
    }

    /** Runs the demo, printing its progress and summary to {@code out}. Never throws for a failed step. */
    public static Result run(Settings settings, BackendRegistry registry, PrintStream out) {
        Objects.requireNonNull(registry, "registry");
        return new Demo(Objects.requireNonNull(settings, "settings"), registry, Objects.requireNonNull(out, "out")).run();
    }

    private Result run() {
        long start = System.nanoTime();
        try {
            setUp();
            step = "[1/3] no backend";
            noBackend();
            step = "[2/3] load";
            withBackend(load());
            step = "[3/3] unload";
            afterUnload();
        } catch (IOException | RuntimeException e) {
            check("the demo ran to the end", false, "stopped in " + step + ": " + Report.describe(e));
        } finally {
            tearDown();
        }
        Result r = new Result(List.copyOf(checks), cleancache.stats(), frontswap.stats(), compressionRatio);
        Report.summary(out, r, fs, backendFigures, System.nanoTime() - start);
        return r;
    }

    // ---------------------------------------------------------------------------------------------
    // The story
    // ---------------------------------------------------------------------------------------------

    private void setUp() throws IOException {
        out.printf(Locale.ROOT, "tmem demo: cleancache and frontswap on real files, before, with and after a backend"
                + " loaded at run time%n");
        workDir = settings.dir() == null ? Files.createTempDirectory("tmem-demo-")
                : Files.createTempDirectory(Files.createDirectories(settings.dir()), "tmem-demo-");
        Path data = Files.createDirectory(workDir.resolve("data"));
        List<DataFile> copied = DemoData.copy(data, settings.dataBytes());
        Report.data(out, workDir, copied);

        fs = new CachedFileSystem(cleancache, PAGE, BUFFER_PAGES);
        for (DataFile f : copied) {
            FileChannel cached = fs.open(f.path(), StandardOpenOption.READ);
            try {
                files.add(new Opened(f, cached, FileChannel.open(f.path(), StandardOpenOption.READ)));
            } catch (IOException e) {
                cached.close();
                throw e;
            }
        }
        int pages = copied.stream().mapToInt(f -> (int) ((f.size() + PAGE - 1) / PAGE)).sum();
        pageFile = new int[pages];
        pageIndex = new int[pages];
        for (int f = 0, p = 0; f < copied.size(); f++) {
            for (int i = 0; (long) i * PAGE < copied.get(f).size(); i++, p++) {
                pageFile[p] = f;
                pageIndex[p] = i;
            }
        }
        slots = new long[Math.max(1, pages / 2)];
        swap = SwapFile.create(workDir.resolve("swap.img"), slots.length, frontswap, SWAP_AREA);
        out.printf(Locale.ROOT, "  %,d pages of data, read through cached channels (%d pages buffered per file);"
                + " a swap file of %,d slots%n", pages, BUFFER_PAGES, slots.length);
    }

    private void noBackend() throws IOException {
        out.printf(Locale.ROOT, "%n[1/3] no backend yet%n");
        out.printf(Locale.ROOT, "  mounted cleancache filesystem %s at the first open, swapped on area %d over %s:"
                + " both remembered%n", ids(cleancache.filesystems()), SWAP_AREA, swap.path().getFileName());
        Pass p1 = readPass(1);
        Pass p2 = readPass(2);
        int half = slots.length / 2;
        FrontswapStats before = frontswap.stats();
        for (int i = 0; i < half; i++) {
            slots[i] = swap.swapOut(swapPage(i));
        }
        FrontswapStats after = frontswap.stats();
        long kept = after.succStores() - before.succStores();
        long refused = after.storesNoBackend() - before.storesNoBackend();
        out.printf(Locale.ROOT, "  swap out    %,7d pages: frontswap kept %,d, refused %,d (no backend): written to"
                + " their slots%n", half, kept, refused);

        checkReads(p1, p2);
        check("cleancache hit rate 0 without a backend", p1.hits + p2.hits == 0 && p2.gets > 0,
                "hits " + (p1.hits + p2.hits) + " of " + (p1.gets + p2.gets) + " gets");
        check("every frontswap store refused without a backend", kept == 0 && refused == half,
                "kept " + kept + ", refused " + refused + " of " + half);
        check("the swap file's slots hold the refused pages, byte for byte", slotsInFile(half));
    }

    /** Loads the backend by name; the filesystem and the swap area must have been replayed into it. */
    private TmemBackend load() {
        out.printf(Locale.ROOT, "%n[2/3] Frontends.load(\"%s\", %s)%n", settings.backend(), settings.backendParams());
        long t = System.nanoTime();
        frontends.load(settings.backend(), settings.backendParams());
        TmemBackend backend = frontends.backend();
        long pools = backend instanceof LocalBackend lb && lb.engine() != null ? lb.engine().stats().pools() : -1;
        out.printf(Locale.ROOT, "  loaded %s in %d ms; replayed before publishing it: filesystem %s, swap area %s%s%n",
                backend.name(), (System.nanoTime() - t) / 1_000_000, ids(cleancache.filesystems()), ids(frontswap.areas()),
                pools >= 0 ? " (" + pools + " pools)" : "");
        long replayFailures = cleancache.stats().replayFailures() + frontswap.stats().replayFailures();
        check("the backend was loaded by name, the filesystem and swap area replayed into it",
                replayFailures == 0 && (pools < 0 || pools == cleancache.filesystems().size() + frontswap.areas().size()),
                "replay failures " + replayFailures + ", pools " + pools);
        return backend;
    }

    private void withBackend(TmemBackend backend) throws IOException {
        int half = slots.length / 2;
        FrontswapStats before = frontswap.stats();
        Verify back = new Verify();
        MemorySegment dst = MemorySegment.ofArray(new byte[PAGE]);
        for (int i = 0; i < half; i++) {
            swap.swapIn(slots[i], dst);
            back.page(i, dst);
            swap.free(slots[i]);
            slots[i] = swap.swapOut(swapPage(i));
        }
        for (int i = half; i < slots.length; i++) {
            slots[i] = swap.swapOut(swapPage(i));
        }
        FrontswapStats after = frontswap.stats();
        long kept = after.succStores() - before.succStores();
        long refused = after.failedStores() - before.failedStores();
        out.printf(Locale.ROOT, "  swap in     %,7d pages from the swap file, freed them, swapped them out again%n", half);
        out.printf(Locale.ROOT, "  swap out    %,7d pages in all: frontswap kept %,d, refused %,d; %,d pages in"
                + " the backend%n", slots.length, kept, refused, after.currPages());
        check("the refused pages come back from the swap file unchanged", back.ok(), back.detail());
        check("frontswap keeps every store", kept == slots.length && refused == 0 && after.currPages() == slots.length,
                "kept " + kept + ", refused " + refused + ", in the backend " + after.currPages() + " of " + slots.length);

        Pass p3 = readPass(3);
        Pass p4 = readPass(4);
        checkReads(p3, p4);
        check("cleancache hits climb: re-reads find their pages in the backend", p4.hits > 0 && p4.hits > p3.hits,
                "hits " + p3.hits + " then " + p4.hits);

        FrontswapStats s0 = frontswap.stats();
        Verify loaded = swapInAll();
        long loads = frontswap.stats().loads() - s0.loads();
        out.printf(Locale.ROOT, "  swap in     %,7d pages: %,d loaded from frontswap%n", slots.length, loads);
        check("every swap-in from frontswap equals what was swapped out", loaded.ok() && loads == slots.length,
                loaded.ok() ? "loads " + loads + " of " + slots.length : loaded.detail());
        backendFigures = backendFigures(backend);
        if (backendFigures != null) {
            out.println("  backend: " + backendFigures);
        }
    }

    private void afterUnload() throws IOException {
        out.printf(Locale.ROOT, "%n[3/3] Frontends.unload()%n");
        long inBackend = frontswap.currPages();
        FrontswapStats before = frontswap.stats();
        long t = System.nanoTime();
        TmemBackend gone = frontends.unload();
        FrontswapStats after = frontswap.stats();
        long written = after.writtenBack() - before.writtenBack();
        out.printf(Locale.ROOT, "  unloaded %s in %d ms: %,d swap pages written back to their slots, cleancache's"
                + " pages dropped%n", gone.name(), (System.nanoTime() - t) / 1_000_000, written);
        check("the unload wrote every swap page back", written == inBackend && inBackend == slots.length
                && after.currPages() == 0 && frontends.backend() == null,
                "written back " + written + " of " + inBackend + " (swapped out " + slots.length + "), left "
                        + after.currPages());

        Verify slotsBack = swapInAll();
        long loads = frontswap.stats().loads() - after.loads();
        out.printf(Locale.ROOT, "  swap in     %,7d pages, %,d of them from the swap file%n", slots.length,
                slots.length - loads);
        check("every swap slot holds what was swapped out, byte for byte", slotsBack.ok() && loads == 0,
                slotsBack.ok() ? loads + " loads reached a backend" : slotsBack.detail());

        Pass p5 = readPass(5);
        checkReads(p5);
        check("cleancache misses again once the backend is gone", p5.hits == 0, "hits " + p5.hits);
        for (long slot : slots) {
            swap.free(slot);
        }
    }

    private void tearDown() {
        step = "clean-up";
        for (Opened f : files) {
            quietly(f.cached()::close);
            quietly(f.plain()::close);
        }
        if (fs != null) {
            quietly(fs::close);
        }
        if (swap != null) {
            quietly(swap::close);
        }
        quietly(frontends::close);
        if (workDir != null) {
            quietly(() -> deleteTree(workDir));
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Reads, swap pages, checks
    // ---------------------------------------------------------------------------------------------

    /** One pass over every file: counters taken around it, and the first read that differed. */
    private record Pass(long bytes, long hits, long gets, String mismatch) {}

    /** Reads every file through its cached channel and plainly, {@value #READ_BYTES} bytes at a time. */
    private Pass readPass(int n) throws IOException {
        CleancacheStats c0 = cleancache.stats();
        long file0 = fs.fileReads();
        ByteBuffer viaCache = ByteBuffer.allocate(READ_BYTES);
        ByteBuffer plain = ByteBuffer.allocate(READ_BYTES);
        long bytes = 0;
        String mismatch = null;
        for (Opened f : files) {
            for (long pos = 0; pos < f.file().size(); pos += READ_BYTES) {
                int got = readFully(f.cached(), viaCache, pos);
                int want = readFully(f.plain(), plain, pos);
                bytes += got;
                if (mismatch == null && (got != want || !viaCache.equals(plain))) {
                    mismatch = f.file().path().getFileName() + " bytes " + pos + ".." + (pos + want)
                            + " differ from a plain read (" + got + " bytes read, " + want + " expected)";
                }
            }
        }
        CleancacheStats c1 = cleancache.stats();
        long hits = c1.succGets() - c0.succGets();
        long gets = hits + c1.failedGets() - c0.failedGets();
        long puts = c1.puts() - c0.puts();
        long dropped = c1.putsNoBackend() - c0.putsNoBackend();
        out.printf(Locale.ROOT, "  read pass %d (%s): cleancache %,6d hits of %,6d gets (%3.0f%%), puts %,6d sent,"
                + " %,6d dropped; %,6d pages from the files%n", n, Report.size(bytes), hits, gets,
                gets == 0 ? 0.0 : 100.0 * hits / gets, puts, dropped, fs.fileReads() - file0);
        return new Pass(bytes, hits, gets, mismatch);
    }

    /** Reads into {@code b} (cleared first) from {@code pos} until it is full or the file ends; flips it. */
    private static int readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        b.clear();
        while (b.hasRemaining()) {
            int n = ch.read(b, pos + b.position());
            if (n < 0) {
                break;
            }
        }
        return b.flip().remaining();
    }

    private void checkReads(Pass... passes) {
        long bytes = Arrays.stream(passes).mapToLong(Pass::bytes).sum();
        String bad = Arrays.stream(passes).map(Pass::mismatch).filter(Objects::nonNull).findFirst().orElse(null);
        check(String.format(Locale.ROOT, "every read through the cached channels equals a plain FileChannel's (%s)",
                Report.size(bytes)), bad == null, bad);
    }

    /** Swap page {@code i}: a fresh copy of data page {@code 2i}, read plainly from its file. */
    private MemorySegment swapPage(int i) throws IOException {
        byte[] page = new byte[PAGE];
        int p = (2 * i) % pageFile.length;
        ByteBuffer b = ByteBuffer.wrap(page);
        readFully(files.get(pageFile[p]).plain(), b, (long) pageIndex[p] * PAGE);
        return MemorySegment.ofArray(page); // a short last page stays zero-filled
    }

    /** Compares swapped-in pages with what was swapped out; keeps the first difference. */
    private final class Verify {
        private long bad;
        private String first;

        void page(int i, MemorySegment got) throws IOException {
            long at = got.mismatch(swapPage(i));
            if (at >= 0) {
                if (bad++ == 0) {
                    first = "swap page " + i + " (slot " + slots[i] + ") differs at byte " + at;
                }
            }
        }

        boolean ok() {
            return bad == 0;
        }

        String detail() {
            return bad == 0 ? "" : bad + " pages differ; first: " + first;
        }
    }

    private Verify swapInAll() throws IOException {
        Verify v = new Verify();
        MemorySegment dst = MemorySegment.ofArray(new byte[PAGE]);
        for (int i = 0; i < slots.length; i++) {
            swap.swapIn(slots[i], dst);
            v.page(i, dst);
        }
        return v;
    }

    /** Reads slots {@code 0..n-1} of the swap file plainly, bypassing frontswap. */
    private String slotsInFile(int n) throws IOException {
        Verify v = new Verify();
        ByteBuffer b = ByteBuffer.allocate(PAGE);
        try (FileChannel ch = FileChannel.open(swap.path(), StandardOpenOption.READ)) {
            for (int i = 0; i < n; i++) {
                Arrays.fill(b.array(), (byte) 0);
                readFully(ch, b, slots[i] * PAGE);
                v.page(i, MemorySegment.ofArray(b.array()));
            }
        }
        return v.ok() ? null : v.detail();
    }

    private static String ids(List<Integer> ids) {
        return String.join(", ", ids.stream().map(String::valueOf).toList());
    }

    private void check(String what, String failure) {
        check(what, failure == null, failure);
    }

    private void check(String what, boolean held, String detail) {
        checks.add(new Check(what, held, held || detail == null ? "" : detail));
        out.println((held ? "  ok      " : "  FAILED  ") + what + (held || detail == null ? "" : ": " + detail));
    }

    /** Pages, bytes and ratio of a local engine, taken before the unload; null for another backend. */
    private String backendFigures(TmemBackend backend) {
        if (!(backend instanceof LocalBackend lb) || lb.engine() == null) {
            return null;
        }
        TmemStats s = lb.engine().stats();
        if (s.bytesStored() > 0) {
            compressionRatio = (double) s.pages() * PAGE / s.bytesStored();
        }
        return String.format(Locale.ROOT, "%s holds %,d pages (%,d cleancache, %,d frontswap) of %s in %s:"
                + " compression ratio %.2f (%s of memory in use)", lb.engine().store().name(), s.pages(),
                s.pagesEphemeral(), s.pagesPersistent(), Report.size(s.pages() * PAGE), Report.size(s.bytesStored()),
                compressionRatio, Report.size(s.bytesUsed()));
    }

    private interface IoAction {
        void run() throws IOException;
    }

    private void quietly(IoAction action) {
        try {
            action.run();
        } catch (IOException | RuntimeException e) {
            check("clean-up", false, Report.describe(e));
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }
}
