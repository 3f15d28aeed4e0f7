package dev.tmem.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tmem.core.ObjectId;
import dev.tmem.core.PoolId;
import dev.tmem.core.PoolSpec;
import dev.tmem.core.TmemClient;
import dev.tmem.core.TmemEngine;
import dev.tmem.core.TmemStats;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * Measures the engine's metadata per page with many pages held: puts {@value #DEFAULT_PAGES}
 * same-filled 4 KiB pages into a persistent pool backed by {@link SameFilledPageStore}, which keeps
 * no page bytes, so the pages fit in a few hundred MB of heap instead of 40 GB.
 *
 * <p>Two figures: {@code meta_bytes_per_page}, the engine's own account ({@link
 * TmemStats#metadataBytes()} / pages), and {@code heap_bytes_per_page}, the growth of the used heap
 * from before the engine was built to after the fill (each after full collections) / pages. The
 * second checks the first and includes everything the engine allocates, its fixed structures too
 * (negligible at ten million pages). Growable tables may hold spare capacity, which both figures
 * count if the engine reports it.
 *
 * <p><b>Why a child JVM.</b> {@link #runForked} starts {@code java} from the same {@code java.home}
 * with the same class path and a fixed {@code -Xmx4g}: the heap figure then does not depend on how
 * the caller was launched (its heap size, what else it holds, whether TMEM_JAVA_OPTS was set), and
 * running out of memory ends the child, not the CLI. The child reports on stdout, one line each:
 * {@code progress <pages>} and finally {@code result <json>}.
 */
public final class MetadataBench {

    public static final long DEFAULT_PAGES = 10_000_000L;
    static final int PAGE_SIZE = 4096;
    static final int PAGES_PER_OBJECT = 256;
    static final List<String> CHILD_JVM_ARGS = List.of("-Xmx4g", "--enable-native-access=ALL-UNNAMED");
    static final long PROGRESS_EVERY = 1_000_000L;
    private static final long CHILD_TIMEOUT_MINUTES = 10;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** The figures of one run. */
    public record Result(
            long pages, double putsPerS, long metadataBytes, long heapGrowthBytes, double fillSeconds) {

        public double metaBytesPerPage() {
            return (double) metadataBytes / pages;
        }

        public double heapBytesPerPage() {
            return (double) heapGrowthBytes / pages;
        }

        /** The row of the {@code core} suite: workload {@code metadata-10M} for ten million pages. */
        public BenchRow toRow() {
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("meta_bytes_per_page", metaBytesPerPage());
            extra.put("heap_bytes_per_page", heapBytesPerPage());
            extra.put("pages", pages);
            extra.put("page_size", PAGE_SIZE);
            extra.put("store", "same-filled");
            return new BenchRow("core", "tmem", workloadName(pages), 1, putsPerS, extra);
        }
    }

    private MetadataBench() {}

    static String workloadName(long pages) {
        return pages % 1_000_000 == 0 ? "metadata-" + pages / 1_000_000 + "M" : "metadata-" + pages;
    }

    /** Child entry point: {@code MetadataBench [pages]}. */
    public static void main(String[] args) throws Exception {
        long pages = args.length > 0 ? Long.parseLong(args[0]) : DEFAULT_PAGES;
        PrintStream out = System.out;
        Result result = measure(pages, done -> {
            out.println("progress " + done);
            out.flush();
        });
        out.println("result " + MAPPER.writeValueAsString(result));
        out.flush();
    }

    /**
     * Fills an engine with {@code pages} same-filled pages in this JVM and measures it.
     *
     * @param progress told the pages put so far, every {@value #PROGRESS_EVERY} pages
     */
    public static Result measure(long pages, LongConsumer progress) {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long heapBefore = settledHeapUsed(memory);
        TmemEngine engine = TmemEngine.builder()
                .store(new SameFilledPageStore())
                .budgetBytes(pages * TmemEngine.PAGE_OVERHEAD_BYTES + (64L << 20))
                .build();
        try (Arena arena = Arena.ofConfined()) {
            TmemClient client = engine.client("metadata");
            PoolId pool = client.newPool(PoolSpec.persistent(PAGE_SIZE));
            MemorySegment[] patterns = patternPages(arena);
            long start = System.nanoTime();
            ObjectId oid = null;
            for (long slot = 0; slot < pages; slot++) {
                long index = slot % PAGES_PER_OBJECT;
                if (index == 0) {
                    oid = ObjectId.of(slot / PAGES_PER_OBJECT);
                }
                if (!client.putPage(pool, oid, index, patterns[(int) (slot % patterns.length)])) {
                    throw new IllegalStateException("put failed at page " + slot + ": " + engine.stats());
                }
                if ((slot + 1) % PROGRESS_EVERY == 0) {
                    progress.accept(slot + 1);
                }
            }
            double fillSeconds = (System.nanoTime() - start) / 1e9;
            TmemStats stats = engine.stats();
            if (stats.pages() != pages) {
                throw new IllegalStateException("expected " + pages + " pages held: " + stats);
            }
            long heapAfter = settledHeapUsed(memory);
            Reference.reachabilityFence(client);
            return new Result(pages, pages / fillSeconds, stats.metadataBytes(), heapAfter - heapBefore, fillSeconds);
        } finally {
            Reference.reachabilityFence(engine);
            engine.close();
        }
    }

    /** Sixteen same-filled pages: the zero page and fifteen other 8-byte patterns. */
    static MemorySegment[] patternPages(Arena arena) {
        MemorySegment[] pages = new MemorySegment[16];
        for (int i = 0; i < pages.length; i++) {
            long pattern = i == 0 ? 0L : 0x0101_0101_0101_0101L * i ^ ((long) i << 40);
            pages[i] = arena.allocate(PAGE_SIZE, Long.BYTES);
            for (long off = 0; off < PAGE_SIZE; off += Long.BYTES) {
                pages[i].set(ValueLayout.JAVA_LONG_UNALIGNED, off, pattern);
            }
        }
        return pages;
    }

    /** Heap in use after full collections, once two in a row agree within 1 MiB (at most 5). */
    static long settledHeapUsed(MemoryMXBean memory) {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            memory.gc();
            long now = memory.getHeapMemoryUsage().getUsed();
            if (Math.abs(used - now) < (1 << 20)) {
                return now;
            }
            used = now;
        }
        return used;
    }

    /**
     * Runs {@link #measure} in a child JVM (see the class comment) and returns its result.
     *
     * @param progress told the pages put so far
     * @param out where the child's other output (JVM warnings, errors) is copied, each line indented
     */
    public static Result runForked(long pages, LongConsumer progress, PrintStream out)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(CHILD_JVM_ARGS);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(MetadataBench.class.getName());
        command.add(Long.toString(pages));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        Result result = null;
        List<String> other = new ArrayList<>();
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.startsWith("progress ")) {
                    progress.accept(Long.parseLong(line.substring("progress ".length()).strip()));
                } else if (line.startsWith("result ")) {
                    result = MAPPER.readValue(line.substring("result ".length()), Result.class);
                } else {
                    other.add(line);
                }
            }
        } finally {
            if (!child.waitFor(CHILD_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                child.destroyForcibly().waitFor();
            }
        }
        other.forEach(line -> out.println("  | " + line));
        int exit = child.exitValue();
        if (exit != 0 || result == null) {
            throw new IOException("metadata benchmark JVM failed (exit " + exit + "): " + String.join(" ", command));
        }
        return result;
    }
}
