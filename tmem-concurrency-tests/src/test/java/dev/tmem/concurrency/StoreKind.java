package dev.tmem.concurrency;

import dev.tmem.core.TmemEngine;
import dev.tmem.core.spi.PageStore;
import dev.tmem.core.store.OffHeapPageStore;
import dev.tmem.zcache.ZcacheConfig;
import dev.tmem.zcache.ZcachePageStore;

/** The page stores the stress tests run over: the engine's rules must hold over each. */
enum StoreKind {
    RAW {
        @Override
        PageStore create() {
            return new OffHeapPageStore();
        }

        @Override
        long liveHandles(PageStore store) {
            return ((OffHeapPageStore) store).liveHandles();
        }

        @Override
        long maxCharge(int pageSize) {
            return pageSize;
        }
    },
    ZCACHE_LZ4 {
        @Override
        PageStore create() {
            return new ZcachePageStore(ZcacheConfig.builder().maxPoolBytes(64L << 20).build());
        }

        @Override
        long liveHandles(PageStore store) {
            return ((ZcachePageStore) store).stats().pages();
        }

        @Override
        long maxCharge(int pageSize) {
            return pageSize + 20; // an incompressible page stored raw: its slot, entry and slot-map cell
        }
    };

    abstract PageStore create();

    /** Pages the store holds now, counted by the store itself. */
    abstract long liveHandles(PageStore store);

    /** The most one page of {@code pageSize} costs in this store. */
    abstract long maxCharge(int pageSize);

    /** What the engine charges at most for one page. */
    long maxCost(int pageSize) {
        return maxCharge(pageSize) + TmemEngine.PAGE_OVERHEAD_BYTES;
    }
}
