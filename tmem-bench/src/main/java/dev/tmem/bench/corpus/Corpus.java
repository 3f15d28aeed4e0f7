package dev.tmem.bench.corpus;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A built corpus, mapped read-only from its files: {@link #size()} pages of {@value
 * PageCorpus#PAGE_SIZE} bytes, each with its {@link PageKind}.
 *
 * <p>Lifetime: the pages live in a shared {@link Arena} that {@link #close()} closes; segments
 * from {@link #pages()} and {@link #page(int)} fail to read after that. Any thread may read the
 * pages until then.
 */
public final class Corpus implements AutoCloseable {

    private final Path dir;
    private final Arena arena;
    private final MemorySegment pages;
    private final byte[] kinds;
    private final CorpusManifest manifest;
    private final Composition composition;

    private Corpus(Path dir, Arena arena, MemorySegment pages, byte[] kinds, CorpusManifest manifest) {
        this.dir = dir;
        this.arena = arena;
        this.pages = pages;
        this.kinds = kinds;
        this.manifest = manifest;
        this.composition = Composition.count(pages, kinds, PageCorpus.PAGE_SIZE);
    }

    /** Maps the corpus in {@code dir}; fails if a file is missing or its size disagrees with the manifest. */
    static Corpus open(Path dir) throws IOException {
        CorpusManifest manifest = CorpusManifest.read(dir.resolve(PageCorpus.MANIFEST_FILE));
        byte[] kinds = Files.readAllBytes(dir.resolve(PageCorpus.KINDS_FILE));
        long expected = (long) manifest.pages() * PageCorpus.PAGE_SIZE;
        if (manifest.pageSize() != PageCorpus.PAGE_SIZE || kinds.length != manifest.pages()) {
            throw new IOException("corpus in " + dir + " is inconsistent: " + kinds.length + " kinds for "
                    + manifest.pages() + " pages of " + manifest.pageSize() + " bytes; rebuild it");
        }
        for (byte kind : kinds) {
            if (kind < 0 || kind >= PageKind.values().length) {
                throw new IOException("corpus in " + dir + " has an unknown page kind " + kind + "; rebuild it");
            }
        }
        Arena arena = Arena.ofShared();
        boolean success = false;
        try (FileChannel channel = FileChannel.open(dir.resolve(PageCorpus.DATA_FILE), StandardOpenOption.READ)) {
            if (channel.size() != expected) {
                throw new IOException("corpus data in " + dir + " has " + channel.size() + " bytes, expected "
                        + expected + "; rebuild it");
            }
            MemorySegment pages = channel.map(FileChannel.MapMode.READ_ONLY, 0, expected, arena);
            Corpus corpus = new Corpus(dir, arena, pages, kinds, manifest);
            success = true;
            return corpus;
        } finally {
            if (!success) {
                arena.close();
            }
        }
    }

    /** The directory the corpus lives in. */
    public Path dir() {
        return dir;
    }

    public int size() {
        return kinds.length;
    }

    /** All pages, page {@code i} at byte offset {@code i * 4096}; read-only. */
    public MemorySegment pages() {
        return pages;
    }

    /** Page {@code i}, a read-only slice of {@link #pages()}. */
    public MemorySegment page(int i) {
        return pages.asSlice((long) java.util.Objects.checkIndex(i, kinds.length) * PageCorpus.PAGE_SIZE,
                PageCorpus.PAGE_SIZE);
    }

    public PageKind kind(int i) {
        return PageKind.values()[kinds[i]];
    }

    /** Counted from the pages when the corpus was opened. */
    public Composition composition() {
        return composition;
    }

    /** What the build recorded: parameters, JDK, sources. */
    public CorpusManifest manifest() {
        return manifest;
    }

    @Override
    public void close() {
        arena.close();
    }
}
