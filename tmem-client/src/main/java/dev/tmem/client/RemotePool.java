package dev.tmem.client;

import java.util.UUID;

/**
 * A pool on the server, as this client knows it: its kind, page size and (for a shared pool) uuid,
 * and the id the server gave it. The object stays the caller's handle for the pool's whole life;
 * the id behind it may change: when the client reconnects to a server that has lost the pool (it
 * was restarted), {@link RemoteTmem} creates the pool again, empty, under a new id.
 *
 * <p>Thread-safe: the id is a volatile field, written only by the reconnecting thread before any
 * other thread may send on the new connections.
 */
public final class RemotePool {

    private final boolean persistent;
    private final UUID sharedUuid;
    private final int pageShift;
    private volatile int id;
    /** Destroyed (or being destroyed): no page operation may use it any more. */
    volatile boolean destroyed;
    /** Its DESTROY_POOL could not be sent; the next reconnect sends it. */
    volatile boolean destroyPending;

    RemotePool(boolean persistent, UUID sharedUuid, int pageShift, int id) {
        this.persistent = persistent;
        this.sharedUuid = sharedUuid;
        this.pageShift = pageShift;
        this.id = id;
    }

    /** The server's id of the pool now. */
    public int id() {
        return id;
    }

    void id(int newId) {
        this.id = newId;
    }

    public boolean persistent() {
        return persistent;
    }

    public boolean shared() {
        return sharedUuid != null;
    }

    /** The shared pool's uuid, or {@code null} for a private pool. */
    public UUID sharedUuid() {
        return sharedUuid;
    }

    public int pageSize() {
        return 1 << pageShift;
    }

    int pageShift() {
        return pageShift;
    }

    public boolean isDestroyed() {
        return destroyed;
    }

    @Override
    public String toString() {
        return "RemotePool[" + id + ", " + (shared() ? "shared " + sharedUuid : persistent ? "persistent" : "ephemeral")
                + ", " + pageSize() + (destroyed ? ", destroyed" : "") + "]";
    }
}
