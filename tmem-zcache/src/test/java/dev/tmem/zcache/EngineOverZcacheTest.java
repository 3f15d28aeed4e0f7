package dev.tmem.zcache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tmem.core.ObjectId;
import dev.tmem.core.PoolId;
import dev.tmem.core.PoolSpec;
import dev.tmem.core.TmemClient;
import dev.tmem.core.TmemEngine;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The engine over a zcache store whose own limit binds before the engine's budget (what it holds
 * beyond the pages' charges: partly filled slabs, chunk space, metadata): ephemeral puts evict
 * least recently used pages and succeed, as they do for the budget; persistent puts fail cleanly
 * when only persistent pages are left.
 */
class EngineOverZcacheTest {

    private static final List<MemorySegment> REAL = RealPages.sample(4096, 64, 21);

    private static MemorySegment page(int i) {
        MemorySegment p = MemorySegment.ofArray(REAL.get(i % REAL.size()).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
        p.set(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, 0, i); // every page its own
        return p;
    }

    @Test
    void ephemeralPutsEvictWhenTheStoreIsFullAndPersistentPutsFailCleanly() {
        long storeMax = 2L << 20;
        ZcachePageStore zcache = new ZcachePageStore(ZcacheConfig.builder().maxPoolBytes(storeMax).build());
        try (TmemEngine engine = TmemEngine.builder().store(zcache).budgetBytes(64L << 20).build()) {
            TmemClient c = engine.client("cache");
            PoolId eph = c.newPool(PoolSpec.ephemeral(4096));
            MemorySegment dst = MemorySegment.ofArray(new byte[4096]);
            int n = 5000; // about 10 MiB of pages, over 4x what the store may hold
            for (int i = 0; i < n; i++) {
                assertThat(c.putPage(eph, ObjectId.of(i), 0, page(i))).as("put %d", i).isTrue();
                assertThat(zcache.reservedBytes()).isLessThanOrEqualTo(storeMax);
            }
            assertThat(engine.stats().evictions()).isPositive();
            assertThat(zcache.stats().poolLimitHit()).isPositive();
            // the most recent pages are there and intact; whatever hits is the right page
            int hits = 0;
            for (int i = n - 1; i >= 0; i--) {
                if (c.getPage(eph, ObjectId.of(i), 0, dst)) {
                    hits++;
                    assertThat(dst.mismatch(page(i))).as("page %d", i).isEqualTo(-1);
                }
            }
            assertThat(hits).isBetween(100, n - 1);

            // persistent pages cannot be evicted: once the store is full of them, puts fail and leave nothing
            PoolId per = c.newPool(PoolSpec.persistent(4096));
            int stored = 0;
            boolean failed = false;
            for (int i = 0; i < n && !failed; i++) {
                if (c.putPage(per, ObjectId.of(i), 0, page(i))) {
                    stored++;
                } else {
                    failed = true;
                    assertThat(c.getPage(per, ObjectId.of(i), 0, dst)).isFalse();
                }
            }
            assertThat(failed).isTrue();
            assertThat(stored).isPositive();
            for (int i = 0; i < stored; i++) {
                assertThat(c.getPage(per, ObjectId.of(i), 0, dst)).isTrue();
                assertThat(dst.mismatch(page(i))).isEqualTo(-1);
            }
            assertThat(zcache.reservedBytes()).isLessThanOrEqualTo(storeMax);
        }
    }
}
