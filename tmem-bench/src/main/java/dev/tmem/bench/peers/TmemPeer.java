package dev.tmem.bench.peers;

import dev.tmem.core.ObjectId;
import dev.tmem.core.PoolId;
import dev.tmem.core.PoolSpec;
import dev.tmem.core.TmemClient;
import dev.tmem.core.TmemEngine;
import dev.tmem.core.store.OffHeapPageStore;
import dev.tmem.zcache.ZcacheConfig;
import dev.tmem.zcache.ZcachePageStore;

/**
 * tmem as a page store: one engine, one client, one persistent pool of 4 KiB pages. Key {@code k}
 * is the handle (pool, object {@code k / 256}, index {@code k % 256}): objects of 256 pages, like
 * the clusters of a swap area under frontswap; the {@link ObjectId}s are made once, as a frontend
 * that caches them would.
 *
 * <p>Why persistent: a get on a private ephemeral pool is exclusive (it removes the page), which is
 * cleancache's contract, not a cache's; a persistent pool's get leaves the page, like the peers'
 * gets. The engine's budget is the run's budget, so nothing is evicted while the working set fits.
 */
public final class TmemPeer implements PeerStore {

    static final int PAGES_PER_OBJECT = 256;

    private final TmemEngine engine;
    private final TmemClient client;
    private final PoolId pool;
    private final ObjectId[] oids;
    private final OffHeapPageStore raw;
    private final ZcachePageStore zcache;

    private TmemPeer(TmemEngine engine, OffHeapPageStore raw, ZcachePageStore zcache, long keys) {
        this.engine = engine;
        this.raw = raw;
        this.zcache = zcache;
        this.client = engine.client("bench-peers");
        this.pool = client.newPool(PoolSpec.persistent(Page.SIZE));
        this.oids = new ObjectId[Math.toIntExact((keys + PAGES_PER_OBJECT - 1) / PAGES_PER_OBJECT)];
        for (int i = 0; i < oids.length; i++) {
            oids[i] = ObjectId.of(i);
        }
    }

    /** The engine over its raw off-heap store, within {@code budgetBytes}; keys below {@code keys}. */
    public static TmemPeer raw(long budgetBytes, long keys) {
        OffHeapPageStore store = new OffHeapPageStore();
        return new TmemPeer(TmemEngine.builder().store(store).budgetBytes(budgetBytes).build(), store, null, keys);
    }

    /** The engine over zcache with lz4, both limited to {@code budgetBytes}; keys below {@code keys}. */
    public static TmemPeer zcacheLz4(long budgetBytes, long keys) {
        ZcachePageStore store = new ZcachePageStore(
                ZcacheConfig.builder().codec("lz4").maxPoolBytes(budgetBytes).build());
        return new TmemPeer(TmemEngine.builder().store(store).budgetBytes(budgetBytes).build(), null, store, keys);
    }

    @Override
    public boolean put(long key, Page page) {
        return client.putPage(pool, oids[(int) (key / PAGES_PER_OBJECT)], key % PAGES_PER_OBJECT, page.segment());
    }

    @Override
    public boolean get(long key, Page dst) {
        return client.getPage(pool, oids[(int) (key / PAGES_PER_OBJECT)], key % PAGES_PER_OBJECT, dst.segment());
    }

    @Override
    public boolean fillsSegment() {
        return true;
    }

    @Override
    public long pages() {
        return engine.stats().pages();
    }

    /** The raw store's slabs, or zcache's chunks and entry metadata ({@code bytes_used}). */
    @Override
    public long offHeapBytes() {
        return raw != null ? raw.reservedBytes() : zcache.stats().bytesUsed();
    }

    @Override
    public String describe() {
        return (raw != null ? "engine over OffHeapPageStore" : "engine over ZcachePageStore (codec lz4, max_pool_bytes = budget)")
                + ", persistent pool, budget " + (engine.budgetBytes() >> 20) + " MiB";
    }

    @Override
    public void close() {
        engine.close();
    }
}
