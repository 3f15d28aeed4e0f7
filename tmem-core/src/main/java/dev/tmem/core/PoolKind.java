package dev.tmem.core;

/** Whether a pool's pages may vanish. */
public enum PoolKind {
    /**
     * Pages may be evicted at any moment, least recently used first. A hit on a private ephemeral
     * pool removes the page (exclusive get); a hit on a shared one leaves it.
     */
    EPHEMERAL,
    /** Pages stay until flushed or the pool is destroyed; they are never evicted. */
    PERSISTENT
}
