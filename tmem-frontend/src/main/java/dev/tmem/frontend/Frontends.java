package dev.tmem.frontend;

import dev.tmem.frontend.internal.FrontendsMBeans;
import dev.tmem.frontend.spi.TmemBackend;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Cleancache and frontswap with one backend between them, loaded and unloaded by name at run time.
 *
 * <pre>{@code
 * try (Frontends frontends = new Frontends(BackendRegistry.fromClassPath(), 4096)) {
 *     int fs = frontends.cleancache().initFs(4096);            // no backend yet: remembered
 *     frontends.frontswap().init(0, swapFile::write);
 *     frontends.load("local", List.of("budget_mb=64"));        // replays fs and area 0, then publishes
 *     ...
 *     frontends.unload();                                      // swap pages written back first
 * }
 * }</pre>
 *
 * <p>Use this class, not the frontends' own {@code register}, to change backends: it keeps both
 * frontends on the same backend and closes the backends it created.
 */
public final class Frontends implements AutoCloseable {

    private final BackendRegistry registry;
    private final Cleancache cleancache = new Cleancache();
    private final Frontswap frontswap;
    private final ReentrantLock lock = new ReentrantLock();
    /** Guarded by lock. */
    private TmemBackend backend;
    /** Guarded by lock: whether {@link #backend} was created by {@link #load} (and is closed by us). */
    private boolean owned;
    /** Guarded by lock: the parameters {@link #backend} was loaded with. */
    private List<String> parameters = List.of();

    /**
     * @param registry where {@link #load} finds backends by name (not closed by {@link #close()})
     * @param swapPageSize frontswap's page size
     */
    public Frontends(BackendRegistry registry, int swapPageSize) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.frontswap = new Frontswap(swapPageSize);
    }

    public Cleancache cleancache() {
        return cleancache;
    }

    public Frontswap frontswap() {
        return frontswap;
    }

    public BackendRegistry registry() {
        return registry;
    }

    /** The backend both frontends use, or {@code null}. */
    public TmemBackend backend() {
        lock.lock();
        try {
            return backend;
        } finally {
            lock.unlock();
        }
    }

    /** The {@code key=value} parameters the backend was loaded with; empty if none, or registered from code. */
    public List<String> backendParameters() {
        lock.lock();
        try {
            return parameters;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Registers this instance's MBeans with the platform MBean server: {@code dev.tmem:type=Cleancache},
     * {@code type=Frontswap} (counters, modes, shrink) and {@code type=Backend} (which backend, load,
     * unload), each with {@code name=<name>}.
     *
     * @return closes to unregister them
     * @throws IllegalStateException if MBeans of that name are registered already
     */
    public AutoCloseable registerMBeans(String name) {
        Objects.requireNonNull(name, "name");
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        List<ObjectName> done = new ArrayList<>();
        try {
            String quoted = ObjectName.quote(name);
            register(server, new ObjectName("dev.tmem:type=Cleancache,name=" + quoted),
                    new FrontendsMBeans.CleancacheView(cleancache), done);
            register(server, new ObjectName("dev.tmem:type=Frontswap,name=" + quoted),
                    new FrontendsMBeans.FrontswapView(frontswap), done);
            register(server, new ObjectName("dev.tmem:type=Backend,name=" + quoted),
                    new FrontendsMBeans.BackendsView(this), done);
        } catch (JMException | RuntimeException e) {
            unregisterAll(server, done);
            throw new IllegalStateException("cannot register the MBeans of frontends '" + name + "': " + e.getMessage(), e);
        }
        return () -> unregisterAll(server, done);
    }

    private static void register(MBeanServer server, ObjectName on, Object bean, List<ObjectName> done)
            throws JMException {
        server.registerMBean(bean, on);
        done.add(on);
    }

    private static void unregisterAll(MBeanServer server, List<ObjectName> names) {
        for (ObjectName on : names) {
            try {
                server.unregisterMBean(on);
            } catch (JMException e) {
                // already gone
            }
        }
    }

    /**
     * Creates backend {@code name} with {@code key=value} parameters and registers it with both
     * frontends, replacing (unloading) the current one.
     *
     * @return the previous backend (closed, if this class created it), or {@code null}
     * @throws dev.tmem.frontend.spi.BackendConfigException for an unknown name or bad parameters;
     *     nothing changed
     * @throws java.io.UncheckedIOException if writing back the previous backend's swap pages failed;
     *     the previous backend stays, the new one is closed
     */
    public TmemBackend load(String name, List<String> params) {
        lock.lock();
        try {
            TmemBackend created = registry.create(name, params);
            boolean success = false;
            try {
                TmemBackend prev = swap(created, true);
                parameters = List.copyOf(params);
                success = true;
                return prev;
            } finally {
                if (!success) {
                    created.close();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Registers {@code newBackend} (owned by the caller, never closed here) with both frontends,
     * replacing the current one.
     *
     * @return the previous backend (closed, if this class created it), or {@code null}
     */
    public TmemBackend register(TmemBackend newBackend) {
        Objects.requireNonNull(newBackend, "newBackend");
        lock.lock();
        try {
            if (newBackend == backend) {
                throw new IllegalStateException("backend " + newBackend.name() + " is already registered");
            }
            TmemBackend prev = swap(newBackend, false);
            parameters = List.of();
            return prev;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Unloads the backend: frontswap writes every page back to its swap area, cleancache drops its
     * pages, operations in flight drain; both frontends are then in the no-backend state.
     *
     * @return the backend unloaded (closed, if this class created it)
     * @throws IllegalStateException if no backend is loaded
     * @throws java.io.UncheckedIOException if a write-back failed; the backend stays loaded
     */
    public TmemBackend unload() {
        lock.lock();
        try {
            if (backend == null) {
                throw new IllegalStateException("no backend is loaded");
            }
            frontswap.unregister(); // may fail: then nothing else changes
            cleancache.unregister();
            return release();
        } finally {
            lock.unlock();
        }
    }

    /** Unloads the backend, if any. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (backend != null) {
                unload();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Caller holds lock. Frontswap first: its write-back is the step that can fail. */
    private TmemBackend swap(TmemBackend next, boolean nextOwned) {
        if (backend != null) {
            frontswap.unregister();
            cleancache.unregister();
        }
        TmemBackend prev = backend != null ? release() : null;
        frontswap.register(next);
        cleancache.register(next);
        backend = next;
        owned = nextOwned;
        return prev;
    }

    /** Caller holds lock; both frontends have unregistered {@link #backend}. */
    private TmemBackend release() {
        TmemBackend prev = backend;
        boolean close = owned;
        backend = null;
        owned = false;
        parameters = List.of();
        if (close) {
            prev.close();
        }
        return prev;
    }
}
