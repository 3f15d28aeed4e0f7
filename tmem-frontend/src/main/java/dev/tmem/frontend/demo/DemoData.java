package dev.tmem.frontend.demo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The demo's data: real files of this machine, copied into the demo's directory (the originals are
 * only read). Up to half of it is text under {@code /usr/share} (licenses, package documentation);
 * the rest is a slice from the middle of the running JDK's {@code lib/modules} (class files and
 * resources).
 */
final class DemoData {

    /** Where text is looked for, in this order. */
    static final List<Path> TEXT_ROOTS = List.of(Path.of("/usr/share/common-licenses"), Path.of("/usr/share/doc"));
    /** At most this many text files (each stays open during the demo). */
    static final int MAX_TEXT_FILES = 48;
    /** Text files from this size on (so that each spills out of its page buffer) up to 1 MiB. */
    static final long MIN_TEXT_BYTES = 5 * Demo.PAGE;
    static final long MAX_TEXT_BYTES = 1 << 20;

    /** A copied file: where it is now, its size, and where it came from. */
    record DataFile(Path path, long size, String from, boolean text) {}

    private DemoData() {}

    /**
     * Copies about {@code bytes} of real files into {@code dir}.
     *
     * @throws IOException if no real file could be found or copied
     */
    static List<DataFile> copy(Path dir, long bytes) throws IOException {
        List<DataFile> files = new ArrayList<>(copyText(dir, bytes / 2));
        long text = files.stream().mapToLong(DataFile::size).sum();
        Path modules = Path.of(System.getProperty("java.home"), "lib", "modules");
        if (Files.isReadable(modules)) {
            files.addFirst(copySlice(modules, dir.resolve("jdk-lib-modules.part"), bytes - text));
        } else if (text == 0) {
            throw new IOException("found no real files to read: no " + modules + " and no text under " + TEXT_ROOTS);
        }
        return files;
    }

    private static DataFile copySlice(Path from, Path to, long want) throws IOException {
        try (FileChannel in = FileChannel.open(from, StandardOpenOption.READ);
                FileChannel out = FileChannel.open(to, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
            long len = Math.min(want, in.size());
            long start = ((in.size() - len) / 2) & -Demo.PAGE; // from the middle: past the header and index
            for (long done = 0; done < len; ) {
                done += in.transferTo(start + done, len - done, out);
            }
            return new DataFile(to, len, String.format(java.util.Locale.ROOT, "%s (bytes %,d to %,d)",
                    from, start, start + len), false);
        }
    }

    private static List<DataFile> copyText(Path dir, long budget) throws IOException {
        List<DataFile> copied = new ArrayList<>();
        long total = 0;
        for (Path p : textCandidates()) {
            if (copied.size() == MAX_TEXT_FILES) {
                break;
            }
            long size = Files.size(p);
            if (total + size > budget || !looksLikeText(p)) {
                continue;
            }
            Path to = dir.resolve(String.format("text-%02d-%s", copied.size(), p.getFileName()));
            Files.copy(p, to, StandardCopyOption.REPLACE_EXISTING);
            copied.add(new DataFile(to, size, p.toString(), true));
            total += size;
        }
        return copied;
    }

    /** Regular readable files of the right size under {@link #TEXT_ROOTS}, in path order per root. */
    private static List<Path> textCandidates() throws IOException {
        List<Path> all = new ArrayList<>();
        for (Path root : TEXT_ROOTS) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            List<Path> found = new ArrayList<>();
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile() && attrs.size() >= MIN_TEXT_BYTES && attrs.size() <= MAX_TEXT_BYTES
                            && Files.isReadable(file)) {
                        found.add(file);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE; // unreadable: not ours to read
                }
            });
            found.sort(Comparator.naturalOrder());
            all.addAll(found);
        }
        return all;
    }

    /** No NUL byte in the first page: not compressed, not binary. */
    private static boolean looksLikeText(Path p) {
        try (InputStream in = Files.newInputStream(p)) {
            for (byte b : in.readNBytes(Demo.PAGE)) {
                if (b == 0) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
