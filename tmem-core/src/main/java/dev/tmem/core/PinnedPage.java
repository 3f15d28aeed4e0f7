package dev.tmem.core;

import java.lang.foreign.MemorySegment;

/**
 * A page held in place for zero-copy reading. While the pin is held the page is not evicted, its
 * memory is not freed (even if the page is flushed or replaced meanwhile: the view keeps showing the
 * bytes that were pinned), and its pool cannot be destroyed.
 *
 * <p>{@link #close()} releases the pin exactly once; a second release throws
 * {@link OverReleaseException}. After release, any access through {@link #segment()} throws
 * {@link IllegalStateException}: the view's scope is closed, so a stale view can never show another
 * page's bytes.
 */
public interface PinnedPage extends AutoCloseable {

    /** A read-only view of the page, valid until {@link #close()}. */
    MemorySegment segment();

    /**
     * Releases the pin.
     *
     * @throws OverReleaseException if the pin was already released
     */
    @Override
    void close();
}
