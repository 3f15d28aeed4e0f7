package dev.tmem.zcache.internal;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes a store holds (chunks and metadata) against its maximum, with zswap's accept hysteresis:
 * once a reservation fails, the store is "full" and refuses new pages until its usage falls to the
 * accept threshold.
 *
 * <p><b>Concurrency.</b> Lock-free: a reservation is a compare-and-set on {@link #used}, so usage
 * never exceeds the maximum, even transiently.
 */
public final class MemoryBudget {

    private final AtomicLong used = new AtomicLong();
    private final long max;
    private final long acceptBelow;
    private volatile boolean full;

    /**
     * @param max the most bytes the store may hold
     * @param acceptThresholdPercent once full, new pages are accepted again when usage falls to this
     *     percentage of {@code max} (100: as soon as there is room)
     */
    public MemoryBudget(long max, int acceptThresholdPercent) {
        this.max = max;
        this.acceptBelow = acceptThresholdPercent >= 100 ? max : max / 100 * acceptThresholdPercent
                + max % 100 * acceptThresholdPercent / 100;
    }

    /** Whether the store takes new pages: not full, or back under the accept threshold. */
    public boolean accepting() {
        if (!full) {
            return true;
        }
        if (used.get() <= acceptBelow) {
            full = false;
            return true;
        }
        return false;
    }

    /** Reserves {@code bytes} if they fit under the maximum; if not, marks the store full. */
    public boolean tryReserve(long bytes) {
        long u;
        do {
            u = used.get();
            if (u + bytes > max) {
                full = true;
                return false;
            }
        } while (!used.compareAndSet(u, u + bytes));
        return true;
    }

    public void release(long bytes) {
        used.addAndGet(-bytes);
    }

    public long used() {
        return used.get();
    }

    public long max() {
        return max;
    }

    public boolean full() {
        return full;
    }
}
