package dev.tmem.frontend.local;

import dev.tmem.core.ObjectId;
import dev.tmem.core.PoolId;
import dev.tmem.core.PoolSpec;
import dev.tmem.core.TmemClient;
import dev.tmem.core.TmemEngine;
import dev.tmem.core.spi.PageStore;
import dev.tmem.frontend.spi.TmemBackend;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * The backend that keeps pages in this JVM: one client of a {@link TmemEngine}. Either it owns an
 * engine it built ({@link #create}; {@link #close()} closes the engine and its store) or it uses a
 * client of an engine the caller keeps ({@link #over}; {@link #close()} leaves the client alone).
 */
public final class LocalBackend implements TmemBackend {

    /** Pressure is reported when the engine's memory in use reaches this share of its budget. */
    public static final int DEFAULT_PRESSURE_PERCENT = 90;

    private final TmemEngine ownedEngine;
    private final TmemClient client;
    private final String name;
    private volatile int pressurePercent = DEFAULT_PRESSURE_PERCENT;

    private LocalBackend(TmemEngine ownedEngine, TmemClient client, String name) {
        this.ownedEngine = ownedEngine;
        this.client = client;
        this.name = name;
    }

    /** Sets the share of the budget (1 to 100 percent) at which {@link #underPressure()} turns true. */
    public LocalBackend pressurePercent(int percent) {
        if (percent < 1 || percent > 100) {
            throw new IllegalArgumentException("pressure percent must be 1..100, was " + percent);
        }
        this.pressurePercent = percent;
        return this;
    }

    /**
     * For a backend that owns its engine: whether the memory in use has reached the pressure share of
     * the budget. A backend over a caller's client does not know the budget and reports none.
     */
    @Override
    public boolean underPressure() {
        if (ownedEngine == null) {
            return false;
        }
        return ownedEngine.stats().bytesUsed() * 100 >= ownedEngine.budgetBytes() * pressurePercent;
    }

    /**
     * A backend owning a new engine of {@code budgetBytes} over {@code store}. Takes {@code store}
     * over: it is closed with the backend, or at once if this throws.
     */
    public static LocalBackend create(PageStore store, long budgetBytes, String clientName) {
        Objects.requireNonNull(store, "store");
        TmemEngine engine;
        try {
            engine = TmemEngine.builder().store(store).budgetBytes(budgetBytes).build();
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        try {
            return new LocalBackend(engine, engine.client(clientName), "local(" + store.name() + ")");
        } catch (RuntimeException e) {
            engine.close(); // closes the store too
            throw e;
        }
    }

    /** A backend using {@code client}; closing the backend does not close the client. */
    public static LocalBackend over(TmemClient client) {
        Objects.requireNonNull(client, "client");
        return new LocalBackend(null, client, "local(" + client.name() + ")");
    }

    /** The engine this backend owns, or {@code null} if it was made {@link #over} a client. */
    public TmemEngine engine() {
        return ownedEngine;
    }

    public TmemClient client() {
        return client;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public PoolId newPool(PoolSpec spec) {
        return client.newPool(spec);
    }

    @Override
    public long destroyPool(PoolId pool) {
        return client.destroyPool(pool);
    }

    @Override
    public boolean putPage(PoolId pool, ObjectId oid, long index, MemorySegment page) {
        return client.putPage(pool, oid, index, page);
    }

    @Override
    public boolean getPage(PoolId pool, ObjectId oid, long index, MemorySegment dst, boolean exclusive) {
        return client.getPage(pool, oid, index, dst, exclusive);
    }

    @Override
    public int flushPage(PoolId pool, ObjectId oid, long index) {
        return client.flushPage(pool, oid, index);
    }

    @Override
    public long flushObject(PoolId pool, ObjectId oid) {
        return client.flushObject(pool, oid);
    }

    @Override
    public void close() {
        if (ownedEngine != null) {
            ownedEngine.close();
        }
    }

    @Override
    public String toString() {
        return "LocalBackend[" + name + "]";
    }
}
