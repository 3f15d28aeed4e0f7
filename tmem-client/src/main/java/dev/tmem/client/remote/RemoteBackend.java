package dev.tmem.client.remote;

import dev.tmem.client.RemotePool;
import dev.tmem.client.RemoteStats;
import dev.tmem.client.RemoteTmem;
import dev.tmem.client.TmemStatusException;
import dev.tmem.client.TmemUnavailableException;
import dev.tmem.core.ObjectId;
import dev.tmem.core.PoolId;
import dev.tmem.core.PoolSpec;
import dev.tmem.frontend.spi.TmemBackend;
import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The backend that keeps the frontends' pages on a tmem server, through a {@link RemoteTmem}: the
 * analogue of Xen's tmem shim in a guest.
 *
 * <p><b>When the server is away</b> (unreachable, not answering, restarting), nothing waits longer
 * than the client's timeout and nothing throws to the frontends: gets miss, puts fail (so frontswap
 * sends the page to the swap area), flushes are best effort. The client reconnects by itself when
 * the server is back; pools the server lost are created again (empty), so later puts work again.
 *
 * <p><b>Never stale.</b> A put whose answer was lost may have stored its page, and a flush that
 * could not be sent leaves a page the caller meant to remove; if the server comes back without a
 * restart, either could be read later as if current. Such handles (and objects) are kept as
 * <i>unsure</i>: gets of them miss, and the first thing after a reconnect (before any other call
 * reaches the server) is to flush each of them. A later successful put at a handle makes it sure
 * again.
 *
 * <p><b>Swap areas</b> over this backend should run in writethrough mode ({@link #prefersWritethrough()}):
 * a restarted server has lost every page, so only pages also written to the swap area survive it.
 *
 * <p><b>Pressure.</b> {@link #underPressure()} asks the server (STATS) and reports pressure when its
 * memory in use has reached {@code pressure_percent} of its budget, i.e. when what it can still give
 * ({@code bytes_budget - bytes_used}) is below the rest.
 */
public final class RemoteBackend implements TmemBackend {

    /** A handle, or a whole object ({@code index == -1}), whose server state is not known. */
    private record Unsure(RemotePool pool, ObjectId oid, long index) {}

    public static final int DEFAULT_PRESSURE_PERCENT = 90;

    private final RemoteTmem client;
    private final Set<Unsure> unsure;
    private final Map<Integer, RemotePool> pools = new ConcurrentHashMap<>();
    private final AtomicInteger nextPoolId = new AtomicInteger();
    private final int pressurePercent;
    private final String name;
    private final LongAdder unavailable = new LongAdder();

    private RemoteBackend(RemoteTmem client, Set<Unsure> unsure, int pressurePercent, String name) {
        this.client = client;
        this.unsure = unsure;
        this.pressurePercent = pressurePercent;
        this.name = name;
    }

    /**
     * Connects a client built by {@code builder} (adding the hook that flushes unsure handles after
     * each reconnect) and returns a backend over it, which owns it.
     *
     * @param pressurePercent 1 to 100: memory in use, in percent of the server's budget, from which
     *     {@link #underPressure()} is true
     * @throws TmemUnavailableException if the server cannot be reached now
     * @throws dev.tmem.client.TmemStatusException if it refuses the HELLO (a wrong token)
     */
    public static RemoteBackend connect(RemoteTmem.Builder builder, int pressurePercent) {
        Objects.requireNonNull(builder, "builder");
        if (pressurePercent < 1 || pressurePercent > 100) {
            throw new IllegalArgumentException("pressure percent must be 1..100, was " + pressurePercent);
        }
        Set<Unsure> unsure = ConcurrentHashMap.newKeySet();
        builder.onReconnect(t -> flushUnsure(t, unsure));
        RemoteTmem client = builder.connect();
        return new RemoteBackend(client, unsure, pressurePercent,
                "remote(" + client.clientName() + ", " + client.serverName() + ")");
    }

    /** Runs on the reconnecting thread, before other threads' calls reach the server. */
    private static void flushUnsure(RemoteTmem client, Set<Unsure> unsure) {
        for (Unsure u : unsure) {
            // removed before the flush: an entry added again meanwhile (an operation that failed
            // while we reconnect) stays, and is paid at the next reconnect
            unsure.remove(u);
            if (u.pool.isDestroyed()) {
                continue;
            }
            boolean success = false;
            try {
                if (u.index < 0) {
                    client.flushObject(u.pool, u.oid);
                } else {
                    client.flushPage(u.pool, u.oid, u.index);
                }
                success = true;
            } catch (TmemStatusException e) {
                success = true; // refused, so no effect: the pool is not there, nor any page of it
            } finally {
                if (!success) {
                    unsure.add(u); // the reconnect fails; the next one tries again
                }
            }
        }
    }

    /** The client this backend talks through. */
    public RemoteTmem client() {
        return client;
    }

    /**
     * {@code true}: swap areas over this backend should write every page to their swap area too
     * (frontswap's writethrough), since a server that dies or restarts takes its pages with it.
     */
    public boolean prefersWritethrough() {
        return true;
    }

    /** Handles and objects whose flush is owed to the server (see the class comment). */
    public int unsureCount() {
        return unsure.size();
    }

    /** Operations that found the server unavailable (and missed, failed or were deferred). */
    public long unavailableCount() {
        return unavailable.sum();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public PoolId newPool(PoolSpec spec) {
        RemotePool pool = spec.shared() ? client.newSharedPool(spec.sharedUuid(), spec.pageSize())
                : client.newPool(spec.persistent(), spec.pageSize());
        PoolId id = PoolId.of(nextPoolId.getAndIncrement());
        pools.put(id.value(), pool);
        return id;
    }

    @Override
    public long destroyPool(PoolId id) {
        RemotePool pool = pools.remove(id.value());
        if (pool == null) {
            throw new IllegalArgumentException("no pool " + id + " in backend " + name);
        }
        unsure.removeIf(u -> u.pool == pool);
        try {
            return client.destroyPool(pool);
        } catch (TmemUnavailableException e) {
            unavailable.increment();
            return 0; // the client sends the destroy when it reconnects
        }
    }

    @Override
    public boolean putPage(PoolId id, ObjectId oid, long index, MemorySegment page) {
        RemotePool pool = pool(id);
        Unsure handle = new Unsure(pool, oid, index);
        try {
            boolean stored = client.putPage(pool, oid, index, page);
            if (stored) {
                unsure.remove(handle);
            }
            return stored;
        } catch (TmemUnavailableException e) {
            unavailable.increment();
            unsure.add(handle); // it may have been stored: it must not be read until flushed
            return false;
        }
    }

    @Override
    public boolean getPage(PoolId id, ObjectId oid, long index, MemorySegment dst, boolean exclusive) {
        RemotePool pool = pool(id);
        if (!unsure.isEmpty() && (unsure.contains(new Unsure(pool, oid, index)) || unsure.contains(new Unsure(pool, oid, -1)))) {
            return false;
        }
        try {
            return client.getPage(pool, oid, index, dst, exclusive);
        } catch (TmemUnavailableException e) {
            unavailable.increment();
            return false;
        }
    }

    @Override
    public int flushPage(PoolId id, ObjectId oid, long index) {
        RemotePool pool = pool(id);
        try {
            return client.flushPage(pool, oid, index);
        } catch (TmemUnavailableException e) {
            unavailable.increment();
            unsure.add(new Unsure(pool, oid, index));
            return 0;
        }
    }

    @Override
    public long flushObject(PoolId id, ObjectId oid) {
        RemotePool pool = pool(id);
        try {
            long n = client.flushObject(pool, oid);
            unsure.removeIf(u -> u.pool == pool && u.oid.equals(oid));
            return n;
        } catch (TmemUnavailableException e) {
            unavailable.increment();
            unsure.add(new Unsure(pool, oid, -1));
            return 0;
        }
    }

    /**
     * Whether the server's memory in use has reached {@code pressure_percent} of its budget (one STATS
     * request). An unreachable server reports none: there is nothing to shrink towards it.
     */
    @Override
    public boolean underPressure() {
        RemoteStats s;
        try {
            s = client.stats();
        } catch (TmemUnavailableException e) {
            unavailable.increment();
            return false;
        }
        return s.bytesUsed() * 100 >= s.bytesBudget() * pressurePercent;
    }

    @Override
    public void close() {
        client.close();
    }

    private RemotePool pool(PoolId id) {
        RemotePool pool = pools.get(id.value());
        if (pool == null) {
            throw new IllegalArgumentException("no pool " + id + " in backend " + name);
        }
        return pool;
    }

    @Override
    public String toString() {
        return "RemoteBackend[" + name + "]";
    }
}
