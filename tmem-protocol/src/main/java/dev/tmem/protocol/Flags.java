package dev.tmem.protocol;

/** The flag bits of requests; an op accepts only the bits {@link Op#flagMask()} lists. */
public final class Flags {

    /** NEW_POOL: a persistent pool (pages stay until flushed). */
    public static final int PERSIST = 1;
    /** NEW_POOL: attach to the shared pool of the uuid in the payload. */
    public static final int SHARED = 1 << 1;
    /** GET_PAGE: a hit on a persistent pool removes the page. */
    public static final int EXCLUSIVE = 1;

    private Flags() {}
}
