package dev.tmem.frontend.internal;

import dev.tmem.frontend.spi.TmemBackend;

/**
 * One registration of a backend with one frontend. A frontend publishes its binding (a volatile
 * write) only after every remembered filesystem or swap area has been replayed into the backend;
 * operations that read an older binding, or none, take the no-backend path.
 */
public final class Binding {

    public final TmemBackend backend;

    /**
     * Set (before the scan starts) while frontswap writes the backend's pages back to their swap
     * areas for an unload: stores are refused from then on, so the scan cannot miss a page. Read
     * under the offset's stripe lock.
     */
    public volatile boolean writingBack;

    public Binding(TmemBackend backend) {
        this.backend = backend;
    }

    @Override
    public String toString() {
        return "Binding[" + backend.name() + "]";
    }
}
