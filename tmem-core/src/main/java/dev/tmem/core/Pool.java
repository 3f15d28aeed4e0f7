package dev.tmem.core;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A pool as the engine sees it. Private pools belong to one client; a shared pool is one object
 * reached through several attachments (one pool id per attachment).
 *
 * <p><b>Lifetime.</b> {@link #state} goes {@code LIVE -> DRAINING -> DEAD}, or back from
 * {@code DRAINING} to {@code LIVE} when teardown times out waiting for pins. Page operations check
 * {@code state == DEAD} while holding their stripe's lock, and teardown sets it before sweeping the
 * stripes, each under its lock: an operation either completes before the sweep reaches its stripe
 * (and the sweep removes its page) or sees the pool dead. No per-operation reference count is
 * needed; only pins, which outlive the operation that made them, hold a reference ({@link #pins}).
 */
final class Pool {

    static final int LIVE = 0;
    static final int DRAINING = 1;
    static final int DEAD = 2;

    /** Never reused in the engine's lifetime, so a page can never be mistaken for one of an old pool. */
    final int serial;
    final PoolSpec spec;
    final boolean persistent;
    final boolean shared;
    /** Whether a hit removes the page whatever the caller asks: private ephemeral pools. */
    final boolean exclusiveHits;
    volatile int state = LIVE;
    /** Pinned pages of this pool; teardown waits for 0. */
    final AtomicInteger pins = new AtomicInteger();
    /** Attachments of a shared pool; guarded by the engine's poolsLock. */
    int attachments;

    Pool(int serial, PoolSpec spec) {
        this.serial = serial;
        this.spec = spec;
        this.persistent = spec.persistent();
        this.shared = spec.shared();
        this.exclusiveHits = !persistent && !shared;
    }

    int pageSize() {
        return spec.pageSize();
    }

    void releasePin() {
        if (pins.decrementAndGet() == 0) {
            synchronized (this) {
                notifyAll();
            }
        }
    }

    /** Waits until no page of the pool is pinned, up to {@code nanos}; returns whether it got there. */
    boolean awaitNoPins(long nanos) throws InterruptedException {
        long deadline = System.nanoTime() + nanos;
        synchronized (this) {
            while (pins.get() != 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                wait(Math.max(1, left / 1_000_000));
            }
            return true;
        }
    }
}
