package dev.tmem.frontend.internal;

import dev.tmem.core.OverReleaseException;
import dev.tmem.core.PoolId;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A filesystem's or swap area's pool in one backend, with the count of operations using it now.
 *
 * <p><b>Concurrency.</b> An operation {@link #enter()}s before it passes {@link #pool} to the backend
 * and {@link #exit()}s after. The count and a closed flag share one atomic word: {@link #closeAndDrain()}
 * sets the flag and waits for the count to reach zero, and an {@code enter} either incremented the
 * count before the flag was set (the drain waits for it) or sees the flag and fails, so once
 * {@code closeAndDrain} returns no operation uses the pool and it can be destroyed (and its id
 * reused by the backend) safely.
 *
 * <pre>
 *  63  62  61                                               0
 * +---+---+--------------------------------------------------+
 * | 0 | C |          operations inside (62 bits)             |
 * +---+---+--------------------------------------------------+
 * </pre>
 */
public final class Attachment {

    private static final long CLOSED = 1L << 62;
    private static final long COUNT = CLOSED - 1;

    public final Binding binding;
    public final PoolId pool;
    private final AtomicLong state = new AtomicLong();

    public Attachment(Binding binding, PoolId pool) {
        this.binding = binding;
        this.pool = pool;
    }

    /** Takes a reference; {@code false} if the attachment is closed (take the no-backend path). */
    public boolean enter() {
        long s;
        do {
            s = state.get();
            if ((s & CLOSED) != 0) {
                return false;
            }
        } while (!state.compareAndSet(s, s + 1));
        return true;
    }

    /**
     * Releases the reference taken by a successful {@link #enter()}.
     *
     * @throws OverReleaseException if there was none to release
     */
    public void exit() {
        long s = state.decrementAndGet();
        if ((s & COUNT) == COUNT) {
            throw new OverReleaseException("attachment of pool " + pool.value() + " released more often than entered");
        }
    }

    /** Refuses new operations and waits until none is inside. Idempotent. */
    public void closeAndDrain() {
        state.getAndUpdate(s -> s | CLOSED);
        int spins = 0;
        while ((state.get() & COUNT) != 0) {
            if (++spins < 100) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(50));
            }
        }
    }

    public boolean closed() {
        return (state.get() & CLOSED) != 0;
    }
}
