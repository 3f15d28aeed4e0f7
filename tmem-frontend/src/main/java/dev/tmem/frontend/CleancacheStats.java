package dev.tmem.frontend;

/**
 * A snapshot of cleancache's counters (each exact, read one by one).
 *
 * @param succGets gets that found their page
 * @param failedGets gets that missed (no backend, an unknown page, an evicted one)
 * @param puts puts handed to a backend (which may still drop the page)
 * @param putsNoBackend puts dropped because no backend was registered
 * @param invalidates {@code invalidatePage} and {@code invalidateInode} calls that reached a backend
 * @param backendErrors backend calls that threw (taken as a miss or a dropped put)
 * @param replayFailures filesystems a backend could not create a pool for at registration
 * @param filesystems filesystems initialized now
 */
public record CleancacheStats(
        long succGets,
        long failedGets,
        long puts,
        long putsNoBackend,
        long invalidates,
        long backendErrors,
        long replayFailures,
        int filesystems) {}
