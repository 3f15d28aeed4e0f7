package dev.tmem.core;

import dev.tmem.core.spi.PageStore;
import dev.tmem.core.store.OffHeapPageStore;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The tmem engine: maps handles (pool, 192-bit object id, 32-bit index) to pages kept in a
 * {@link PageStore}, for any number of {@link TmemClient clients}, within a memory budget.
 *
 * <pre>{@code
 * try (TmemEngine engine = TmemEngine.builder().budgetBytes(256L << 20).build()) {
 *     TmemClient client = engine.client("app");
 *     PoolId pool = client.newPool(PoolSpec.persistent(4096));
 *     client.putPage(pool, ObjectId.of(42), 0, page);      // copies the page
 *     boolean hit = client.getPage(pool, ObjectId.of(42), 0, dst);
 * }
 * }</pre>
 *
 * <p><b>Budget.</b> Every page costs its store charge plus {@link #PAGE_OVERHEAD_BYTES}; the sum
 * never exceeds the budget. A put that does not fit evicts ephemeral pages, least recently used
 * first, from the client most over its weighted share ({@code budget x weight / sum of the weights of
 * clients holding pages}); a client at its cap evicts its own; persistent pages are never evicted, so
 * a put fails only when no eviction can make room.
 *
 * <p><b>Concurrency.</b> All methods are thread-safe. Page operations take one stripe lock (see
 * {@code PageMap} for the lock order); pool and client changes take {@code poolsLock}, which page
 * operations never take: they read the client's pool table, a copy-on-write array.
 *
 * <p><b>Lifetime.</b> {@link #close()} waits for pins, then frees all memory; every later call on the
 * engine or its clients throws {@link IllegalStateException}.
 *
 * <p><b>Limits.</b> At most 65,535 clients at once (a page records its client in 16 bits) and
 * 2<sup>31</sup> pools over the engine's lifetime (pool serials are not reused).
 */
public final class TmemEngine implements AutoCloseable {

    /**
     * The fixed charge of every page on top of what the store charges for its bytes: the engine's
     * per-page metadata, so that even pages that cost the store nothing (same-filled pages in a
     * compressing store) cannot grow memory without bound.
     */
    public static final int PAGE_OVERHEAD_BYTES = 48;

    static final int MAX_CLIENTS = 65_535;
    static final int MAX_CLIENT_NAME_BYTES = 64;

    private final PageMap pages;
    private final long pinTimeoutNanos;
    private final int maxPoolsPerClient;

    /** Guards pool and client creation and teardown (see PageMap for the lock order). */
    private final ReentrantLock poolsLock = new ReentrantLock();
    private final ConcurrentHashMap<String, ClientState> clientsByName = new ConcurrentHashMap<>();
    /** Guarded by poolsLock. */
    private final HashMap<UUID, Pool> sharedPools = new HashMap<>();
    /** Guarded by poolsLock. */
    private final ArrayDeque<Integer> freeClientNumbers = new ArrayDeque<>();
    /** Guarded by poolsLock. */
    private int nextClientNumber;
    /** Guarded by poolsLock. */
    private int nextPoolSerial;
    private final AtomicInteger poolCount = new AtomicInteger();
    /** Counters of closed clients (puts, failedPuts, succGets, failedGets, flushes, evictions); guarded by poolsLock. */
    private final long[] retired = new long[6];
    private volatile boolean closed;

    private TmemEngine(Builder b) {
        this.pages = new PageMap(b.store != null ? b.store : new OffHeapPageStore(), b.budgetBytes, b.stripes);
        this.pinTimeoutNanos = b.pinTimeout.toNanos();
        this.maxPoolsPerClient = b.maxPoolsPerClient;
    }

    public static Builder builder() {
        return new Builder();
    }

    // =========================================================================================
    // Clients
    // =========================================================================================

    /**
     * The client of this name, created on first use. A name is 1 to 64 bytes of UTF-8.
     *
     * @throws IllegalStateException if the engine is closed or already has 65,535 clients
     */
    public TmemClient client(String name) {
        Objects.requireNonNull(name, "name");
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes < 1 || bytes > MAX_CLIENT_NAME_BYTES) {
            throw new IllegalArgumentException(
                    "name must be 1 to " + MAX_CLIENT_NAME_BYTES + " bytes of UTF-8, was " + bytes + " bytes");
        }
        checkOpen();
        ClientState state = clientsByName.get(name);
        if (state == null) {
            poolsLock.lock();
            try {
                checkOpen();
                state = clientsByName.get(name);
                if (state == null) {
                    state = new ClientState(name, takeClientNumber());
                    ClientState[] all = pages.clients;
                    if (state.number >= all.length) {
                        all = Arrays.copyOf(all, Math.max(state.number + 1, all.length * 2));
                    } else {
                        all = all.clone();
                    }
                    all[state.number] = state;
                    pages.clients = all;
                    clientsByName.put(name, state);
                }
            } finally {
                poolsLock.unlock();
            }
        }
        return new TmemClient(this, state);
    }

    private int takeClientNumber() {
        if (!freeClientNumbers.isEmpty()) {
            return freeClientNumbers.pollFirst();
        }
        if (nextClientNumber >= MAX_CLIENTS) {
            throw new IllegalStateException("too many clients: at most " + MAX_CLIENTS);
        }
        return nextClientNumber++;
    }

    void closeClient(ClientState c) {
        poolsLock.lock();
        try {
            if (c.closed || closed) {
                return;
            }
            Pool[] table = c.pools;
            for (int id = 0; id < table.length; id++) {
                if (table[id] != null) {
                    destroyPoolLocked(c, id);
                }
            }
            c.closed = true; // from here, page operations of c fail under their stripe lock
            pages.sweepClient(c);
            addOperations(retired, c.snapshot());
            clientsByName.remove(c.name, c);
            ClientState[] all = pages.clients.clone();
            all[c.number] = null;
            pages.clients = all;
            freeClientNumbers.addLast(c.number);
        } finally {
            poolsLock.unlock();
        }
    }

    // =========================================================================================
    // Pools
    // =========================================================================================

    PoolId newPool(ClientState c, PoolSpec spec) {
        Objects.requireNonNull(spec, "spec");
        poolsLock.lock();
        try {
            checkOpen(c);
            Pool[] table = c.pools;
            int id = 0;
            while (id < table.length && table[id] != null) {
                id++;
            }
            if (id >= maxPoolsPerClient) {
                throw new PoolLimitException("client '" + c.name + "' has " + maxPoolsPerClient
                        + " pools, the most allowed");
            }
            Pool pool;
            if (spec.shared()) {
                pool = sharedPools.get(spec.sharedUuid());
                if (pool != null && pool.spec.pageSize() != spec.pageSize()) {
                    throw new IllegalArgumentException("pageSize " + spec.pageSize() + " differs from the page size "
                            + pool.spec.pageSize() + " of shared pool " + spec.sharedUuid());
                }
                if (pool == null) {
                    pool = createPool(spec);
                    sharedPools.put(spec.sharedUuid(), pool);
                }
                pool.attachments++;
            } else {
                pool = createPool(spec);
            }
            Pool[] grown = Arrays.copyOf(table, Math.max(table.length, id + 1));
            grown[id] = pool;
            c.pools = grown;
            return new PoolId(id);
        } finally {
            poolsLock.unlock();
        }
    }

    private Pool createPool(PoolSpec spec) {
        if (nextPoolSerial == Integer.MAX_VALUE) {
            throw new PoolLimitException("this engine has created 2^31 pools, the most in its lifetime");
        }
        poolCount.incrementAndGet();
        return new Pool(nextPoolSerial++, spec);
    }

    long destroyPool(ClientState c, PoolId id) {
        Objects.requireNonNull(id, "pool");
        poolsLock.lock();
        try {
            checkOpen(c);
            resolve(c, id);
            return destroyPoolLocked(c, id.value());
        } finally {
            poolsLock.unlock();
        }
    }

    /**
     * Detaches or destroys pool {@code id} of {@code c}. Caller holds poolsLock; it is held while
     * waiting for pins, so no pool of any client is created or destroyed meanwhile (pins are short).
     */
    private long destroyPoolLocked(ClientState c, int id) {
        Pool pool = c.pools[id];
        if (pool.shared && pool.attachments > 1) {
            pool.attachments--;
            dropPoolId(c, id);
            return 0;
        }
        pool.startDraining();
        boolean drained;
        try {
            drained = pool.awaitDrained(pinTimeoutNanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            drained = false;
        }
        if (!drained) {
            pool.stopDraining();
            throw new PinTimeoutException("pool " + id + " of client '" + c.name + "' still has " + pool.pinnedPages()
                    + " pinned page(s) after " + TimeUnit.NANOSECONDS.toMillis(pinTimeoutNanos) + " ms; not destroyed");
        }
        pool.dead = true; // before the sweep: see Pool's lifetime note
        if (pool.shared) {
            pool.attachments = 0;
            sharedPools.remove(pool.spec.sharedUuid(), pool);
        }
        dropPoolId(c, id);
        poolCount.decrementAndGet();
        return pages.sweepPool(pool);
    }

    private static void dropPoolId(ClientState c, int id) {
        Pool[] table = c.pools.clone();
        table[id] = null;
        c.pools = table;
    }

    ClientStats clientStats(ClientState c) {
        checkOpen(c);
        return c.snapshot();
    }

    PoolSpec poolSpec(ClientState c, PoolId id) {
        return resolve(c, id).spec;
    }

    int pageSize(ClientState c, PoolId id) {
        return resolve(c, id).pageSize();
    }

    List<PoolId> pools(ClientState c) {
        checkOpen(c);
        List<PoolId> ids = new ArrayList<>();
        Pool[] table = c.pools;
        for (int id = 0; id < table.length; id++) {
            if (table[id] != null) {
                ids.add(new PoolId(id));
            }
        }
        return ids;
    }

    private Pool resolve(ClientState c, PoolId id) {
        Objects.requireNonNull(id, "pool");
        checkOpen(c);
        Pool[] table = c.pools;
        int v = id.value();
        Pool pool = v < table.length ? table[v] : null;
        if (pool == null || pool.dead) {
            throw new UnknownPoolException(c.name, v);
        }
        return pool;
    }

    // =========================================================================================
    // Pages
    // =========================================================================================

    boolean putPage(ClientState c, PoolId id, ObjectId oid, long index, MemorySegment page) {
        Pool pool = resolve(c, id);
        Objects.requireNonNull(oid, "oid");
        int idx = PageIndex.check(index);
        checkPageArgument("page", page, pool);
        try {
            return pages.put(c, pool, oid, idx, page);
        } catch (PageMap.PoolGoneException e) {
            throw new UnknownPoolException(c.name, id.value());
        }
    }

    boolean getPage(ClientState c, PoolId id, ObjectId oid, long index, MemorySegment dst, boolean exclusive) {
        Pool pool = resolve(c, id);
        Objects.requireNonNull(oid, "oid");
        int idx = PageIndex.check(index);
        checkPageArgument("dst", dst, pool);
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("dst is read-only");
        }
        try {
            return pages.get(c, pool, oid, idx, dst, exclusive);
        } catch (PageMap.PoolGoneException e) {
            throw new UnknownPoolException(c.name, id.value());
        }
    }

    int flushPage(ClientState c, PoolId id, ObjectId oid, long index) {
        Pool pool = resolve(c, id);
        Objects.requireNonNull(oid, "oid");
        int idx = PageIndex.check(index);
        try {
            return pages.flushPage(c, pool, oid, idx);
        } catch (PageMap.PoolGoneException e) {
            throw new UnknownPoolException(c.name, id.value());
        }
    }

    long flushObject(ClientState c, PoolId id, ObjectId oid) {
        Pool pool = resolve(c, id);
        Objects.requireNonNull(oid, "oid");
        try {
            return pages.flushObject(c, pool, oid);
        } catch (PageMap.PoolGoneException e) {
            throw new UnknownPoolException(c.name, id.value());
        }
    }

    PinnedPage pin(ClientState c, PoolId id, ObjectId oid, long index) {
        Pool pool = resolve(c, id);
        Objects.requireNonNull(oid, "oid");
        int idx = PageIndex.check(index);
        try {
            return pages.pin(c, pool, oid, idx);
        } catch (PageMap.PoolGoneException e) {
            throw new UnknownPoolException(c.name, id.value());
        }
    }

    private static void checkPageArgument(String name, MemorySegment segment, Pool pool) {
        Objects.requireNonNull(segment, name);
        if (segment.byteSize() != pool.pageSize()) {
            throw new IllegalArgumentException(name + " must be exactly " + pool.pageSize()
                    + " bytes (the pool's page size), was " + segment.byteSize());
        }
    }

    // =========================================================================================
    // Stats and lifecycle
    // =========================================================================================

    /**
     * Global counters: the sums over live clients plus what closed clients counted. Read without a
     * common lock (see {@link ClientStats}).
     */
    public TmemStats stats() {
        checkOpen();
        long[] sum = new long[10];
        poolsLock.lock();
        try {
            System.arraycopy(retired, 0, sum, 0, retired.length);
        } finally {
            poolsLock.unlock();
        }
        for (ClientState c : pages.clients) {
            if (c != null) {
                addOperations(sum, c.snapshot());
                long eph = c.pagesEphemeral.get();
                sum[6] += eph;
                sum[7] += c.pages.get() - eph;
                sum[8] += c.bytesStored.get();
            }
        }
        return new TmemStats(sum[0], sum[1], sum[2], sum[3], sum[4], sum[5], sum[6], sum[7], sum[8],
                pages.bytesUsed.get(), pages.budget(), clientsByName.size(), poolCount.get(),
                pages.metadataBytes());
    }

    /** Adds a client's operation counters to {@code sums[0..5]}: puts, failed puts, hits, misses, flushes, evictions. */
    private static void addOperations(long[] sums, ClientStats cs) {
        sums[0] += cs.puts();
        sums[1] += cs.failedPuts();
        sums[2] += cs.succGets();
        sums[3] += cs.failedGets();
        sums[4] += cs.flushes();
        sums[5] += cs.evictions();
    }

    /** Snapshots of every live client, by client number. */
    public List<ClientStats> clientStats() {
        checkOpen();
        List<ClientStats> all = new ArrayList<>();
        for (ClientState c : pages.clients) {
            if (c != null) {
                all.add(c.snapshot());
            }
        }
        return all;
    }

    public long budgetBytes() {
        return pages.budget();
    }

    /** The page store; its lifetime is the engine's (the engine closes it). */
    public PageStore store() {
        return pages.store();
    }

    /**
     * Waits for every pin to be released, then frees all memory. Idempotent.
     *
     * @throws PinTimeoutException if pins remain after the pin timeout; the engine stays open
     */
    @Override
    public void close() {
        poolsLock.lock();
        try {
            if (closed) {
                return;
            }
            List<Pool> live = new ArrayList<>();
            for (ClientState c : pages.clients) {
                if (c != null) {
                    for (Pool p : c.pools) {
                        if (p != null && !p.dead) {
                            live.add(p);
                        }
                    }
                }
            }
            live.forEach(Pool::startDraining);
            long deadline = System.nanoTime() + pinTimeoutNanos;
            for (Pool p : live) {
                boolean drained;
                try {
                    drained = p.awaitDrained(Math.max(0, deadline - System.nanoTime()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    drained = false;
                }
                if (!drained) {
                    live.forEach(Pool::stopDraining);
                    throw new PinTimeoutException("engine still has " + pages.pinnedPages.get()
                            + " pinned page(s) after " + TimeUnit.NANOSECONDS.toMillis(pinTimeoutNanos)
                            + " ms; not closed");
                }
            }
            closed = true;
            live.forEach(p -> p.dead = true);
            pages.store().close();
        } finally {
            poolsLock.unlock();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("engine is closed");
        }
    }

    void checkOpen(ClientState c) {
        checkOpen();
        if (c.closed) {
            throw new IllegalStateException("client '" + c.name + "' is closed");
        }
    }

    @Override
    public String toString() {
        return "TmemEngine[store=" + pages.store().name() + ", budget=" + pages.budget() + "]";
    }

    /** Configures a {@link TmemEngine}. */
    public static final class Builder {
        private PageStore store;
        private long budgetBytes = 256L << 20;
        private int stripes = 64;
        private Duration pinTimeout = Duration.ofSeconds(10);
        private int maxPoolsPerClient = 1024;

        private Builder() {}

        /** The page store; default a new {@link OffHeapPageStore}. The engine takes ownership. */
        public Builder store(PageStore store) {
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        /** The memory budget in bytes (page charges plus per-page overhead); default 256 MiB. */
        public Builder budgetBytes(long budgetBytes) {
            if (budgetBytes <= 0) {
                throw new IllegalArgumentException("budgetBytes must be > 0, was " + budgetBytes);
            }
            this.budgetBytes = budgetBytes;
            return this;
        }

        /** Lock stripes: a power of two from 1 to 4096; default 64. */
        public Builder stripes(int stripes) {
            if (stripes < 1 || stripes > 4096 || Integer.bitCount(stripes) != 1) {
                throw new IllegalArgumentException("stripes must be a power of two from 1 to 4096, was " + stripes);
            }
            this.stripes = stripes;
            return this;
        }

        /** How long teardown waits for pins before it throws {@link PinTimeoutException}; default 10 s. */
        public Builder pinTimeout(Duration pinTimeout) {
            Objects.requireNonNull(pinTimeout, "pinTimeout");
            if (pinTimeout.isNegative()) {
                throw new IllegalArgumentException("pinTimeout must be >= 0, was " + pinTimeout);
            }
            this.pinTimeout = pinTimeout;
            return this;
        }

        /** Pools (and shared attachments) one client may hold; default 1024. */
        public Builder maxPoolsPerClient(int maxPoolsPerClient) {
            if (maxPoolsPerClient < 1) {
                throw new IllegalArgumentException("maxPoolsPerClient must be >= 1, was " + maxPoolsPerClient);
            }
            this.maxPoolsPerClient = maxPoolsPerClient;
            return this;
        }

        public TmemEngine build() {
            return new TmemEngine(this);
        }
    }
}
