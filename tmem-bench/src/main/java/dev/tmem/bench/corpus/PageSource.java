package dev.tmem.bench.corpus;

import java.util.List;

/**
 * A supply of real pages of one kind, in an order fixed by the builder's seed. Reads lazily: a
 * source opens only the files it needs for the pages asked of it. Files that cannot be read are
 * skipped and counted, never fatal.
 *
 * <p>Confined to the building thread.
 */
sealed interface PageSource extends AutoCloseable permits FileSource, HeapDumpSource {

    /** Receives one page; the array is reused for the next page, so copy it. */
    @FunctionalInterface
    interface PageSink {
        void accept(byte[] page);
    }

    PageKind kind();

    /**
     * Hands up to {@code want} further pages to {@code sink}, none seen before; returns how many.
     * Fewer than {@code want} means the source is exhausted.
     */
    int take(int want, PageSink sink);

    /** The files or directories the source samples. */
    List<String> roots();

    /** Files that gave at least one page so far. */
    int filesUsed();

    /** Files passed over: unreadable, or not text where text is wanted. */
    int filesSkipped();

    /** What the source has to say beyond its counts (why it gave nothing, say), one line each. */
    default List<String> notes() {
        return List.of();
    }

    @Override
    void close();
}
