package dev.tmem.bench.corpus;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Pages of a real HPROF heap dump: {@link #start} launches {@link HeapDumpChild} with {@code java}
 * from the given JDK, and the first {@link #take} waits until it has built its heap, runs {@code
 * jcmd <pid> GC.heap_dump <file>} from the same JDK, lets the child exit, and then samples the
 * dump's pages at seeded random offsets. {@link #close} ends the child if it still runs and deletes
 * the dump.
 *
 * <p>The child starts with an empty environment, so no variable of the caller's (a token, say)
 * ends up in the dump. A child or {@code jcmd} that fails or takes over {@value #TIMEOUT_SECONDS}
 * s is reported in {@link #notes} and the source yields no pages; the build goes on.
 *
 * <p>Known limit: a dump is not byte-for-byte reproducible (its header holds a timestamp, and
 * object ids are addresses that vary from run to run), so unlike the file sources the heap-dump
 * pages of two builds with one seed differ in content, not in number.
 */
final class HeapDumpSource implements PageSource {

    static final long TIMEOUT_SECONDS = 120;

    private final Path javaHome;
    private final Path dump;
    private final long liveBytes;
    private final long seed;
    private final List<String> notes = new ArrayList<>();
    private Process child;
    private FileSource pages;
    private boolean failed;

    HeapDumpSource(Path javaHome, Path workDir, long liveBytes, long seed) {
        this.javaHome = javaHome;
        this.dump = workDir.toAbsolutePath().resolve("heap-" + ProcessHandle.current().pid() + ".hprof");
        this.liveBytes = liveBytes;
        this.seed = seed;
    }

    /** Launches the child JVM, which builds its heap while the file sources are read. */
    void start() {
        try {
            Path classes = Path.of(HeapDumpChild.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            long heapMiB = Math.max(64, 3 * (liveBytes >> 20));
            ProcessBuilder pb = new ProcessBuilder(javaHome.resolve("bin/java").toString(), "-Xmx" + heapMiB + "m",
                    "-XX:+UseSerialGC", "-cp", classes.toString(), HeapDumpChild.class.getName(),
                    Long.toString(liveBytes), Long.toString(seed)).redirectErrorStream(true);
            pb.environment().clear();
            child = pb.start();
        } catch (IOException | java.net.URISyntaxException | RuntimeException e) {
            fail("cannot start a JVM from " + javaHome + ": " + e.getMessage());
        }
    }

    @Override
    public PageKind kind() {
        return PageKind.HEAP_DUMP;
    }

    @Override
    public List<String> roots() {
        return List.of("jcmd GC.heap_dump of " + HeapDumpChild.class.getSimpleName() + " (" + (liveBytes >> 20)
                + " MiB live, " + javaHome + ")");
    }

    @Override
    public int filesUsed() {
        return pages == null ? 0 : pages.filesUsed();
    }

    @Override
    public List<String> notes() {
        return notes;
    }

    @Override
    public int filesSkipped() {
        return failed ? 1 : 0;
    }

    @Override
    public int take(int want, PageSink sink) {
        if (pages == null && !failed && child != null) {
            try {
                dumpHeap();
                pages = new FileSource(PageKind.HEAP_DUMP, List.of(dump), file -> true,
                        FileSource.Mode.RANDOM_PAGES, Integer.MAX_VALUE, seed);
            } catch (IOException e) {
                fail(e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
        }
        return pages == null ? 0 : pages.take(want, sink);
    }

    private void dumpHeap() throws IOException, InterruptedException {
        Process watched = child;
        Thread.ofVirtual().start(() -> {             // a hung child must not hang the build
            try {
                if (!watched.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    watched.destroyForcibly();
                }
            } catch (InterruptedException ignored) {
                watched.destroyForcibly();
            }
        });
        var out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder other = new StringBuilder();
        for (String line; (line = out.readLine()) != null && !line.startsWith("ready"); ) {
            other.append(line).append('\n');
        }
        if (!child.isAlive()) {
            throw new IOException("heap-dump JVM exited (" + child.waitFor() + "): " + other.toString().strip());
        }
        Files.deleteIfExists(dump);
        Process jcmd = new ProcessBuilder(javaHome.resolve("bin/jcmd").toString(), Long.toString(child.pid()),
                "GC.heap_dump", dump.toString()).redirectErrorStream(true).start();
        String jcmdOut = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!jcmd.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            jcmd.destroyForcibly();
        }
        child.getOutputStream().close();             // the child exits once its input closes
        child.waitFor(10, TimeUnit.SECONDS);
        if (jcmd.exitValue() != 0 || !Files.isRegularFile(dump)) {
            throw new IOException("jcmd GC.heap_dump failed (exit " + jcmd.exitValue() + "): " + jcmdOut);
        }
        notes.add("jcmd %d GC.heap_dump: %,d bytes (%s)".formatted(child.pid(), Files.size(dump),
                jcmdOut.lines().reduce((a, b) -> b).orElse("").strip()));
    }

    private void fail(String why) {
        failed = true;
        notes.add("heap dump skipped: " + why);
    }

    @Override
    public void close() {
        if (pages != null) {
            pages.close();
        }
        if (child != null && child.isAlive()) {
            child.destroyForcibly();
        }
        try {
            Files.deleteIfExists(dump);
        } catch (IOException e) {
            System.err.println("tmem corpus: cannot delete " + dump + ": " + e.getMessage());
        }
    }
}
