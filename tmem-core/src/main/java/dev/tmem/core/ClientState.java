package dev.tmem.core;

import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The engine's record of one client: its pools, its weight and cap, and what is charged to it.
 *
 * <p><b>Concurrency.</b> {@link #pools} is replaced under the engine's {@code poolsLock}; the
 * charges are atomics updated by whichever thread adds or removes a page of the client (the cap
 * is enforced by a compare-and-set on {@link #pages}). Operation counters are {@link LongAdder}s:
 * each thread soon counts in a cell of its own, so counting moves no cache line between cores.
 */
final class ClientState {

    static final long NO_CAP = Long.MAX_VALUE;

    final String name;
    final int number;
    volatile int weight = 1;
    volatile long capPages = NO_CAP;
    volatile boolean closed;

    /**
     * Pool id to pool, for this client's private pools and shared attachments ({@code null} for a
     * free id). Copied on write under the engine's poolsLock; read without a lock.
     */
    volatile Pool[] pools = new Pool[0];

    /** Pages charged to the client, persistent and ephemeral: what the cap limits. */
    final AtomicLong pages = new AtomicLong();
    final AtomicLong pagesEphemeral = new AtomicLong();
    final AtomicLong bytesUsed = new AtomicLong();
    final AtomicLong bytesStored = new AtomicLong();
    /** Ephemeral pages on LRU lists (not pinned): what eviction can take from this client. */
    final AtomicLong evictable = new AtomicLong();

    final LongAdder puts = new LongAdder();
    final LongAdder failedPuts = new LongAdder();
    final LongAdder succGets = new LongAdder();
    final LongAdder failedGets = new LongAdder();
    final LongAdder flushes = new LongAdder();
    final LongAdder evictions = new LongAdder();


    ClientState(String name, int number) {
        this.name = name;
        this.number = number;
    }

    /** Reserves room for {@code n} (0 or 1) more pages under the cap. */
    /** Reserves one page whatever the cap (a replacement whose old page went meanwhile); true. */
    boolean forceReservePage() {
        pages.incrementAndGet();
        return true;
    }

    boolean tryReservePages(int n) {
        if (n == 0) {
            return true;
        }
        long cap = capPages;
        for (long cur = pages.get(); ; cur = pages.get()) {
            if (cur + n > cap) {
                return false;
            }
            if (pages.compareAndSet(cur, cur + n)) {
                return true;
            }
        }
    }

    ClientStats snapshot() {
        long cap = capPages;
        long all = pages.get();
        long eph = pagesEphemeral.get();
        return new ClientStats(name, puts.sum(), failedPuts.sum(), succGets.sum(), failedGets.sum(), flushes.sum(),
                evictions.sum(), eph, all - eph, bytesStored.get(), bytesUsed.get(), weight,
                cap == NO_CAP ? OptionalLong.empty() : OptionalLong.of(cap));
    }
}
