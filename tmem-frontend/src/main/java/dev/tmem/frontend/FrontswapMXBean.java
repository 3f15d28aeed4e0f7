package dev.tmem.frontend;

/**
 * Frontswap's counters and modes over JMX ({@code dev.tmem:type=Frontswap,name=...}); see
 * {@link FrontswapStats} for what each counts.
 */
public interface FrontswapMXBean {
    long getLoads();

    long getSuccStores();

    long getFailedStores();

    long getStoresNoBackend();

    long getInvalidates();

    long getWrittenBack();

    long getReplayFailures();

    long getCurrPages();

    int getAreas();

    /** The registered backend's name, or {@code "none"}. */
    String getBackend();

    boolean isWritethrough();

    void setWritethrough(boolean on);

    boolean isExclusiveGets();

    void setExclusiveGets(boolean on);

    /** {@link Frontswap#shrink}: moves pages back to their swap areas; returns how many. */
    long shrink(long targetPages);
}
