package dev.tmem.bench.peers;

import net.openhft.chronicle.map.ChronicleMap;

/**
 * Chronicle Map in memory (not persisted to a file), set up as its tutorial recommends for
 * fixed-size values: {@code constantValueSizeBySample(new byte[4096])}, {@code entries} the number
 * of pages the budget holds, and {@code putReturnsNull(true)} so that a put does not deserialize
 * the value it replaces. Gets use {@code getUsing} with the caller's array, which Chronicle fills
 * in place. Chronicle Map is a map, not a cache: it never evicts, and refuses entries past what it
 * was sized for (with some slack).
 *
 * <p>Its child JVM needs Chronicle's {@code --add-opens}/{@code --add-exports} and always runs with
 * {@code -Dchronicle.analytics.disable=true} ({@link Subject#jvmFlags}).
 */
public final class ChronicleMapPeer implements PeerStore {

    private final ChronicleMap<Long, byte[]> map;
    private final long entries;

    public ChronicleMapPeer(long budgetBytes) {
        if (!Boolean.getBoolean("chronicle.analytics.disable")) {
            throw new IllegalStateException("run Chronicle Map with -Dchronicle.analytics.disable=true");
        }
        this.entries = Math.max(1, budgetBytes / Page.SIZE);
        this.map = ChronicleMap.of(Long.class, byte[].class)
                .name("tmem-bench-peers")
                .entries(entries)
                .constantValueSizeBySample(new byte[Page.SIZE])
                .putReturnsNull(true)
                .create();
    }

    @Override
    public boolean put(long key, Page page) {
        map.put(key, page.bytes());
        return true;
    }

    @Override
    public boolean get(long key, Page dst) {
        byte[] value = map.getUsing(key, dst.bytes());
        if (value == null) {
            return false;
        }
        if (value != dst.bytes()) {
            System.arraycopy(value, 0, dst.bytes(), 0, value.length);
        }
        return true;
    }

    @Override
    public boolean fillsSegment() {
        return false;
    }

    @Override
    public long pages() {
        return map.longSize();
    }

    @Override
    public long offHeapBytes() {
        return map.offHeapMemoryUsed();
    }

    @Override
    public String describe() {
        return "ChronicleMap in memory, entries " + entries + ", constantValueSizeBySample(4096), putReturnsNull";
    }

    @Override
    public void close() {
        map.close();
    }
}
