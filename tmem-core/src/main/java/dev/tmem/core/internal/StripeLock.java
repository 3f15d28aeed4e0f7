package dev.tmem.core.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * A sequence lock for one stripe: an exclusive write lock plus optimistic reads, the two modes of
 * {@link java.util.concurrent.locks.StampedLock} the engine uses, without StampedLock's blocking
 * queue, so that releasing the write lock is a release store rather than a volatile one.
 *
 * <p><b>Why.</b> A put writes a whole page and then releases its stripe. A volatile store (what
 * StampedLock's unlock does) is a full fence on x86: the thread waits there until every store of the
 * page has left its store buffer. A release store lets that drain overlap with the next operation.
 *
 * <p><b>Protocol.</b> {@link #state} is even when free and odd while written; every write lock and
 * release adds one, so a reader that sees the same even value before and after its reads (with an
 * acquire fence before the second look) saw no write. Writers that find the lock taken spin
 * briefly, then yield, then park for growing intervals: critical sections are short except for
 * teardown sweeps, for which parking is right.
 */
public final class StripeLock {

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(StripeLock.class, "state", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Starts at 2 so that no valid stamp is 0 (0 means "no stamp", as in StampedLock). */
    @SuppressWarnings("unused") // accessed through STATE
    private volatile long state = 2;

    /** Takes the write lock, waiting as long as needed; returns the stamp for {@link #unlockWrite}. */
    public long writeLock() {
        long stamp = tryWriteLock();
        return stamp != 0 ? stamp : writeLockSlow();
    }

    private long writeLockSlow() {
        for (int spins = 0; ; spins++) {
            long stamp = tryWriteLock();
            if (stamp != 0) {
                return stamp;
            }
            if (spins < 64) {
                Thread.onSpinWait();
            } else if (spins < 128) {
                Thread.yield();
            } else {
                LockSupport.parkNanos(Math.min(1L << Math.min(spins - 128, 20), 1_000_000L));
            }
        }
    }

    /** Takes the write lock if it is free now; returns its stamp, or 0. */
    public long tryWriteLock() {
        long s = (long) STATE.getOpaque(this);
        return (s & 1) == 0 && STATE.compareAndSet(this, s, s + 1) ? s + 1 : 0;
    }

    /** Releases the write lock taken with {@code stamp}. */
    public void unlockWrite(long stamp) {
        if ((long) STATE.getOpaque(this) != stamp || (stamp & 1) == 0) {
            throw new IllegalMonitorStateException("not the stamp of the current write lock: " + stamp);
        }
        STATE.setRelease(this, stamp + 1);
    }

    /** A stamp for an optimistic read, or 0 if a writer holds the lock now. */
    public long tryOptimisticRead() {
        long s = (long) STATE.getAcquire(this);
        return (s & 1) == 0 ? s : 0;
    }

    /** Whether no writer took the lock since {@code stamp} was issued (reads before this call count). */
    public boolean validate(long stamp) {
        VarHandle.acquireFence();
        return (long) STATE.getOpaque(this) == stamp;
    }
}
