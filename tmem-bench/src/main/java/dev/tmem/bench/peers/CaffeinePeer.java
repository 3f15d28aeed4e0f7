package dev.tmem.bench.peers;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * Caffeine, on the Java heap, bounded by weight as its wiki recommends for values of varying cost:
 * {@code maximumWeight} is the run's budget and each entry weighs its value's bytes. A put stores a
 * copy of the caller's array (copy semantics, like every other subject); a get copies the cached
 * array into the caller's.
 *
 * <p>On-heap: its child JVM gets a heap that holds the budget with room for the collector
 * ({@link Subject#jvmFlags}), and its memory per page shows up as resident heap, not as off-heap
 * bytes.
 */
public final class CaffeinePeer implements PeerStore {

    private final Cache<Long, byte[]> cache;
    private final long budgetBytes;

    public CaffeinePeer(long budgetBytes, long keys) {
        this.budgetBytes = budgetBytes;
        this.cache = Caffeine.newBuilder()
                .initialCapacity((int) Math.min(Integer.MAX_VALUE, keys))
                .maximumWeight(budgetBytes)
                .weigher((Long key, byte[] value) -> value.length)
                .build();
    }

    @Override
    public boolean put(long key, Page page) {
        cache.put(key, page.bytes().clone());
        return true;
    }

    @Override
    public boolean get(long key, Page dst) {
        byte[] value = cache.getIfPresent(key);
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
        cache.cleanUp();
        return cache.estimatedSize();
    }

    @Override
    public long offHeapBytes() {
        return 0;
    }

    @Override
    public String describe() {
        return "Caffeine on heap, maximumWeight " + (budgetBytes >> 20) + " MiB (weigher: value bytes)";
    }

    @Override
    public void close() {
        cache.invalidateAll();
        cache.cleanUp();
    }
}
