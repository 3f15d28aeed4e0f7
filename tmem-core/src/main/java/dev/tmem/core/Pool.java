package dev.tmem.core;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A pool as the engine sees it. Private pools belong to one client; a shared pool is one object
 * reached through several attachments (one pool id per attachment).
 *
 * <p><b>Lifetime.</b> A pool is live until teardown marks it {@link #dead}. Page operations check
 * {@code dead} while holding their stripe's lock, and teardown sets it before sweeping the stripes,
 * each under its lock: an operation either completes before the sweep reaches its stripe (and the
 * sweep removes its page) or sees the pool dead. No per-operation reference count is needed; only
 * pins, which outlive the operation that made them, hold a reference on the pool.
 *
 * <p><b>Pin references.</b> {@link #pinRefs} counts the pool's pinned pages in its low bits and
 * carries a {@link #DRAINING} bit. A pin takes a reference with a compare-and-set that fails once
 * the bit is set; teardown sets the bit and then waits for the count to reach 0. Setting the bit
 * and taking a reference are one atomic word, so no pin can slip in between teardown's check and
 * its sweep. A teardown that times out clears the bit again, and the pool is as it was.
 */
final class Pool {

    private static final int DRAINING = 1 << 30;
    private static final int COUNT = DRAINING - 1;

    /** Never reused in the engine's lifetime, so a page can never be mistaken for one of an old pool. */
    final int serial;
    final PoolSpec spec;
    final boolean persistent;
    final boolean shared;
    /** Whether a hit removes the page whatever the caller asks: private ephemeral pools. */
    final boolean exclusiveHits;
    volatile boolean dead;
    private final AtomicInteger pinRefs = new AtomicInteger();
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

    /** Takes a reference for a newly pinned page; false if teardown is draining the pool. */
    boolean tryTakePinRef() {
        for (int cur = pinRefs.get(); ; cur = pinRefs.get()) {
            if ((cur & DRAINING) != 0) {
                return false;
            }
            if (pinRefs.compareAndSet(cur, cur + 1)) {
                return true;
            }
        }
    }

    void releasePinRef() {
        if ((pinRefs.decrementAndGet() & COUNT) == 0) {
            synchronized (this) {
                notifyAll();
            }
        }
    }

    int pinnedPages() {
        return pinRefs.get() & COUNT;
    }

    /** Refuses new pins from now on; {@link #awaitDrained} waits for the pinned pages to go. */
    void startDraining() {
        pinRefs.getAndUpdate(v -> v | DRAINING);
    }

    /** Accepts pins again (teardown gave up). */
    void stopDraining() {
        pinRefs.getAndUpdate(v -> v & ~DRAINING);
    }

    /** Waits until no page of the pool is pinned, up to {@code nanos}; returns whether it got there. */
    boolean awaitDrained(long nanos) throws InterruptedException {
        long deadline = System.nanoTime() + nanos;
        synchronized (this) {
            while (pinnedPages() != 0) {
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
