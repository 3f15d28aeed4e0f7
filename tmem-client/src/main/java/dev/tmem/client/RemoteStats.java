package dev.tmem.client;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A STATS answer (PROTOCOL.md, "STATS counters"): the server's counters, and under {@link #client()}
 * the calling client's own. Keys the protocol lists have accessors; every key the server sent,
 * including ones added later, is in {@link #all()}.
 *
 * @param all every top-level key: numbers as {@link Long} (or {@link Double}), {@code client} as a map
 * @param client the calling client's counters ({@code cap_pages} maps to {@code null} without a cap)
 */
public record RemoteStats(Map<String, Object> all, Map<String, Object> client) {

    public RemoteStats {
        all = Collections.unmodifiableMap(new LinkedHashMap<>(all));
        client = Collections.unmodifiableMap(new LinkedHashMap<>(client));
    }

    /**
     * A top-level counter.
     *
     * @throws IllegalArgumentException if the server did not send it as a number
     */
    public long get(String key) {
        return number(all, key);
    }

    /** One of the calling client's counters. */
    public long clientCounter(String key) {
        return number(client, key);
    }

    public long puts() {
        return get("puts");
    }

    public long succGets() {
        return get("succ_gets");
    }

    public long failedGets() {
        return get("failed_gets");
    }

    public long bytesUsed() {
        return get("bytes_used");
    }

    public long bytesBudget() {
        return get("bytes_budget");
    }

    /** What the server can still give: {@code bytes_budget - bytes_used} (never negative). */
    public long bytesFree() {
        return Math.max(0, bytesBudget() - bytesUsed());
    }

    private static long number(Map<String, Object> m, String key) {
        if (!(m.get(key) instanceof Number n)) {
            throw new IllegalArgumentException("STATS has no number " + key + " (keys: " + m.keySet() + ")");
        }
        return n.longValue();
    }
}
