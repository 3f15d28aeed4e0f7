package dev.tmem.core;

import java.util.OptionalLong;

/**
 * A snapshot of one client's counters. Counters are read one by one, not under a common lock, so a
 * snapshot taken while operations run may mix instants; each counter on its own is exact.
 *
 * @param puts puts that stored a page
 * @param failedPuts puts refused for space or cap
 * @param succGets gets that hit
 * @param failedGets gets that missed
 * @param flushes flushPage and flushObject calls (each counts once, whatever it removed)
 * @param evictions pages of this client evicted to make room
 * @param pagesEphemeral ephemeral pages charged to this client now
 * @param pagesPersistent persistent pages charged to this client now
 * @param bytesStored page bytes held for this client now, as the store keeps them
 * @param bytesUsed memory charged to this client now (see {@link TmemStats#bytesUsed()})
 * @param weight the client's weight in eviction
 * @param capPages the client's cap in pages, empty if it has none
 */
public record ClientStats(
        String name,
        long puts,
        long failedPuts,
        long succGets,
        long failedGets,
        long flushes,
        long evictions,
        long pagesEphemeral,
        long pagesPersistent,
        long bytesStored,
        long bytesUsed,
        int weight,
        OptionalLong capPages) {}
