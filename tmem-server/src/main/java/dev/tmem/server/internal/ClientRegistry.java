package dev.tmem.server.internal;

import dev.tmem.core.ClientStats;
import dev.tmem.core.TmemClient;
import dev.tmem.core.TmemEngine;
import java.util.HashMap;
import java.util.Map;

/**
 * The server's clients by name: every connection that says HELLO with a name shares that name's
 * {@link TmemClient}, so its pools outlive connections.
 *
 * <p><b>Lifetime.</b> A client is created (with its configured cap and weight) at the first HELLO of
 * its name, and closed in the engine when its last connection goes while it has no pool and no page
 * charged to it, so {@code clients} in STATS counts names with a connection or something stored,
 * and HELLOs with ever new names cannot use up the engine's 65,535 client numbers. A name that comes
 * back after that starts with fresh counters (the engine's global counters keep the old ones).
 *
 * <p><b>Concurrency.</b> {@link #attach} and {@link #detach} run on any event loop, at connect and
 * disconnect only; they serialize on this registry's monitor. Page operations go straight to the
 * {@link TmemClient}, which is thread-safe.
 */
public final class ClientRegistry {

    /** One client name and its live connections. */
    public static final class Entry {
        final TmemClient client;
        /** Guarded by the registry's monitor. */
        int connections;

        Entry(TmemClient client) {
            this.client = client;
        }

        public TmemClient client() {
            return client;
        }
    }

    private final TmemEngine engine;
    /** Configured caps and weights by name, changeable at run time; guarded by this. */
    private final Map<String, Long> caps;
    private final Map<String, Integer> weights;
    /** Guarded by this. */
    private final HashMap<String, Entry> byName = new HashMap<>();

    public ClientRegistry(TmemEngine engine, Map<String, Long> caps, Map<String, Integer> weights) {
        this.engine = engine;
        this.caps = new HashMap<>(caps);
        this.weights = new HashMap<>(weights);
    }

    /**
     * Sets the cap of {@code name} in pages ({@code null}: no cap), for its client now if it has
     * one and for whenever it comes back. Lowering a cap below what the client holds evicts nothing
     * at once: later puts evict its own pages or fail (SEMANTICS: caps).
     */
    public synchronized void setCap(String name, Long capPages) {
        if (capPages != null && capPages < 0) {
            throw new IllegalArgumentException("cap of client '" + name + "' must be >= 0 pages, was " + capPages);
        }
        if (capPages == null) {
            caps.remove(name);
        } else {
            caps.put(name, capPages);
        }
        Entry e = byName.get(name);
        if (e != null) {
            if (capPages == null) {
                e.client.clearCap();
            } else {
                e.client.setCapPages(capPages);
            }
        }
    }

    /** Sets the weight of {@code name} (>= 1), for its client now and whenever it comes back. */
    public synchronized void setWeight(String name, int weight) {
        if (weight < 1) {
            throw new IllegalArgumentException("weight of client '" + name + "' must be >= 1, was " + weight);
        }
        weights.put(name, weight);
        Entry e = byName.get(name);
        if (e != null) {
            e.client.setWeight(weight);
        }
    }

    /** The configured caps, by name. */
    public synchronized Map<String, Long> caps() {
        return Map.copyOf(caps);
    }

    /** The configured weights, by name. */
    public synchronized Map<String, Integer> weights() {
        return Map.copyOf(weights);
    }

    /**
     * The client of {@code name}, created on first use, with one more connection.
     *
     * @throws IllegalStateException if the engine is closed or has no client number left
     */
    public synchronized Entry attach(String name) {
        Entry e = byName.get(name);
        if (e == null) {
            TmemClient c = engine.client(name);
            Long cap = caps.get(name);
            if (cap != null) {
                c.setCapPages(cap);
            }
            Integer weight = weights.get(name);
            if (weight != null) {
                c.setWeight(weight);
            }
            e = new Entry(c);
            byName.put(name, e);
        }
        e.connections++;
        return e;
    }

    /** One connection of {@code e} is gone; closes the client if nothing is left of it. */
    public synchronized void detach(Entry e) {
        if (--e.connections > 0 || byName.get(e.client.name()) != e) {
            return;
        }
        try {
            if (!e.client.pools().isEmpty()) {
                return;
            }
            ClientStats s = e.client.stats();
            if (s.pagesEphemeral() + s.pagesPersistent() != 0) {
                return;
            }
            e.client.close();
        } catch (IllegalStateException engineClosed) {
            // the server is stopping: the engine is closed, and every client with it
        }
        byName.remove(e.client.name());
    }

    /** Client names with a live connection. */
    public synchronized int connectedClients() {
        int n = 0;
        for (Entry e : byName.values()) {
            if (e.connections > 0) {
                n++;
            }
        }
        return n;
    }
}
