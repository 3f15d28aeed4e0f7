package dev.tmem.bench.peers;

import java.nio.ByteBuffer;
import org.caffinitas.ohc.CacheSerializer;
import org.caffinitas.ohc.DirectValueAccess;
import org.caffinitas.ohc.OHCache;
import org.caffinitas.ohc.OHCacheBuilder;

/**
 * OHC (Cassandra's off-heap cache) as its README sets it up for values of a few KiB: the default
 * linked implementation (the chunked one is for small entries), LRU eviction, {@code capacity} the
 * run's budget, and a hash table sized to the expected entries per segment so that it does not
 * rehash during the fill. Gets use {@code getDirect}, which copies the value straight out of
 * off-heap memory into the caller's array without deserializing a new one.
 *
 * <p>Needs {@code --sun-misc-unsafe-memory-access=allow} (OHC allocates through
 * {@code sun.misc.Unsafe}).
 */
public final class OhcPeer implements PeerStore {

    private static final CacheSerializer<Long> KEYS = new CacheSerializer<>() {
        @Override
        public void serialize(Long key, ByteBuffer buf) {
            buf.putLong(key);
        }

        @Override
        public Long deserialize(ByteBuffer buf) {
            return buf.getLong();
        }

        @Override
        public int serializedSize(Long key) {
            return Long.BYTES;
        }
    };

    private static final CacheSerializer<byte[]> VALUES = new CacheSerializer<>() {
        @Override
        public void serialize(byte[] value, ByteBuffer buf) {
            buf.put(value);
        }

        @Override
        public byte[] deserialize(ByteBuffer buf) {
            byte[] value = new byte[buf.remaining()];
            buf.get(value);
            return value;
        }

        @Override
        public int serializedSize(byte[] value) {
            return value.length;
        }
    };

    private final OHCache<Long, byte[]> cache;
    private final long budgetBytes;

    public OhcPeer(long budgetBytes, long keys) {
        this.budgetBytes = budgetBytes;
        int segments = Integer.highestOneBit(Runtime.getRuntime().availableProcessors() * 2 - 1) * 2;
        int perSegment = (int) Math.max(1024, Long.highestOneBit(Math.max(1, keys / segments)) * 2);
        this.cache = OHCacheBuilder.<Long, byte[]>newBuilder()
                .keySerializer(KEYS)
                .valueSerializer(VALUES)
                .capacity(budgetBytes)
                .segmentCount(segments)
                .hashTableSize(perSegment)
                .build();
    }

    @Override
    public boolean put(long key, Page page) {
        return cache.put(key, page.bytes());
    }

    @Override
    public boolean get(long key, Page dst) {
        try (DirectValueAccess value = cache.getDirect(key)) {
            if (value == null) {
                return false;
            }
            value.buffer().get(dst.bytes());
            return true;
        } catch (java.io.IOException e) {
            throw new IllegalStateException("OHC failed to release a value", e);
        }
    }

    @Override
    public boolean fillsSegment() {
        return false;
    }

    @Override
    public long pages() {
        return cache.size();
    }

    /** OHC's {@code memUsed()}: the bytes of its entries (key, value and entry header). */
    @Override
    public long offHeapBytes() {
        return cache.memUsed();
    }

    @Override
    public String describe() {
        return "OHCacheBuilder linked, LRU, capacity " + (budgetBytes >> 20) + " MiB";
    }

    @Override
    public void close() {
        try {
            cache.close();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("OHC failed to close", e);
        }
    }
}
