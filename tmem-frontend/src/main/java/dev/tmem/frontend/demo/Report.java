package dev.tmem.frontend.demo;

import dev.tmem.frontend.CleancacheStats;
import dev.tmem.frontend.FrontswapStats;
import dev.tmem.frontend.demo.Demo.Check;
import dev.tmem.frontend.demo.Demo.Result;
import dev.tmem.frontend.demo.DemoData.DataFile;
import dev.tmem.frontend.file.CachedFileSystem;
import java.io.PrintStream;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** How the demo prints what it uses and what it counted. */
final class Report {

    private Report() {}

    /** The copied files: the JDK slice on its own line, the text files as one. */
    static void data(PrintStream out, Path dir, List<DataFile> files) {
        out.printf(Locale.ROOT, "  data copied to %s (deleted at the end); the originals are only read:%n",
                dir.resolve("data"));
        List<DataFile> text = files.stream().filter(DataFile::text).toList();
        for (DataFile f : files) {
            if (!f.text()) {
                out.printf(Locale.ROOT, "    %-26s %10s  from %s%n", f.path().getFileName(), size(f.size()), f.from());
            }
        }
        if (!text.isEmpty()) {
            String first = text.getFirst().from();
            String last = text.getLast().from();
            out.printf(Locale.ROOT, "    %-26s %10s  from %s ... %s%n", text.size() + " text files",
                    size(text.stream().mapToLong(DataFile::size).sum()), first, last);
        }
    }

    static void summary(PrintStream out, Result r, CachedFileSystem fs, String backendFigures, long nanos) {
        CleancacheStats c = r.cleancache();
        FrontswapStats f = r.frontswap();
        out.printf(Locale.ROOT, "%ncounters%n");
        out.printf(Locale.ROOT, "  cleancache  succ_gets %,d  failed_gets %,d  puts %,d  puts_no_backend %,d"
                + "  invalidates %,d  backend_errors %,d%n", c.succGets(), c.failedGets(), c.puts(), c.putsNoBackend(),
                c.invalidates(), c.backendErrors());
        out.printf(Locale.ROOT, "  frontswap   loads %,d  succ_stores %,d  failed_stores %,d (no backend %,d)"
                + "  invalidates %,d  written_back %,d  curr_pages %,d%n", f.loads(), f.succStores(), f.failedStores(),
                f.storesNoBackend(), f.invalidates(), f.writtenBack(), f.currPages());
        if (fs != null) {
            out.printf(Locale.ROOT, "  files       pages read from the buffers %,d, from cleancache %,d, from the files %,d%n",
                    fs.bufferHits(), fs.cleancacheHits(), fs.fileReads());
        }
        if (backendFigures != null) {
            out.printf(Locale.ROOT, "  backend     before the unload, %s%n", backendFigures);
        }
        out.println();
        String time = String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
        if (r.passed()) {
            out.printf(Locale.ROOT, "all %d checks held (%s)%n", r.checks().size(), time);
        } else {
            List<Check> failed = r.failed();
            out.printf(Locale.ROOT, "FAILED: %d of %d checks (%s):%n", failed.size(), r.checks().size(), time);
            for (Check check : failed) {
                out.printf(Locale.ROOT, "  - %s: %s%n", check.what(), check.detail());
            }
        }
    }

    /** "8.0 MiB", "512 KiB", "700 B". */
    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1 << 20) {
            return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1 << 20));
    }

    /** The messages of an exception's cause chain, without repeats. */
    static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder();
        String last = null;
        int depth = 0;
        for (Throwable t = e; t != null && depth < 8; t = t.getCause(), depth++) {
            String msg = t.getMessage() != null ? t.getMessage() : t.getClass().getName();
            if (t instanceof FileSystemException) {
                msg += " (" + t.getClass().getSimpleName() + ")"; // its message is only the path
            }
            if (last == null || !last.contains(msg)) {
                sb.append(sb.isEmpty() ? "" : ": ").append(msg);
            }
            last = msg;
        }
        return sb.toString();
    }
}
