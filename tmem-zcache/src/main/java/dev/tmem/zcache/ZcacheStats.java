package dev.tmem.zcache;

/**
 * A snapshot of a {@link ZcachePageStore}'s figures (zswap's debugfs counters, and zsmalloc's).
 *
 * @param compressedPages pages kept compressed
 * @param rawPages pages kept uncompressed (compressed above the reject threshold, policy raw)
 * @param sameFilledPages pages kept as their 8-byte pattern (zswap's {@code same_filled_pages})
 * @param pageBytes the original size of the compressed and raw pages
 * @param bytesStored bytes of stored payload: compressed lengths, and page sizes of raw pages
 * @param bytesUsed memory held: chunks (free space in them included) and metadata
 * @param maxPoolBytes the most {@code bytesUsed} may reach
 * @param rejectCompressPoor pages refused for compressing above the threshold (policy reject)
 * @param poolLimitHit pages refused because the store was full or back-pressured by its accept
 *     threshold (zswap's {@code pool_limit_hit})
 * @param corruptPages loads that found stored bytes corrupt (checksum or codec error)
 * @param compactions compaction passes run
 * @param objectsMoved objects moved by compaction
 * @param slabsFreed slabs compaction emptied and gave back
 * @param slabsRelocated slabs moved whole to a lower chunk, so that sparse chunks empty
 * @param chunks 256 KiB chunks held now
 */
public record ZcacheStats(
        long compressedPages,
        long rawPages,
        long sameFilledPages,
        long pageBytes,
        long bytesStored,
        long bytesUsed,
        long maxPoolBytes,
        long rejectCompressPoor,
        long poolLimitHit,
        long corruptPages,
        long compactions,
        long objectsMoved,
        long slabsFreed,
        long slabsRelocated,
        int chunks) {

    /** Pages held, of every kind. */
    public long pages() {
        return compressedPages + rawPages + sameFilledPages;
    }

    /** Original bytes of the compressed and raw pages per stored byte (1.0 when empty). */
    public double compressionRatio() {
        return bytesStored == 0 ? 1.0 : (double) pageBytes / bytesStored;
    }

    /** Stored bytes per byte of memory held (1.0 when empty). */
    public double density() {
        return bytesUsed == 0 ? 1.0 : (double) bytesStored / bytesUsed;
    }
}
