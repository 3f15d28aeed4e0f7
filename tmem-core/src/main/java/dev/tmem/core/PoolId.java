package dev.tmem.core;

/**
 * A pool id, private to the client that created the pool: two clients may both own a pool 0. Ids
 * are small non-negative integers and are reused after {@link TmemClient#destroyPool}.
 */
public record PoolId(int value) {

    public PoolId {
        if (value < 0) {
            throw new IllegalArgumentException("pool id must be >= 0, was " + value);
        }
    }

    public static PoolId of(int value) {
        return new PoolId(value);
    }
}
