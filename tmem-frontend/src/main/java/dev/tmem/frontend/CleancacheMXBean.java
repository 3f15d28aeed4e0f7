package dev.tmem.frontend;

/**
 * Cleancache's counters over JMX ({@code dev.tmem:type=Cleancache,name=...}); see
 * {@link CleancacheStats} for what each counts.
 */
public interface CleancacheMXBean {
    long getSuccGets();

    long getFailedGets();

    long getPuts();

    long getPutsNoBackend();

    long getInvalidates();

    long getBackendErrors();

    long getReplayFailures();

    int getFilesystems();

    /** The registered backend's name, or {@code "none"}. */
    String getBackend();
}
