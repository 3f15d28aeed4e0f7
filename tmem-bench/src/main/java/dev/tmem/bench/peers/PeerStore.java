package dev.tmem.bench.peers;

/**
 * A store of 4 KiB pages keyed by a {@code long}, as {@code tmem bench peers} drives it.
 *
 * <p>Contract: {@link #put} copies the page in (the caller reuses its buffers); {@link #get}
 * copies the page last put at the key into the destination and returns true, or returns false on a
 * miss (evicted or never put), leaving the destination's contents unspecified. A subject reads the
 * form of {@link Page} its API takes and, on a hit, writes that form of the destination:
 * {@link Page#segment()} for tmem, {@link Page#bytes()} for the peers. All methods but
 * {@link #close} may be called from several threads at once.
 */
public sealed interface PeerStore extends AutoCloseable
        permits TmemPeer, OhcPeer, CaffeinePeer, EhcachePeer, ChronicleMapPeer {

    /** Stores a copy of the page at {@code key}; false if the store refused it. */
    boolean put(long key, Page page);

    /** Copies the page at {@code key} into {@code dst}; false on a miss. */
    boolean get(long key, Page dst);

    /** Whether {@link #get} fills {@link Page#segment()} (tmem) rather than {@link Page#bytes()}. */
    boolean fillsSegment();

    /** Pages held now (after any pending maintenance the store does lazily). */
    long pages();

    /**
     * Memory the store itself reports holding outside the Java heap (slabs, chunks, off-heap
     * segments), or 0 for an on-heap store.
     */
    long offHeapBytes();

    /** How the store was configured, in one line, for the report. */
    String describe();

    @Override
    void close();
}
