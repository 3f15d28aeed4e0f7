package dev.tmem.server.internal;

import dev.tmem.protocol.Rule;
import java.util.concurrent.atomic.LongAdder;

/**
 * The server's own counters, beside the engine's: one per refusal reason (each {@link Rule}),
 * connections, and requests. Updated from every event loop ({@link LongAdder}s, no lock).
 */
public final class ServerCounters {

    private final LongAdder[] rejects = new LongAdder[Rule.values().length];
    final LongAdder requests = new LongAdder();
    final LongAdder connectionsOpened = new LongAdder();
    final LongAdder connectionsOpen = new LongAdder();
    final LongAdder internalErrors = new LongAdder();

    public ServerCounters() {
        for (int i = 0; i < rejects.length; i++) {
            rejects[i] = new LongAdder();
        }
    }

    void reject(Rule rule) {
        rejects[rule.ordinal()].increment();
    }

    public long rejects(Rule rule) {
        return rejects[rule.ordinal()].sum();
    }

    public long requests() {
        return requests.sum();
    }

    public long connectionsOpen() {
        return connectionsOpen.sum();
    }

    public long connectionsOpened() {
        return connectionsOpened.sum();
    }

    public long internalErrors() {
        return internalErrors.sum();
    }
}
