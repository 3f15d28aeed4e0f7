package dev.tmem.zcache;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Real page content for tests: pages read at seeded offsets from files every machine with a JDK has
 * (the JDK's {@code lib/modules} and its native libraries, text under {@code /usr/share}). The full
 * corpus (with a heap dump) is built by {@code tmem corpus build} for the benchmarks; tests sample
 * the same kinds of files directly so they need no build step.
 */
final class RealPages {

    private RealPages() {}

    /** {@code count} pages of {@code size} bytes from real files, the same for the same seed. */
    static List<MemorySegment> sample(int size, int count, long seed) {
        List<Path> files = files();
        SplittableRandom r = new SplittableRandom(seed);
        List<MemorySegment> pages = new ArrayList<>(count);
        while (pages.size() < count) {
            Path f = files.get(r.nextInt(files.size()));
            try (FileChannel ch = FileChannel.open(f)) {
                long pagesIn = ch.size() / size;
                if (pagesIn == 0) {
                    continue;
                }
                ByteBuffer b = ByteBuffer.allocate(size);
                ch.read(b, r.nextLong(pagesIn) * size);
                pages.add(MemorySegment.ofArray(b.array()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return pages;
    }

    private static List<Path> files() {
        Path home = Path.of(System.getProperty("java.home"));
        List<Path> files = new ArrayList<>();
        files.add(home.resolve("lib/modules"));
        try (Stream<Path> libs = Files.list(home.resolve("lib"))) {
            libs.filter(p -> p.toString().endsWith(".so")).limit(8).forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String text : List.of("/usr/share/common-licenses/GPL-3", "/usr/share/common-licenses/Apache-2.0")) {
            if (Files.isReadable(Path.of(text))) {
                files.add(Path.of(text));
            }
        }
        return files;
    }
}
