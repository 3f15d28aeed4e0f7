package dev.tmem.core.internal;

import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

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
 * <p><b>Layout.</b> Pages and objects live in <i>slots</i>: parallel arrays, indexed by slot number,
 * allocated in chunks of {@value #CHUNK} slots so growth copies nothing and wastes little. Free slots
 * form a list through one of their link fields. Per page slot (38 bytes):
 *
 * <pre>
 *  field      bytes  meaning
 *  key          8    object slot (high 32 bits) | page index (low 32 bits, unsigned)
 *  handle       8    the page store's handle; 0 marks a free slot
 *  lruPrev      4    previous (more recently used) page of the same client in this stripe,
 *                    or NOT_LINKED when the page is not on an LRU list (persistent or pinned)
 *  lruNext      4    next (less recently used) page; the free list's link for free slots
 *  objPrev      4    previous page of the same object (doubly linked: O(1) removal)
 *  objNext      4    next page of the same object
 *  stamp        4    the engine's LRU clock when the page was last put or hit
 *  client       2    number of the client the page is charged to
 * </pre>
 *
 * Per object slot: oid (24 bytes), pool serial (4), first page (4), page count (4) = 36 bytes.
 * Pages and objects are found through open-addressing tables of {@code int} ({@code slot + 1}, 0 for
 * empty) with linear probing, a load factor kept between {@value #MIN_LOAD} and {@value #MAX_LOAD}
 * (growth by 1.5x; positions by multiply-shift, so any size works), and backward-shift deletion, so
 * no tombstones build up.
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
    static final double MAX_LOAD = 0.75;
    static final double MIN_LOAD = 0.5;
    private static final int MIN_TABLE = 16;

    /** Guards every field of this stripe. */
    public final ReentrantLock lock = new ReentrantLock();

    // ---- page slots ----
    private long[][] pKey = new long[0][];
    private long[][] pHandle = new long[0][];
    private int[][] pLruPrev = new int[0][];
    private int[][] pLruNext = new int[0][];
    private int[][] pObjPrev = new int[0][];
    private int[][] pObjNext = new int[0][];
    private int[][] pStamp = new int[0][];
    private short[][] pClient = new short[0][];
    private int pageCapacity;
    private int pageFree = NIL;
    private int pages;
    private int[] pageIndex = new int[MIN_TABLE];

    // ---- object slots ----
    private long[][] oW0 = new long[0][];
    private long[][] oW1 = new long[0][];
    private long[][] oW2 = new long[0][];
    private int[][] oPool = new int[0][];
    private int[][] oFirst = new int[0][];
    private int[][] oCount = new int[0][];
    private int objectCapacity;
    private int objectFree = NIL;
    private int objects;
    private int[] objectIndex = new int[MIN_TABLE];

    // ---- per-client LRU lists of this stripe, indexed by client number ----
    private int[] lruHead = new int[0];
    private int[] lruTail = new int[0];
    private int[] tailStamp = new int[0];

    // =========================================================================================
    // Lookup and insertion
    // =========================================================================================

    /** The slot of the page at (pool, oid, index), or {@link #NIL}. Caller holds the lock. */
    public int findPage(int poolSerial, long w0, long w1, long w2, long objectHash, int index) {
        int obj = findObject(poolSerial, w0, w1, w2, objectHash);
        return obj == NIL ? NIL : findPageOfObject(obj, index);
    }

    /** The slot of the object (pool, oid), or {@link #NIL}. Caller holds the lock. */
    public int findObject(int poolSerial, long w0, long w1, long w2, long objectHash) {
        int[] table = objectIndex;
        int i = position(objectHash, table.length);
        for (int cell; (cell = table[i]) != 0; i = next(i, table.length)) {
            int o = cell - 1;
            int c = o >>> CHUNK_SHIFT, k = o & CHUNK_MASK;
            if (oW0[c][k] == w0 && oW1[c][k] == w1 && oW2[c][k] == w2 && oPool[c][k] == poolSerial) {
                return o;
            }
        }
        return NIL;
    }

    private int findPageOfObject(int obj, int index) {
        long key = pageKey(obj, index);
        int[] table = pageIndex;
        int i = position(mix(key), table.length);
        for (int cell; (cell = table[i]) != 0; i = next(i, table.length)) {
            int p = cell - 1;
            if (pKey[p >>> CHUNK_SHIFT][p & CHUNK_MASK] == key) {
                return p;
            }
        }
        return NIL;
    }

    /**
     * Adds a page that is not there yet (the caller checked with {@link #findPage}), creating its
     * object if needed. The page is not on an LRU list. Caller holds the lock.
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
        int c = p >>> CHUNK_SHIFT, k = p & CHUNK_MASK;
        pKey[c][k] = pageKey(obj, index);
        pHandle[c][k] = handle;
        pClient[c][k] = (short) client;
        pLruPrev[c][k] = NOT_LINKED;
        pLruNext[c][k] = NIL;
        pStamp[c][k] = 0;
        // push on the object's page list
        int oc = obj >>> CHUNK_SHIFT, ok = obj & CHUNK_MASK;
        int first = oFirst[oc][ok];
        pObjPrev[c][k] = NIL;
        pObjNext[c][k] = first;
        if (first != NIL) {
            pObjPrev[first >>> CHUNK_SHIFT][first & CHUNK_MASK] = p;
        }
        oFirst[oc][ok] = p;
        oCount[oc][ok]++;
        pages++;
        if (pages > pageIndex.length * MAX_LOAD) {
            pageIndex = rehashPages(grownSize(pages));
        }
        insertCell(pageIndex, mix(pKey[c][k]), p);
        return p;
    }

    private int newObject(int poolSerial, long w0, long w1, long w2, long objectHash) {
        if (objectFree == NIL) {
            growObjects();
        }
        int o = objectFree;
        int c = o >>> CHUNK_SHIFT, k = o & CHUNK_MASK;
        objectFree = oFirst[c][k];
        oW0[c][k] = w0;
        oW1[c][k] = w1;
        oW2[c][k] = w2;
        oPool[c][k] = poolSerial;
        oFirst[c][k] = NIL;
        oCount[c][k] = 0;
        objects++;
        if (objects > objectIndex.length * MAX_LOAD) {
            objectIndex = rehashObjects(grownSize(objects));
        }
        insertCell(objectIndex, objectHash, o);
        return o;
    }

    // =========================================================================================
    // Page fields
    // =========================================================================================

    public long handle(int p) {
        return pHandle[p >>> CHUNK_SHIFT][p & CHUNK_MASK];
    }

    public void setHandle(int p, long handle) {
        pHandle[p >>> CHUNK_SHIFT][p & CHUNK_MASK] = handle;
    }

    public int client(int p) {
        return Short.toUnsignedInt(pClient[p >>> CHUNK_SHIFT][p & CHUNK_MASK]);
    }

    public void setClient(int p, int client) {
        pClient[p >>> CHUNK_SHIFT][p & CHUNK_MASK] = (short) client;
    }

    /** The pool serial of the page's object. */
    public int poolOf(int p) {
        int obj = (int) (pKey[p >>> CHUNK_SHIFT][p & CHUNK_MASK] >>> 32);
        return oPool[obj >>> CHUNK_SHIFT][obj & CHUNK_MASK];
    }

    /** The object slot of the page. */
    public int objectOf(int p) {
        return (int) (pKey[p >>> CHUNK_SHIFT][p & CHUNK_MASK] >>> 32);
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
        int c = p >>> CHUNK_SHIFT, k = p & CHUNK_MASK;
        long key = pKey[c][k];
        if (pLruPrev[c][k] != NOT_LINKED) {
            lruUnlink(p);
        }
        deleteCell(pageIndex, mix(key), p, true);
        int obj = (int) (key >>> 32);
        int prev = pObjPrev[c][k], next = pObjNext[c][k];
        int oc = obj >>> CHUNK_SHIFT, ok = obj & CHUNK_MASK;
        if (prev == NIL) {
            oFirst[oc][ok] = next;
        } else {
            pObjNext[prev >>> CHUNK_SHIFT][prev & CHUNK_MASK] = next;
        }
        if (next != NIL) {
            pObjPrev[next >>> CHUNK_SHIFT][next & CHUNK_MASK] = prev;
        }
        if (--oCount[oc][ok] == 0) {
            freeObject(obj);
        }
        pHandle[c][k] = 0;
        pLruNext[c][k] = pageFree;
        pageFree = p;
        pages--;
    }

    private void freeObject(int o) {
        int c = o >>> CHUNK_SHIFT, k = o & CHUNK_MASK;
        deleteCell(objectIndex, objectHashOfSlot(o), o, false);
        oFirst[c][k] = objectFree;
        objectFree = o;
        objects--;
    }

    /** The first page of the object, or {@link #NIL}; iterate with {@link #nextInObject}. */
    public int firstPageOf(int obj) {
        return oFirst[obj >>> CHUNK_SHIFT][obj & CHUNK_MASK];
    }

    public int nextInObject(int p) {
        return pObjNext[p >>> CHUNK_SHIFT][p & CHUNK_MASK];
    }

    /** Object slots whose pool is {@code poolSerial}. Caller holds the lock. */
    public int[] objectsOfPool(int poolSerial) {
        int[] found = new int[8];
        int n = 0;
        for (int o = 0; o < objectCapacity; o++) {
            int c = o >>> CHUNK_SHIFT, k = o & CHUNK_MASK;
            if (oCount[c][k] > 0 && oPool[c][k] == poolSerial) {
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
        int c = p >>> CHUNK_SHIFT, k = p & CHUNK_MASK;
        int client = Short.toUnsignedInt(pClient[c][k]);
        ensureClient(client);
        int head = lruHead[client];
        pStamp[c][k] = stamp;
        pLruPrev[c][k] = NIL;
        pLruNext[c][k] = head;
        if (head == NIL) {
            lruTail[client] = p;
            tailStamp[client] = stamp;
        } else {
            pLruPrev[head >>> CHUNK_SHIFT][head & CHUNK_MASK] = p;
        }
        lruHead[client] = p;
    }

    /** Takes the page off its client's list. Caller holds the lock; the page is on a list. */
    public void lruUnlink(int p) {
        int c = p >>> CHUNK_SHIFT, k = p & CHUNK_MASK;
        int client = Short.toUnsignedInt(pClient[c][k]);
        int prev = pLruPrev[c][k], next = pLruNext[c][k];
        if (prev == NIL) {
            lruHead[client] = next;
        } else {
            pLruNext[prev >>> CHUNK_SHIFT][prev & CHUNK_MASK] = next;
        }
        if (next == NIL) {
            lruTail[client] = prev;
            if (prev != NIL) {
                tailStamp[client] = pStamp[prev >>> CHUNK_SHIFT][prev & CHUNK_MASK];
            }
        } else {
            pLruPrev[next >>> CHUNK_SHIFT][next & CHUNK_MASK] = prev;
        }
        pLruPrev[c][k] = NOT_LINKED;
        pLruNext[c][k] = NIL;
    }

    public boolean lruLinked(int p) {
        return pLruPrev[p >>> CHUNK_SHIFT][p & CHUNK_MASK] != NOT_LINKED;
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
            // publish tails and stamps before the larger arrays that readers see without the lock
            int[] head = Arrays.copyOf(lruHead, n);
            int[] tail = Arrays.copyOf(lruTail, n);
            int[] stamps = Arrays.copyOf(tailStamp, n);
            Arrays.fill(head, old, n, NIL);
            Arrays.fill(tail, old, n, NIL);
            lruHead = head;
            tailStamp = stamps;
            lruTail = tail;
        }
    }

    // =========================================================================================
    // Accounting
    // =========================================================================================

    /** Bytes of heap this stripe's arrays hold (array headers excluded). */
    public long metadataBytes() {
        long perPage = 8 + 8 + 4 + 4 + 4 + 4 + 4 + 2;
        long perObject = 8 + 8 + 8 + 4 + 4 + 4;
        return perPage * pageCapacity + perObject * objectCapacity
                + 4L * (pageIndex.length + objectIndex.length)
                + 12L * lruHead.length;
    }

    // =========================================================================================
    // Slot allocation
    // =========================================================================================

    private int allocPage() {
        if (pageFree == NIL) {
            growPages();
        }
        int p = pageFree;
        pageFree = pLruNext[p >>> CHUNK_SHIFT][p & CHUNK_MASK];
        return p;
    }

    private void growPages() {
        int chunks = pKey.length;
        pKey = Arrays.copyOf(pKey, chunks + 1);
        pHandle = Arrays.copyOf(pHandle, chunks + 1);
        pLruPrev = Arrays.copyOf(pLruPrev, chunks + 1);
        pLruNext = Arrays.copyOf(pLruNext, chunks + 1);
        pObjPrev = Arrays.copyOf(pObjPrev, chunks + 1);
        pObjNext = Arrays.copyOf(pObjNext, chunks + 1);
        pStamp = Arrays.copyOf(pStamp, chunks + 1);
        pClient = Arrays.copyOf(pClient, chunks + 1);
        pKey[chunks] = new long[CHUNK];
        pHandle[chunks] = new long[CHUNK];
        pLruPrev[chunks] = new int[CHUNK];
        pLruNext[chunks] = new int[CHUNK];
        pObjPrev[chunks] = new int[CHUNK];
        pObjNext[chunks] = new int[CHUNK];
        pStamp[chunks] = new int[CHUNK];
        pClient[chunks] = new short[CHUNK];
        int base = chunks << CHUNK_SHIFT;
        int[] next = pLruNext[chunks];
        for (int k = 0; k < CHUNK - 1; k++) {
            next[k] = base + k + 1;
        }
        next[CHUNK - 1] = pageFree;
        pageFree = base;
        pageCapacity += CHUNK;
    }

    private void growObjects() {
        int chunks = oW0.length;
        oW0 = Arrays.copyOf(oW0, chunks + 1);
        oW1 = Arrays.copyOf(oW1, chunks + 1);
        oW2 = Arrays.copyOf(oW2, chunks + 1);
        oPool = Arrays.copyOf(oPool, chunks + 1);
        oFirst = Arrays.copyOf(oFirst, chunks + 1);
        oCount = Arrays.copyOf(oCount, chunks + 1);
        oW0[chunks] = new long[CHUNK];
        oW1[chunks] = new long[CHUNK];
        oW2[chunks] = new long[CHUNK];
        oPool[chunks] = new int[CHUNK];
        oFirst[chunks] = new int[CHUNK];
        oCount[chunks] = new int[CHUNK];
        int base = chunks << CHUNK_SHIFT;
        int[] next = oFirst[chunks];
        for (int k = 0; k < CHUNK - 1; k++) {
            next[k] = base + k + 1;
        }
        next[CHUNK - 1] = objectFree;
        objectFree = base;
        objectCapacity += CHUNK;
    }

    // =========================================================================================
    // Open-addressing tables of slot + 1
    // =========================================================================================

    private long pageHashOfSlot(int p) {
        return mix(pKey[p >>> CHUNK_SHIFT][p & CHUNK_MASK]);
    }

    private long objectHashOfSlot(int o) {
        int c = o >>> CHUNK_SHIFT, k = o & CHUNK_MASK;
        return objectHash(oPool[c][k], oW0[c][k], oW1[c][k], oW2[c][k]);
    }

    private static void insertCell(int[] table, long hash, int slot) {
        int i = position(hash, table.length);
        while (table[i] != 0) {
            i = next(i, table.length);
        }
        table[i] = slot + 1;
    }

    /** Removes {@code slot}'s cell and shifts later cells of the probe run back (no tombstones). */
    private void deleteCell(int[] table, long hash, int slot, boolean pageCells) {
        int n = table.length;
        int i = position(hash, n);
        while (table[i] != slot + 1) {
            i = next(i, n);
        }
        int hole = i;
        for (int j = next(hole, n); table[j] != 0; j = next(j, n)) {
            int other = table[j] - 1;
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

    private int[] rehashPages(int size) {
        int[] table = new int[size];
        for (int cell : pageIndex) {
            if (cell != 0) {
                insertCell(table, pageHashOfSlot(cell - 1), cell - 1);
            }
        }
        return table;
    }

    private int[] rehashObjects(int size) {
        int[] table = new int[size];
        for (int cell : objectIndex) {
            if (cell != 0) {
                insertCell(table, objectHashOfSlot(cell - 1), cell - 1);
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
