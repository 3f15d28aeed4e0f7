package dev.tmem.bench.peers;

import org.ehcache.Cache;
import org.ehcache.CacheManager;
import org.ehcache.config.builders.CacheConfigurationBuilder;
import org.ehcache.config.builders.CacheManagerBuilder;
import org.ehcache.config.builders.ResourcePoolsBuilder;
import org.ehcache.config.units.MemoryUnit;
import org.ehcache.core.internal.statistics.DefaultStatisticsService;
import org.ehcache.core.statistics.TierStatistics;

/**
 * Ehcache 3's off-heap tier alone, as its documentation sets up a single-tier off-heap cache:
 * {@code ResourcePoolsBuilder.newResourcePoolsBuilder().offheap(budget, MB)}, keys {@code Long} and
 * values {@code byte[]} through Ehcache's own serializers. Every value lives serialized off heap;
 * a get deserializes a fresh array, which this adapter copies into the caller's.
 *
 * <p>The off-heap tier allocates direct buffers: its child JVM's {@code -XX:MaxDirectMemorySize}
 * is set above the budget ({@link Subject#jvmFlags}). Off-heap bytes are the tier's own
 * {@code allocatedByteSize} statistic.
 */
public final class EhcachePeer implements PeerStore {

    static final String CACHE = "pages";
    private static final String OFFHEAP_TIER = "OffHeap";

    private final CacheManager manager;
    private final Cache<Long, byte[]> cache;
    private final DefaultStatisticsService statistics = new DefaultStatisticsService();
    private final long budgetMiB;

    public EhcachePeer(long budgetBytes) {
        this.budgetMiB = Math.max(1, budgetBytes >> 20);
        this.manager = CacheManagerBuilder.newCacheManagerBuilder()
                .using(statistics)
                .withCache(CACHE, CacheConfigurationBuilder.newCacheConfigurationBuilder(Long.class, byte[].class,
                        ResourcePoolsBuilder.newResourcePoolsBuilder().offheap(budgetMiB, MemoryUnit.MB)))
                .build(true);
        this.cache = manager.getCache(CACHE, Long.class, byte[].class);
    }

    @Override
    public boolean put(long key, Page page) {
        cache.put(key, page.bytes());
        return true;
    }

    @Override
    public boolean get(long key, Page dst) {
        byte[] value = cache.get(key);
        if (value == null) {
            return false;
        }
        System.arraycopy(value, 0, dst.bytes(), 0, value.length);
        return true;
    }

    @Override
    public boolean fillsSegment() {
        return false;
    }

    @Override
    public long pages() {
        return offHeapTier().getMappings();
    }

    @Override
    public long offHeapBytes() {
        return offHeapTier().getAllocatedByteSize();
    }

    private TierStatistics offHeapTier() {
        TierStatistics tier = statistics.getCacheStatistics(CACHE).getTierStatistics().get(OFFHEAP_TIER);
        if (tier == null) {
            throw new IllegalStateException("Ehcache reports no " + OFFHEAP_TIER + " tier; tiers: "
                    + statistics.getCacheStatistics(CACHE).getTierStatistics().keySet());
        }
        return tier;
    }

    @Override
    public String describe() {
        return "Ehcache 3 off-heap tier only, offheap(" + budgetMiB + " MB)";
    }

    @Override
    public void close() {
        manager.close();
    }
}
