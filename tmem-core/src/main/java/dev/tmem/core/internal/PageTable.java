package dev.tmem.core.internal;

import java.util.Arrays;

/**
 * One stripe of the engine's handle-to-page map: the objects whose (pool, oid) hash to this stripe,
 * their pages, and the per-client LRU lists of the stripe's evictable pages. All of it is held in
 * primitive arrays, so a stored page costs no Java object and the garbage collector sees a few
 * hundred arrays however many pages are held.
 *
 * <h2>Implementation notes</h2>
 *
 * <p><b>Concurrency.</b> Everything here is guarded by {@link #lock}: callers hold it for every
 * method except {@link #tailStampHint} and {@link #hasTailHint}, which read without it to let the
 * evictor pick a stripe and then validate under the lock. Plain (racy) reads of {@code int} array
 * elements are safe in Java: at worst stale, never torn.
 *
 * <p><b>Layout.</b> Pages and objects live in <i>slots</i>: fixed-size records of five
 * {@code long}s (40 bytes), kept together so one lookup touches one or two cache lines, in chunks of
 * {@value #CHUNK} records so that growth copies nothing and wastes little. Free slots form a list
 * through one of their link fields.
 *
 * <pre>
 *  page record                                   object record
 *  word  bits 63..32        bits 31..0           word  bits 63..32    bits 31..0
 *   0    object slot        page index (u32)      0    oid word 0
 *   1    page-store handle (0: free slot)         1    oid word 1
 *   2    lruPrev            lruNext               2    oid word 2
 *   3    objPrev            objNext               3    pool serial    page count
 *   4    LRU stamp          client (low 16 bits)  4    (unused)       first page
 * </pre>
 *
 * {@code lruPrev} is {@link #NOT_LINKED} when the page is on no LRU list (persistent or pinned).
 * Pages and objects are found through open-addressing tables of {@code int} cells with linear
 * probing: a cell holds {@code slot + 1} in its low {@value #SLOT_BITS} bits and 8 bits of the
 * entry's hash above them, so a probe rarely reads a record that does not match. Tables are kept
 * between {@value #MIN_LOAD} and {@value #MAX_LOAD} full (growth by 1.5x; positions by
 * multiply-shift, so any size works), with backward-shift deletion, so no tombstones build up. A
 * stripe holds at most {@link #MAX_SLOTS} pages and as many objects.
 *
 * <p><b>LRU.</b> Each client has one list per stripe, most recently used at the head. Lists order
 * pages exactly within a stripe; the evictor compares the stamps of the stripes' tails to find the
 * client's globally oldest page.
 */
public final class PageTable {

    public static final int NIL = -1;
    static final int NOT_LINKED = -2;

    static final int CHUNK_SHIFT = 10;
    static final int CHUNK = 1 << CHUNK_SHIFT;
    static final int CHUNK_MASK = CHUNK - 1;
    private static final int WORDS = 5;
    static final int SLOT_BITS = 24;
    private static final int SLOT_MASK = (1 << SLOT_BITS) - 1;
    /** Most pages (and objects) per stripe: cells store slot + 1 in 24 bits; capacity grows by chunks. */
    public static final int MAX_SLOTS = (1 << SLOT_BITS) - CHUNK;
    static final double MAX_LOAD = 0.8;
    static final double MIN_LOAD = 0.53;
    private static final int MIN_TABLE = 16;

    private static final int KEY = 0, HANDLE = 1, LRU = 2, OBJ = 3, STAMP = 4;
    private static final int W0 = 0, W1 = 1, W2 = 2, POOL_COUNT = 3, FIRST = 4;

    /**
     * Guards every field of this stripe: changes hold its write lock; reads hold it too, or run as
     * optimistic reads ({@link #findPage}) validated against it.
     */
    public final StripeLock lock = new StripeLock();

    private long[][] pageChunks = new long[0][];
    private int pageCapacity;
    private int pageFree = NIL;
    private int pages;
    private int[] pageIndex = new int[MIN_TABLE];

    private long[][] objectChunks = new long[0][];
    private int objectCapacity;
    private int objectFree = NIL;
    private int objects;
    private int[] objectIndex = new int[MIN_TABLE];

    // per-client LRU lists of this stripe, indexed by client number
    private int[] lruHead = new int[0];
    private int[] lruTail = new int[0];
    private int[] tailStamp = new int[0];

    // =========================================================================================
    // Lookup and insertion
    // =========================================================================================

    /**
     * The slot of the page at (pool, oid, index), or {@link #NIL}. Caller holds the lock, or runs an
     * optimistic read: then the result means something only if {@code lock.validate(stamp)} succeeds
     * afterwards, and racing a writer it may read stale arrays and throw an
     * {@link IndexOutOfBoundsException} (the caller treats that as a failed validation). Probing is
     * bounded by the table's length, so it always returns.
     */
    public int findPage(int poolSerial, long w0, long w1, long w2, long objectHash, int index) {
        int obj = findObject(poolSerial, w0, w1, w2, objectHash);
        return obj == NIL ? NIL : findPageOfObject(obj, index);
    }

    /** The slot of the object (pool, oid), or {@link #NIL}; as {@link #findPage} for locking. */
    public int findObject(int poolSerial, long w0, long w1, long w2, long objectHash) {
        int[] table = objectIndex;
        int fp = fingerprint(objectHash);
        int i = position(objectHash, table.length);
        for (int probes = 0; probes < table.length; probes++, i = next(i, table.length)) {
            int cell = table[i];
            if (cell == 0) {
                return NIL;
            }
            if ((cell & ~SLOT_MASK) == fp) {
                int o = (cell & SLOT_MASK) - 1;
                long[] r = objectChunks[o >>> CHUNK_SHIFT];
                int b = (o & CHUNK_MASK) * WORDS;
                if (r[b + W0] == w0 && r[b + W1] == w1 && r[b + W2] == w2
                        && (int) (r[b + POOL_COUNT] >>> 32) == poolSerial) {
                    return o;
                }
            }
        }
        return NIL;
    }

    private int findPageOfObject(int obj, int index) {
        long key = pageKey(obj, index);
        long hash = mix(key);
        int fp = fingerprint(hash);
        int[] table = pageIndex;
        int i = position(hash, table.length);
        for (int probes = 0; probes < table.length; probes++, i = next(i, table.length)) {
            int cell = table[i];
            if (cell == 0) {
                return NIL;
            }
            if ((cell & ~SLOT_MASK) == fp) {
                int p = (cell & SLOT_MASK) - 1;
                if (pageChunks[p >>> CHUNK_SHIFT][(p & CHUNK_MASK) * WORDS + KEY] == key) {
                    return p;
                }
            }
        }
        return NIL;
    }

    /** Whether a page can be added without passing {@link #MAX_SLOTS} pages or objects. */
    public boolean hasRoom() {
        return pages < MAX_SLOTS && objects < MAX_SLOTS;
    }

    /**
     * Adds a page that is not there yet (the caller checked with {@link #findPage} and
     * {@link #hasRoom}), creating its object if needed. The page is on no LRU list. Caller holds the
     * lock.
     *
     * @return the page's slot
     */
    public int insertPage(int poolSerial, long w0, long w1, long w2, long objectHash, int index,
            long handle, int client) {
        int obj = findObject(poolSerial, w0, w1, w2, objectHash);
        if (obj == NIL) {
            obj = newObject(poolSerial, w0, w1, w2, objectHash);
        }
        int p = allocPage();
        long[] r = pageChunks[p >>> CHUNK_SHIFT];
        int b = (p & CHUNK_MASK) * WORDS;
        long key = pageKey(obj, index);
        long[] o = objectChunks[obj >>> CHUNK_SHIFT];
        int ob = (obj & CHUNK_MASK) * WORDS;
        int first = (int) o[ob + FIRST];
        r[b + KEY] = key;
        r[b + HANDLE] = handle;
        r[b + LRU] = links(NOT_LINKED, NIL);
        r[b + OBJ] = links(NIL, first);
        r[b + STAMP] = client & 0xFFFF;
        if (first != NIL) {
            setPrev(first, OBJ, p);
        }
        o[ob + FIRST] = p & 0xFFFF_FFFFL;
        o[ob + POOL_COUNT]++;
        pages++;
        if (pages > pageIndex.length * MAX_LOAD) {
            pageIndex = rehash(pageIndex, grownSize(pages), true);
        }
        insertCell(pageIndex, mix(key), p);
        return p;
    }

    private int newObject(int poolSerial, long w0, long w1, long w2, long objectHash) {
        if (objectFree == NIL) {
            objectChunks = grow(objectChunks, objectCapacity, objectFree);
            objectFree = objectCapacity;
            objectCapacity += CHUNK;
        }
        int o = objectFree;
        long[] r = objectChunks[o >>> CHUNK_SHIFT];
        int b = (o & CHUNK_MASK) * WORDS;
        objectFree = freeLink(r, b);
        r[b + W0] = w0;
        r[b + W1] = w1;
        r[b + W2] = w2;
        r[b + POOL_COUNT] = (long) poolSerial << 32;
        r[b + FIRST] = NIL & 0xFFFF_FFFFL;
        objects++;
        if (objects > objectIndex.length * MAX_LOAD) {
            objectIndex = rehash(objectIndex, grownSize(objects), false);
        }
        insertCell(objectIndex, objectHash, o);
        return o;
    }

    // =========================================================================================
    // Page fields
    // =========================================================================================

    public long handle(int p) {
        return pageChunks[p >>> CHUNK_SHIFT][(p & CHUNK_MASK) * WORDS + HANDLE];
    }

    public void setHandle(int p, long handle) {
        pageChunks[p >>> CHUNK_SHIFT][(p & CHUNK_MASK) * WORDS + HANDLE] = handle;
    }

    public int client(int p) {
        return (int) pageChunks[p >>> CHUNK_SHIFT][(p & CHUNK_MASK) * WORDS + STAMP] & 0xFFFF;
    }

    public void setClient(int p, int client) {
        long[] r = pageChunks[p >>> CHUNK_SHIFT];
        int i = (p & CHUNK_MASK) * WORDS + STAMP;
        r[i] = (r[i] & ~0xFFFFL) | (client & 0xFFFF);
    }

    private int stamp(int p) {
        return (int) (pageChunks[p >>> CHUNK_SHIFT][(p & CHUNK_MASK) * WORDS + STAMP] >>> 32);
    }

    public int pageCount() {
        return pages;
    }

    // =========================================================================================
    // Removal
    // =========================================================================================

    /**
     * Removes the page: from the index, its object (freeing the object when it empties) and its LRU
     * list if it is on one. The slot is free afterwards; read its fields first. Caller holds the lock.
     */
    public void removePage(int p) {
        long[] r = pageChunks[p >>> CHUNK_SHIFT];
        int b = (p & CHUNK_MASK) * WORDS;
        long key = r[b + KEY];
        if (prevOf(r[b + LRU]) != NOT_LINKED) {
            lruUnlink(p);
        }
        deleteCell(pageIndex, mix(key), p, true);
        int obj = (int) (key >>> 32);
        int prev = prevOf(r[b + OBJ]), next = nextOf(r[b + OBJ]);
        long[] o = objectChunks[obj >>> CHUNK_SHIFT];
        int ob = (obj & CHUNK_MASK) * WORDS;
        if (prev == NIL) {
            o[ob + FIRST] = next & 0xFFFF_FFFFL;
        } else {
            setNext(prev, OBJ, next);
        }
        if (next != NIL) {
            setPrev(next, OBJ, prev);
        }
        if ((int) --o[ob + POOL_COUNT] == 0) {
            freeObject(obj);
        }
        r[b + HANDLE] = 0;
        r[b + LRU] = links(NOT_LINKED, pageFree);
        pageFree = p;
        pages--;
    }

    private void freeObject(int o) {
        deleteCell(objectIndex, objectHashOfSlot(o), o, false);
        long[] r = objectChunks[o >>> CHUNK_SHIFT];
        int b = (o & CHUNK_MASK) * WORDS;
        r[b + POOL_COUNT] = 0;
        r[b + FIRST] = objectFree & 0xFFFF_FFFFL;
        objectFree = o;
        objects--;
    }

    /** The first page of the object, or {@link #NIL}; iterate with {@link #nextInObject}. */
    public int firstPageOf(int obj) {
        return (int) objectChunks[obj >>> CHUNK_SHIFT][(obj & CHUNK_MASK) * WORDS + FIRST];
    }

    public int nextInObject(int p) {
        return nextOf(pageChunks[p >>> CHUNK_SHIFT][(p & CHUNK_MASK) * WORDS + OBJ]);
    }

    /** Object slots whose pool is {@code poolSerial}. Caller holds the lock. */
    public int[] objectsOfPool(int poolSerial) {
        int[] found = new int[8];
        int n = 0;
        for (int o = 0; o < objectCapacity; o++) {
            long pc = objectChunks[o >>> CHUNK_SHIFT][(o & CHUNK_MASK) * WORDS + POOL_COUNT];
            if ((int) pc > 0 && (int) (pc >>> 32) == poolSerial) {
                if (n == found.length) {
                    found = Arrays.copyOf(found, n * 2);
                }
                found[n++] = o;
            }
        }
        return Arrays.copyOf(found, n);
    }

    /** Page slots charged to {@code client}. Caller holds the lock. */
    public int[] pagesOfClient(int client) {
        int[] found = new int[8];
        int n = 0;
        for (int p = 0; p < pageCapacity; p++) {
            if (handle(p) != 0 && client(p) == client) {
                if (n == found.length) {
                    found = Arrays.copyOf(found, n * 2);
                }
                found[n++] = p;
            }
        }
        return Arrays.copyOf(found, n);
    }

    // =========================================================================================
    // LRU lists
    // =========================================================================================

    /** Puts the page at the head of its client's list with {@code stamp}. Caller holds the lock. */
    public void lruLinkHead(int p, int stamp) {
        long[] r = pageChunks[p >>> CHUNK_SHIFT];
        int b = (p & CHUNK_MASK) * WORDS;
        int client = (int) r[b + STAMP] & 0xFFFF;
        ensureClient(client);
        int head = lruHead[client];
        r[b + STAMP] = ((long) stamp << 32) | client;
        r[b + LRU] = links(NIL, head);
        if (head == NIL) {
            lruTail[client] = p;
            tailStamp[client] = stamp;
        } else {
            setPrev(head, LRU, p);
        }
        lruHead[client] = p;
    }

    /** Takes the page off its client's list. Caller holds the lock; the page is on a list. */
    public void lruUnlink(int p) {
        long[] r = pageChunks[p >>> CHUNK_SHIFT];
        int b = (p & CHUNK_MASK) * WORDS;
        int client = (int) r[b + STAMP] & 0xFFFF;
        int prev = prevOf(r[b + LRU]), next = nextOf(r[b + LRU]);
        if (prev == NIL) {
            lruHead[client] = next;
        } else {
            setNext(prev, LRU, next);
        }
        if (next == NIL) {
            lruTail[client] = prev;
            if (prev != NIL) {
                tailStamp[client] = stamp(prev);
            }
        } else {
            setPrev(next, LRU, prev);
        }
        r[b + LRU] = links(NOT_LINKED, NIL);
    }

    public boolean lruLinked(int p) {
        return prevOf(pageChunks[p >>> CHUNK_SHIFT][(p & CHUNK_MASK) * WORDS + LRU]) != NOT_LINKED;
    }

    /** The page's more recently used neighbour, or {@link #NIL}; for tests. */
    int lruPrevForTest(int p) {
        return prevOf(pageChunks[p >>> CHUNK_SHIFT][(p & CHUNK_MASK) * WORDS + LRU]);
    }

    /** The least recently used page of {@code client} in this stripe, or {@link #NIL}. Caller holds the lock. */
    public int lruTail(int client) {
        return client < lruTail.length ? lruTail[client] : NIL;
    }

    /** Without the lock: whether this stripe seems to hold an evictable page of {@code client}. */
    public boolean hasTailHint(int client) {
        int[] tails = lruTail;
        return client < tails.length && tails[client] != NIL;
    }

    /** Without the lock: the stamp of {@code client}'s oldest page here (valid if {@link #hasTailHint}). */
    public int tailStampHint(int client) {
        int[] stamps = tailStamp;
        return client < stamps.length ? stamps[client] : 0;
    }

    private void ensureClient(int client) {
        if (client >= lruHead.length) {
            int n = Math.max(client + 1, lruHead.length * 2);
            int old = lruHead.length;
            int[] head = Arrays.copyOf(lruHead, n);
            int[] tail = Arrays.copyOf(lruTail, n);
            Arrays.fill(head, old, n, NIL);
            Arrays.fill(tail, old, n, NIL);
            lruHead = head;
            tailStamp = Arrays.copyOf(tailStamp, n);
            lruTail = tail;
        }
    }

    /** Sets the prev half of link word {@code word} (LRU or OBJ) of page {@code p}. */
    private void setPrev(int p, int word, int prev) {
        long[] r = pageChunks[p >>> CHUNK_SHIFT];
        int i = (p & CHUNK_MASK) * WORDS + word;
        r[i] = links(prev, nextOf(r[i]));
    }

    /** Sets the next half of link word {@code word} (LRU or OBJ) of page {@code p}. */
    private void setNext(int p, int word, int next) {
        long[] r = pageChunks[p >>> CHUNK_SHIFT];
        int i = (p & CHUNK_MASK) * WORDS + word;
        r[i] = links(prevOf(r[i]), next);
    }

    private static long links(int prev, int next) {
        return ((long) prev << 32) | (next & 0xFFFF_FFFFL);
    }

    private static int prevOf(long links) {
        return (int) (links >> 32);
    }

    private static int nextOf(long links) {
        return (int) links;
    }

    // =========================================================================================
    // Accounting
    // =========================================================================================

    /** Bytes of heap this stripe's arrays hold (array headers excluded). */
    public long metadataBytes() {
        return 8L * WORDS * ((long) pageCapacity + objectCapacity)
                + 4L * (pageIndex.length + objectIndex.length)
                + 12L * lruHead.length;
    }

    // =========================================================================================
    // Slot allocation
    // =========================================================================================

    private int allocPage() {
        if (pageFree == NIL) {
            pageChunks = grow(pageChunks, pageCapacity, pageFree);
            pageFree = pageCapacity;
            pageCapacity += CHUNK;
        }
        int p = pageFree;
        long[] r = pageChunks[p >>> CHUNK_SHIFT];
        pageFree = nextOf(r[(p & CHUNK_MASK) * WORDS + LRU]);
        return p;
    }

    /** The free link of a free object record (kept in its FIRST word). */
    private static int freeLink(long[] r, int b) {
        return (int) r[b + FIRST];
    }

    /**
     * Adds a chunk of records at slot {@code base}, threaded into a free list that ends in
     * {@code tail}. Pages link free slots through LRU's next half, objects through FIRST.
     */
    private static long[][] grow(long[][] chunks, int base, int tail) {
        long[][] grown = Arrays.copyOf(chunks, chunks.length + 1);
        long[] r = new long[CHUNK * WORDS];
        for (int k = 0; k < CHUNK; k++) {
            int next = k < CHUNK - 1 ? base + k + 1 : tail;
            r[k * WORDS + LRU] = links(NOT_LINKED, next); // page free link
            r[k * WORDS + FIRST] = next & 0xFFFF_FFFFL;    // object free link
        }
        grown[chunks.length] = r;
        return grown;
    }

    // =========================================================================================
    // Open-addressing tables: cell = fingerprint (8 bits) | slot + 1 (24 bits), 0 = empty
    // =========================================================================================

    private long pageHashOfSlot(int p) {
        return mix(pageChunks[p >>> CHUNK_SHIFT][(p & CHUNK_MASK) * WORDS + KEY]);
    }

    private long objectHashOfSlot(int o) {
        long[] r = objectChunks[o >>> CHUNK_SHIFT];
        int b = (o & CHUNK_MASK) * WORDS;
        return objectHash((int) (r[b + POOL_COUNT] >>> 32), r[b + W0], r[b + W1], r[b + W2]);
    }

    private static void insertCell(int[] table, long hash, int slot) {
        int i = position(hash, table.length);
        while (table[i] != 0) {
            i = next(i, table.length);
        }
        table[i] = fingerprint(hash) | (slot + 1);
    }

    /** Removes {@code slot}'s cell and shifts later cells of the probe run back (no tombstones). */
    private void deleteCell(int[] table, long hash, int slot, boolean pageCells) {
        int n = table.length;
        int i = position(hash, n);
        while ((table[i] & SLOT_MASK) != slot + 1) {
            i = next(i, n);
        }
        int hole = i;
        for (int j = next(hole, n); table[j] != 0; j = next(j, n)) {
            int other = (table[j] & SLOT_MASK) - 1;
            int home = position(pageCells ? pageHashOfSlot(other) : objectHashOfSlot(other), n);
            // the cell at j may move into the hole unless its home lies cyclically in (hole, j]
            boolean stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
            if (!stays) {
                table[hole] = table[j];
                hole = j;
            }
        }
        table[hole] = 0;
    }

    private int[] rehash(int[] old, int size, boolean pageCells) {
        int[] table = new int[size];
        for (int cell : old) {
            if (cell != 0) {
                int slot = (cell & SLOT_MASK) - 1;
                insertCell(table, pageCells ? pageHashOfSlot(slot) : objectHashOfSlot(slot), slot);
            }
        }
        return table;
    }

    private static int grownSize(int entries) {
        return (int) Math.min(Integer.MAX_VALUE - 8, Math.max(MIN_TABLE, (long) (entries / MIN_LOAD)));
    }

    /** Multiply-shift range reduction of the hash's high 32 bits to [0, n). */
    private static int position(long hash, int n) {
        return (int) (((hash >>> 32) * n) >>> 32);
    }

    /** 8 bits of the hash not used by {@link #position} (which uses the high bits), in cell position. */
    private static int fingerprint(long hash) {
        return (int) hash & ~SLOT_MASK;
    }

    private static int next(int i, int n) {
        return ++i == n ? 0 : i;
    }

    private static long pageKey(int obj, int index) {
        return ((long) obj << 32) | Integer.toUnsignedLong(index);
    }

    /** The hash of an object; the engine also picks the stripe from its low bits. */
    public static long objectHash(int poolSerial, long w0, long w1, long w2) {
        long h = mix(w0 ^ 0x9E37_79B9_7F4A_7C15L * poolSerial);
        h = mix(h ^ w1);
        return mix(h ^ w2);
    }

    /** A 64-bit finalizer (Stafford's variant 13 of MurmurHash3's fmix64). */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return z ^ (z >>> 31);
    }
}
