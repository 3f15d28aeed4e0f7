package dev.tmem.bench.corpus;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;

/**
 * Pages of the regular files under some roots, file by file in a seeded order.
 *
 * <p>{@link Mode#RANDOM_PAGES} takes up to {@code maxPagesPerFile} pages of each file at seeded
 * random page offsets (the last page of a file zero-padded, as the page cache holds it).
 * {@link Mode#TEXT_PREFIX} reads a file from its start, gunzipping {@code *.gz}, up to {@code
 * maxPagesPerFile} pages, and skips it if its first page holds a NUL byte (not text).
 *
 * <p>The walk does not follow symbolic links (so a library reached by several names counts once),
 * goes at most {@value #MAX_DEPTH} levels deep, keeps at most {@value #MAX_CANDIDATES} files, and
 * passes over directories it cannot read.
 */
final class FileSource implements PageSource {

    enum Mode { RANDOM_PAGES, TEXT_PREFIX }

    static final int MAX_DEPTH = 12;
    static final int MAX_CANDIDATES = 200_000;

    private final PageKind kind;
    private final List<Path> roots;
    private final Predicate<Path> accept;
    private final Mode mode;
    private final int maxPagesPerFile;
    private final Random random;
    private final byte[] page = new byte[PageCorpus.PAGE_SIZE];

    private List<Path> files;
    private int nextFile;
    private int used;
    private int skipped;

    // the file being read: pages order[pos..limit) of channel, or of text
    private FileChannel channel;
    private int[] order;
    private byte[] text;
    private int pos;
    private int limit;

    FileSource(PageKind kind, List<Path> roots, Predicate<Path> accept, Mode mode, int maxPagesPerFile, long seed) {
        this.kind = kind;
        this.roots = List.copyOf(roots);
        this.accept = accept;
        this.mode = mode;
        this.maxPagesPerFile = maxPagesPerFile;
        this.random = new Random(seed);
    }

    @Override
    public PageKind kind() {
        return kind;
    }

    @Override
    public List<String> roots() {
        return roots.stream().map(Path::toString).toList();
    }

    @Override
    public int filesUsed() {
        return used;
    }

    @Override
    public int filesSkipped() {
        return skipped;
    }

    @Override
    public int take(int want, PageSink sink) {
        if (files == null) {
            files = candidates();
        }
        int got = 0;
        while (got < want) {
            if (pos == limit && !openNext()) {
                break;
            }
            if (readPage(order == null ? pos : order[pos])) {
                sink.accept(page);
                got++;
            }
            pos++;
        }
        return got;
    }

    /** Every accepted regular file under the roots, sorted by path, then shuffled by the seed. */
    private List<Path> candidates() {
        List<Path> found = new ArrayList<>();
        for (Path root : roots) {
            if (!Files.exists(root)) {
                continue;
            }
            try {
                Files.walkFileTree(root, EnumSet.noneOf(java.nio.file.FileVisitOption.class), MAX_DEPTH,
                        new SimpleFileVisitor<>() {
                            @Override
                            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                                if (attrs.isRegularFile() && attrs.size() > 0 && accept.test(file)) {
                                    found.add(file);
                                }
                                return found.size() < MAX_CANDIDATES ? FileVisitResult.CONTINUE
                                        : FileVisitResult.TERMINATE;
                            }

                            @Override
                            public FileVisitResult visitFileFailed(Path file, IOException e) {
                                skipped++;
                                return FileVisitResult.CONTINUE;
                            }
                        });
            } catch (IOException e) {
                skipped++;
            }
        }
        found.sort(Comparator.comparing(Path::toString));
        java.util.Collections.shuffle(found, random);
        return found;
    }

    /** Opens the next file that yields pages; false when none is left. */
    private boolean openNext() {
        closeCurrent();
        while (nextFile < files.size()) {
            Path file = files.get(nextFile++);
            try {
                if (mode == Mode.TEXT_PREFIX ? openText(file) : openRandom(file)) {
                    used++;
                    return true;
                }
            } catch (IOException | UncheckedIOException e) {
                closeCurrent();
            }
            skipped++;
        }
        return false;
    }

    private boolean openRandom(Path file) throws IOException {
        channel = FileChannel.open(file, StandardOpenOption.READ);
        long pages = (channel.size() + PageCorpus.PAGE_SIZE - 1) / PageCorpus.PAGE_SIZE;
        int n = (int) Math.min(pages, Integer.MAX_VALUE - 8);
        if (n == 0) {
            return false;
        }
        int k = Math.min(n, maxPagesPerFile);
        order = new int[n];
        Arrays.setAll(order, i -> i);
        for (int i = 0; i < k; i++) {               // partial Fisher-Yates: order[0..k) is the sample
            int j = i + random.nextInt(n - i);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        pos = 0;
        limit = k;
        return true;
    }

    private boolean openText(Path file) throws IOException {
        int max = (int) Math.min((long) maxPagesPerFile * PageCorpus.PAGE_SIZE, Integer.MAX_VALUE - 8);
        try (InputStream raw = Files.newInputStream(file);
                InputStream in = file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw) {
            text = in.readNBytes(max);
        }
        int head = Math.min(text.length, PageCorpus.PAGE_SIZE);
        for (int i = 0; i < head; i++) {
            if (text[i] == 0) {
                text = null;
                return false;
            }
        }
        pos = 0;
        limit = (text.length + PageCorpus.PAGE_SIZE - 1) / PageCorpus.PAGE_SIZE;
        return limit > 0;
    }

    /** Reads page {@code index} of the current file into {@link #page}; false if that fails. */
    private boolean readPage(int index) {
        Arrays.fill(page, (byte) 0);
        long offset = (long) index * PageCorpus.PAGE_SIZE;
        if (text != null) {
            System.arraycopy(text, (int) offset, page, 0, (int) Math.min(PageCorpus.PAGE_SIZE, text.length - offset));
            return true;
        }
        try {
            ByteBuffer buf = ByteBuffer.wrap(page);
            while (buf.hasRemaining() && channel.read(buf, offset + buf.position()) >= 0) {
                // a short read: read on until the page is full or the file ends
            }
            return true;
        } catch (IOException e) {
            skipped++;
            limit = pos + 1;                         // give up on the rest of this file
            return false;
        }
    }

    private void closeCurrent() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // read-only: nothing to lose
            }
        }
        channel = null;
        order = null;
        text = null;
        pos = 0;
        limit = 0;
    }

    @Override
    public void close() {
        closeCurrent();
    }
}
