package dev.tmem.frontend;

/**
 * A snapshot of frontswap's counters (each exact, read one by one).
 *
 * @param loads loads that found their page in the backend
 * @param succStores stores the backend kept
 * @param failedStores stores refused: no backend, the backend full or failing, or an unload under way
 * @param storesNoBackend of {@code failedStores}, those refused because no backend was registered
 * @param invalidates pages invalidated ({@code invalidatePage} of an offset that was in the backend)
 * @param writtenBack pages moved from the backend back to their swap area (shrink, unload)
 * @param replayFailures swap areas a backend could not create a pool for at registration or lazily
 * @param lostWrittenThrough loads of pages stored in writethrough mode that the backend no longer
 *     had (a remote server restarted, say): answered from the swap area instead
 * @param currPages pages in the backend now
 * @param areas swap areas initialized now
 */
public record FrontswapStats(
        long loads,
        long succStores,
        long failedStores,
        long storesNoBackend,
        long invalidates,
        long writtenBack,
        long replayFailures,
        long lostWrittenThrough,
        long currPages,
        int areas) {}
