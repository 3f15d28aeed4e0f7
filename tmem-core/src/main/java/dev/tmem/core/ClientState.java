package dev.tmem.core;

import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The engine's record of one client: its pools, its weight and cap, and what is charged to it.
 *
 * <p><b>Concurrency.</b> {@link #pools} is replaced under the engine's {@code poolsLock}; the
 * charges are atomics updated by whichever thread adds or removes a page of the client (the cap
 * is enforced by a compare-and-set on {@link #pages}). Operation counters (puts, gets, ...) are not
 * here: each stripe counts its own under its lock ({@code PageTable.count}), and a snapshot sums
 * them.
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


    ClientState(String name, int number) {
        this.name = name;
        this.number = number;
    }

    /** Reserves room for {@code n} (0 or 1) more pages under the cap. */
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

    /** A snapshot, given the client's operation counters summed over the stripes. */
    ClientStats snapshot(long[] ops) {
        long cap = capPages;
        long all = pages.get();
        long eph = pagesEphemeral.get();
        return new ClientStats(name, ops[0], ops[1], ops[2], ops[3], ops[4], ops[5], eph, all - eph,
                bytesStored.get(), bytesUsed.get(), weight, cap == NO_CAP ? OptionalLong.empty() : OptionalLong.of(cap));
    }
}
