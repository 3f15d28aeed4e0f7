package dev.tmem.core;

import java.util.Objects;
import java.util.UUID;

/**
 * What a pool is: its kind, its page size, and for a shared pool the 128-bit uuid under which
 * clients find it. Shared pools are always ephemeral.
 *
 * @param kind ephemeral or persistent
 * @param pageSize bytes per page: a power of two from {@value #MIN_PAGE_SIZE} to {@value #MAX_PAGE_SIZE}
 * @param sharedUuid the uuid of a shared pool, or {@code null} for a private pool
 */
public record PoolSpec(PoolKind kind, int pageSize, UUID sharedUuid) {

    public static final int MIN_PAGE_SIZE = 4096;
    public static final int MAX_PAGE_SIZE = 65536;
    public static final int DEFAULT_PAGE_SIZE = 4096;

    public PoolSpec {
        Objects.requireNonNull(kind, "kind");
        checkPageSize(pageSize);
        if (sharedUuid != null && kind != PoolKind.EPHEMERAL) {
            throw new IllegalArgumentException("shared pools are ephemeral; kind was " + kind);
        }
    }

    public static PoolSpec ephemeral(int pageSize) {
        return new PoolSpec(PoolKind.EPHEMERAL, pageSize, null);
    }

    public static PoolSpec persistent(int pageSize) {
        return new PoolSpec(PoolKind.PERSISTENT, pageSize, null);
    }

    public static PoolSpec shared(UUID uuid, int pageSize) {
        return new PoolSpec(PoolKind.EPHEMERAL, pageSize, Objects.requireNonNull(uuid, "uuid"));
    }

    public boolean persistent() {
        return kind == PoolKind.PERSISTENT;
    }

    public boolean shared() {
        return sharedUuid != null;
    }

    /** log2 of the page size, 12 to 16. */
    public int pageShift() {
        return Integer.numberOfTrailingZeros(pageSize);
    }

    static void checkPageSize(int pageSize) {
        if (pageSize < MIN_PAGE_SIZE || pageSize > MAX_PAGE_SIZE || Integer.bitCount(pageSize) != 1) {
            throw new IllegalArgumentException("pageSize must be a power of two from " + MIN_PAGE_SIZE
                    + " to " + MAX_PAGE_SIZE + ", was " + pageSize);
        }
    }
}
