package dev.tmem.core;

/**
 * A snapshot of the engine's global counters (the sums over all clients, including clients that
 * have since closed). Counters are read one by one; see {@link ClientStats}.
 *
 * @param bytesStored page bytes held now, as the store keeps them (after compression, for a
 *     compressing store)
 * @param bytesUsed memory charged against the budget now: for each page, the store's charge (its
 *     stored size rounded up to the store's allocation unit) plus {@link TmemEngine#PAGE_OVERHEAD_BYTES}
 * @param bytesBudget the memory budget
 * @param clients clients that exist now
 * @param pools pools that exist now (a shared pool counts once)
 * @param metadataBytes bytes held by the engine's own per-page and per-object tables (heap arrays)
 */
public record TmemStats(
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
        long bytesBudget,
        int clients,
        int pools,
        long metadataBytes) {

    /** Pages held now, of both kinds. */
    public long pages() {
        return pagesEphemeral + pagesPersistent;
    }
}
