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
 * evictor pick a stripe and then validate under the lock, and {@link #findEntry} with the
 * {@code entry*} getters, which optimistic gets run under a read stamp they validate afterwards.
 * Plain (racy) reads of {@code int} and {@code long} array elements are safe in Java on 64-bit
 * VMs: at worst stale, never torn; a stale read may also index out of bounds, which the optimistic
 * caller treats as a failed validation. A writer moves a leaf (when it changes capacity) by copying
 * it to its new block before re-pointing its index cell, and frees the old block only then, so an
 * optimistic reader finds the old or the new leaf, or fails its validation.
 *
 * <p><b>Lookup: leaves.</b> Pages are grouped by (pool, oid, index / 64) into <i>leaves</i>, and a
 * leaf is found directly by hashing that key in one open-addressing table of {@code long} cells,
 * which holds one cell per leaf (about one per 64 pages of a dense object) and so stays small enough
 * to be cache-resident. A lookup reads the cell, then the leaf's header and the entry: the store
 * handle is one hop from the index. Neither the object nor the page record is read on the way. In
 * a leaf of capacity 64 (flagged in its cell) the entry's place follows from the cell alone, so
 * the handle's load need not wait for the header's.
 *
 * <pre>
 *  leaf index cell (long)             bits 63..32: high half of the leaf's hash (its probe home
 *                                     and a fingerprint); bit 31: the leaf has capacity 64 (its
 *                                     entries are positional); bits 30..0: leaf ref + 1 (0: empty)
 *
 *  leaf (in leaf storage, 7 + 2 * capacity words)
 *  word        bits 63..32             bits 31..0
 *   0          pool serial             index / 64 (26 bits)
 *   1          occupancy bitmap: bit i set = page (index / 64) * 64 + i is present
 *   2..4       oid words 0, 1, 2
 *   5          object slot             capacity class (0..6: capacity 1 &lt;&lt; class)
 *   6          prev leaf ref           next leaf ref          (the object's leaf list)
 *   7 + 2e     store handle (the whole 64-bit long)
 *   8 + 2e     client (bits 47..32)    page record slot
 * </pre>
 *
 * Entry {@code e} of page bit {@code i}: in a leaf of capacity 64 entries are positional
 * ({@code e = i}); in smaller leaves they are packed in bit order ({@code e = bitCount(bitmap &
 * ((1 << i) - 1))}), so a leaf holding one page costs 9 words. A leaf that fills doubles its
 * capacity (it moves to a block of the next class); one that falls to a quarter full halves it.
 * Handle and client sit side by side so an in-place put reads them from one cache line (mostly).
 *
 * <p><b>Leaf storage.</b> Leaves live in chunks of {@value #LEAF_CHUNK} words (the first chunk
 * starts small and doubles up to that); a <i>leaf ref</i> is {@code chunk << 16 | word offset}, a
 * block never straddles two chunks. Blocks are carved by bumping a pointer; freed blocks go on a
 * free list per capacity class (linked through word 0) and are reused by leaves of that class.
 *
 * <p><b>Page records</b> give each page a slot that does not move while the page is held (the
 * leaf's entries do move): the engine's pin registry, LRU lists and sweeps hold slots.
 *
 * <pre>
 *  page record (3 words)                 object record (1 word)
 *  word  bits 63..32     bits 31..0      word  bits 63..32    bits 31..0
 *   0    leaf ref        page bit (0..63) 0    leaf count     first leaf ref
 *         (-1L: free slot)                     (0: free)      (free: next free slot)
 *   1    lruPrev         lruNext
 *   2    LRU stamp       (unused)
 * </pre>
 *
 * An object keeps no key of its own: while it is live it has a leaf, and its first leaf's header
 * holds its pool and oid, which lookups by object (and its index table's rehashes) compare.
 *
 * {@code lruPrev} is {@link #NOT_LINKED} when the page is on no LRU list (persistent or pinned).
 * Objects are found through an open-addressing table of {@code int} cells: {@code slot + 1} in the
 * low {@value #SLOT_BITS} bits and 8 bits of the object's hash above them. Both tables use linear
 * probing, are kept between {@value #MIN_LOAD} and {@value #MAX_LOAD} full (growth by 1.5x;
 * positions by multiply-shift, so any size works), with backward-shift deletion, so no tombstones
 * build up. Objects are needed only by {@code flushObject} and sweeps (through their leaf lists),
 * and to free a leaf's object with its last leaf. A stripe holds at most {@link #MAX_SLOTS} pages
 * and as many objects.
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
    static final int SLOT_BITS = 24;
    private static final int SLOT_MASK = (1 << SLOT_BITS) - 1;
    /** Most pages (and objects) per stripe: object cells store slot + 1 in 24 bits. */
    public static final int MAX_SLOTS = (1 << SLOT_BITS) - CHUNK;
    static final double MAX_LOAD = 0.8;
    static final double MIN_LOAD = 0.53;
    private static final int MIN_TABLE = 16;

    // page records
    private static final int PAGE_WORDS = 3;
    private static final int BACK = 0, LRU = 1, STAMP = 2;
    private static final long FREE = -1L;
    // object records
    private static final int OBJECT_WORDS = 1;
    private static final long ONE_LEAF = 1L << 32;
    // leaves
    static final int LEAF_SPAN_SHIFT = 6;
    private static final int LEAF_SPAN_MASK = (1 << LEAF_SPAN_SHIFT) - 1;
    private static final int L_KEY = 0, L_BITS = 1, L_W0 = 2, L_W1 = 3, L_W2 = 4, L_OBJ = 5, L_LINKS = 6;
    private static final int HEADER = 7;
    /** The class of capacity 64, whose entries are positional. */
    static final int FULL_CLASS = LEAF_SPAN_SHIFT;
    private static final int LEAF_CHUNK_SHIFT = 16;
    static final int LEAF_CHUNK = 1 << LEAF_CHUNK_SHIFT;
    private static final int LEAF_CHUNK_MASK = LEAF_CHUNK - 1;
    private static final int FIRST_LEAF_CHUNK = 256;
    private static final long HI = 0xFFFF_FFFF_0000_0000L;
    /** Leaf index cell flag: the leaf is of {@link #FULL_CLASS} (positional entries). */
    private static final long FULL_CELL = 1L << 31;

    /**
     * Guards every field of this stripe: changes hold its write lock; reads hold it too, or run as
     * optimistic reads ({@link #findEntry}) validated against it.
     */
    public final StripeLock lock = new StripeLock();

    private long[][] pageChunks = new long[0][];
    private int pageCapacity;
    private int pageFree = NIL;
    private int pages;

    private long[][] objectChunks = new long[0][];
    private int objectCapacity;
    private int objectFree = NIL;
    private int objects;
    private int[] objectIndex = new int[MIN_TABLE];

    private long[][] leafChunks = new long[0][];
    /** The ref at which the next new block is carved (in the last chunk, or a chunk to come). */
    private int leafTop;
    private final int[] leafFree = {NIL, NIL, NIL, NIL, NIL, NIL, NIL};
    private int leaves;
    private long[] leafIndex = new long[MIN_TABLE];

    // per-client LRU lists of this stripe, indexed by client number
    private int[] lruHead = new int[0];
    private int[] lruTail = new int[0];
    private int[] tailStamp = new int[0];

    // =========================================================================================
    // Lookup
    // =========================================================================================

    /**
     * The entry of the page at (pool, oid, index): a ref into leaf storage for the {@code entry*}
     * methods, or {@link #NIL}. It stays valid only until the stripe changes. Caller holds the
     * lock, or runs an optimistic read: then the result means something only if
     * {@code lock.validate(stamp)} succeeds after everything read through it, and racing a writer
     * this may throw an {@link IndexOutOfBoundsException} (a failed validation, for the caller).
     * Probing is bounded by the table's length, so it always returns.
     */
    public int findEntry(int poolSerial, long w0, long w1, long w2, long objectHash, int index) {
        long cell = findLeafCell(w0, w1, w2, leafHash(objectHash, index), leafKey(poolSerial, index));
        if (cell == 0) {
            return NIL;
        }
        int ref = refOf(cell);
        int bit = index & LEAF_SPAN_MASK;
        long bits = leafChunks[ref >>> LEAF_CHUNK_SHIFT][(ref & LEAF_CHUNK_MASK) + L_BITS];
        if ((bits & (1L << bit)) == 0) {
            return NIL;
        }
        if ((cell & FULL_CELL) != 0) {
            // a positional leaf (the common case of dense objects), known from the cell: the
            // entry's place depends on nothing read from the leaf, so the caller's load of the
            // handle can issue together with the loads of the leaf's header
            return ref + HEADER + 2 * bit;
        }
        return ref + HEADER + 2 * Long.bitCount(bits & ((1L << bit) - 1));
    }

    /** The store handle at an entry of {@link #findEntry}. */
    public long entryHandle(int entry) {
        return leafChunks[entry >>> LEAF_CHUNK_SHIFT][entry & LEAF_CHUNK_MASK];
    }

    /** The client charged for the page at an entry of {@link #findEntry}. */
    public int entryClient(int entry) {
        return (int) (leafChunks[entry >>> LEAF_CHUNK_SHIFT][(entry & LEAF_CHUNK_MASK) + 1] >>> 32) & 0xFFFF;
    }

    /** The page slot at an entry of {@link #findEntry}. */
    public int entrySlot(int entry) {
        return (int) leafChunks[entry >>> LEAF_CHUNK_SHIFT][(entry & LEAF_CHUNK_MASK) + 1];
    }

    /** The slot of the page at (pool, oid, index), or {@link #NIL}; as {@link #findEntry} for locking. */
    public int findPage(int poolSerial, long w0, long w1, long w2, long objectHash, int index) {
        int e = findEntry(poolSerial, w0, w1, w2, objectHash, index);
        return e == NIL ? NIL : entrySlot(e);
    }

    private int findLeaf(long w0, long w1, long w2, long hash, long key) {
        long cell = findLeafCell(w0, w1, w2, hash, key);
        return cell == 0 ? NIL : refOf(cell);
    }

    /** The index cell of the leaf with this key, or 0. */
    private long findLeafCell(long w0, long w1, long w2, long hash, long key) {
        long[] table = leafIndex;
        int n = table.length;
        long fp = hash & HI;
        int i = position(hash, n);
        for (int probes = 0; probes < n; probes++, i = next(i, n)) {
            long cell = table[i];
            if (cell == 0) {
                return 0;
            }
            if ((cell & HI) == fp) {
                int ref = refOf(cell);
                long[] c = leafChunks[ref >>> LEAF_CHUNK_SHIFT];
                int b = ref & LEAF_CHUNK_MASK;
                if (c[b + L_KEY] == key && c[b + L_W0] == w0 && c[b + L_W1] == w1 && c[b + L_W2] == w2) {
                    return cell;
                }
            }
        }
        return 0;
    }

    /** The slot of the object (pool, oid), or {@link #NIL}. Caller holds the lock. */
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
                int first = (int) objectWord(o); // the object's key is its first leaf's
                long[] c = leafChunks[first >>> LEAF_CHUNK_SHIFT];
                int b = first & LEAF_CHUNK_MASK;
                if (c[b + L_W0] == w0 && c[b + L_W1] == w1 && c[b + L_W2] == w2
                        && (int) (c[b + L_KEY] >>> 32) == poolSerial) {
                    return o;
                }
            }
        }
        return NIL;
    }

    // =========================================================================================
    // Insertion
    // =========================================================================================

    /** Whether a page can be added without passing {@link #MAX_SLOTS} pages or objects. */
    public boolean hasRoom() {
        return pages < MAX_SLOTS && objects < MAX_SLOTS;
    }

    /**
     * Adds a page that is not there yet (the caller checked with {@link #findPage} and
     * {@link #hasRoom}), creating its leaf and object if needed. The page is on no LRU list. Caller
     * holds the lock.
     *
     * @return the page's slot
     */
    public int insertPage(int poolSerial, long w0, long w1, long w2, long objectHash, int index,
            long handle, int client) {
        long hash = leafHash(objectHash, index);
        int ref = findLeaf(w0, w1, w2, hash, leafKey(poolSerial, index));
        if (ref == NIL) {
            ref = newLeaf(poolSerial, w0, w1, w2, objectHash, hash, index);
        } else {
            long[] c = leafChunks[ref >>> LEAF_CHUNK_SHIFT];
            int b = ref & LEAF_CHUNK_MASK;
            int cls = (int) c[b + L_OBJ];
            if (Long.bitCount(c[b + L_BITS]) == 1 << cls) {
                ref = moveLeaf(ref, cls + 1, hash);
            }
        }
        int p = allocPage();
        int bit = index & LEAF_SPAN_MASK;
        long[] c = leafChunks[ref >>> LEAF_CHUNK_SHIFT];
        int b = ref & LEAF_CHUNK_MASK;
        long bits = c[b + L_BITS];
        int e;
        if ((int) c[b + L_OBJ] == FULL_CLASS) {
            e = bit;
        } else {
            e = Long.bitCount(bits & ((1L << bit) - 1));
            int after = Long.bitCount(bits) - e;
            System.arraycopy(c, b + HEADER + 2 * e, c, b + HEADER + 2 * e + 2, 2 * after);
        }
        c[b + HEADER + 2 * e] = handle;
        c[b + HEADER + 2 * e + 1] = info(client, p);
        c[b + L_BITS] = bits | (1L << bit);
        long[] r = pageChunks[p >>> CHUNK_SHIFT];
        int rb = (p & CHUNK_MASK) * PAGE_WORDS;
        r[rb + BACK] = back(ref, bit);
        r[rb + LRU] = links(NOT_LINKED, NIL);
        r[rb + STAMP] = 0;
        pages++;
        return p;
    }

    /** A new, empty leaf of capacity 1 for the page's span, linked first in its object's list. */
    private int newLeaf(int poolSerial, long w0, long w1, long w2, long objectHash, long hash, int index) {
        int obj = findObject(poolSerial, w0, w1, w2, objectHash);
        if (obj == NIL) {
            obj = newObject(poolSerial, w0, w1, w2, objectHash);
        }
        long[] o = objectChunks[obj >>> CHUNK_SHIFT];
        int ob = (obj & CHUNK_MASK) * OBJECT_WORDS;
        int first = (int) o[ob];
        int ref = allocLeaf(0);
        long[] c = leafChunks[ref >>> LEAF_CHUNK_SHIFT];
        int b = ref & LEAF_CHUNK_MASK;
        c[b + L_KEY] = leafKey(poolSerial, index);
        c[b + L_BITS] = 0;
        c[b + L_W0] = w0;
        c[b + L_W1] = w1;
        c[b + L_W2] = w2;
        c[b + L_OBJ] = (long) obj << 32; // class 0
        c[b + L_LINKS] = links(NIL, first);
        if (first != NIL) {
            setLeafPrev(first, ref);
        }
        o[ob] = ((o[ob] & HI) + ONE_LEAF) | (ref & 0xFFFF_FFFFL);
        leaves++;
        if (leaves > leafIndex.length * MAX_LOAD) {
            leafIndex = rehashLeaves(leafIndex, grownSize(leaves));
        }
        insertLeafCell(leafIndex, hash, ref);
        return ref;
    }

    private int newObject(int poolSerial, long w0, long w1, long w2, long objectHash) {
        if (objectFree == NIL) {
            objectChunks = growObjects(objectChunks, objectCapacity, objectFree);
            objectFree = objectCapacity;
            objectCapacity += CHUNK;
        }
        int o = objectFree;
        long[] r = objectChunks[o >>> CHUNK_SHIFT];
        int b = (o & CHUNK_MASK) * OBJECT_WORDS;
        objectFree = (int) r[b];
        r[b] = NIL & 0xFFFF_FFFFL; // no leaf yet: the caller links the first one before anything reads the key
        objects++;
        if (objects > objectIndex.length * MAX_LOAD) {
            objectIndex = rehashObjects(objectIndex, grownSize(objects));
        }
        insertObjectCell(objectIndex, objectHash, o);
        return o;
    }

    /**
     * Moves the leaf at {@code ref} into a new block of capacity class {@code cls} (it grows or
     * shrinks), re-pointing its index cell, its object-list neighbours and its pages' records, and
     * frees the old block. Returns the new ref.
     */
    private int moveLeaf(int ref, int cls, long hash) {
        int to = allocLeaf(cls); // may replace a chunk array: read the old block after this
        long[] c = leafChunks[ref >>> LEAF_CHUNK_SHIFT];
        int b = ref & LEAF_CHUNK_MASK;
        long[] d = leafChunks[to >>> LEAF_CHUNK_SHIFT];
        int db = to & LEAF_CHUNK_MASK;
        System.arraycopy(c, b, d, db, HEADER);
        d[db + L_OBJ] = (c[b + L_OBJ] & HI) | cls;
        boolean fromFull = (int) c[b + L_OBJ] == FULL_CLASS, toFull = cls == FULL_CLASS;
        int rank = 0;
        for (long rest = c[b + L_BITS]; rest != 0; rest &= rest - 1, rank++) {
            int bit = Long.numberOfTrailingZeros(rest);
            int from = b + HEADER + 2 * (fromFull ? bit : rank);
            int into = db + HEADER + 2 * (toFull ? bit : rank);
            d[into] = c[from];
            d[into + 1] = c[from + 1];
            int p = (int) c[from + 1];
            pageChunks[p >>> CHUNK_SHIFT][(p & CHUNK_MASK) * PAGE_WORDS + BACK] = back(to, bit);
        }
        replaceLeafCell(hash, ref, to, toFull);
        long ln = c[b + L_LINKS];
        int prev = prevOf(ln), next = nextOf(ln);
        if (prev == NIL) {
            int obj = (int) (c[b + L_OBJ] >>> 32);
            long[] o = objectChunks[obj >>> CHUNK_SHIFT];
            int ob = (obj & CHUNK_MASK) * OBJECT_WORDS;
            o[ob] = (o[ob] & HI) | (to & 0xFFFF_FFFFL);
        } else {
            setLeafNext(prev, to);
        }
        if (next != NIL) {
            setLeafPrev(next, to);
        }
        freeBlock(ref, (int) c[b + L_OBJ]);
        return to;
    }

    // =========================================================================================
    // Page fields
    // =========================================================================================

    /** The word offset, in leaf storage, of page {@code p}'s entry. */
    private int entryOf(int p) {
        long back = pageChunks[p >>> CHUNK_SHIFT][(p & CHUNK_MASK) * PAGE_WORDS + BACK];
        int ref = (int) (back >>> 32);
        int bit = (int) back;
        long[] c = leafChunks[ref >>> LEAF_CHUNK_SHIFT];
        int b = ref & LEAF_CHUNK_MASK;
        int e = (int) c[b + L_OBJ] == FULL_CLASS ? bit : Long.bitCount(c[b + L_BITS] & ((1L << bit) - 1));
        return ref + HEADER + 2 * e;
    }

    public long handle(int p) {
        return entryHandle(entryOf(p));
    }

    public void setHandle(int p, long handle) {
        int e = entryOf(p);
        leafChunks[e >>> LEAF_CHUNK_SHIFT][e & LEAF_CHUNK_MASK] = handle;
    }

    public int client(int p) {
        return entryClient(entryOf(p));
    }

    public void setClient(int p, int client) {
        int e = entryOf(p);
        leafChunks[e >>> LEAF_CHUNK_SHIFT][(e & LEAF_CHUNK_MASK) + 1] = info(client, p);
    }

    private int stamp(int p) {
        return (int) (pageChunks[p >>> CHUNK_SHIFT][(p & CHUNK_MASK) * PAGE_WORDS + STAMP] >>> 32);
    }

    public int pageCount() {
        return pages;
    }

    // =========================================================================================
    // Removal
    // =========================================================================================

    /**
     * Removes the page: from its leaf (freeing the leaf when it empties, and the object with its
     * last leaf) and from its LRU list if it is on one. The slot is free afterwards; read its fields
     * first. Caller holds the lock.
     */
    public void removePage(int p) {
        long[] r = pageChunks[p >>> CHUNK_SHIFT];
        int rb = (p & CHUNK_MASK) * PAGE_WORDS;
        if (prevOf(r[rb + LRU]) != NOT_LINKED) {
            lruUnlink(p); // reads the client from the leaf: before the entry goes
        }
        long back = r[rb + BACK];
        int ref = (int) (back >>> 32);
        int bit = (int) back;
        long[] c = leafChunks[ref >>> LEAF_CHUNK_SHIFT];
        int b = ref & LEAF_CHUNK_MASK;
        long bits = c[b + L_BITS];
        int cls = (int) c[b + L_OBJ];
        if (cls == FULL_CLASS) {
            c[b + HEADER + 2 * bit] = 0;
            c[b + HEADER + 2 * bit + 1] = 0;
        } else {
            int e = Long.bitCount(bits & ((1L << bit) - 1));
            int after = Long.bitCount(bits) - e - 1;
            System.arraycopy(c, b + HEADER + 2 * e + 2, c, b + HEADER + 2 * e, 2 * after);
        }
        bits &= ~(1L << bit);
        c[b + L_BITS] = bits;
        r[rb + BACK] = FREE;
        r[rb + LRU] = links(NOT_LINKED, pageFree);
        pageFree = p;
        pages--;
        if (bits == 0) {
            freeLeaf(ref);
        } else if (cls > 0 && Long.bitCount(bits) <= (1 << cls) / 4) {
            moveLeaf(ref, cls - 1, leafHashOf(c, b));
        }
    }

    private void freeLeaf(int ref) {
        long[] c = leafChunks[ref >>> LEAF_CHUNK_SHIFT];
        int b = ref & LEAF_CHUNK_MASK;
        long ohash = objectHashOfLeaf(c, b);
        deleteLeafCell(leafIndex, leafHash(ohash, (int) c[b + L_KEY] << LEAF_SPAN_SHIFT), ref);
        leaves--;
        int obj = (int) (c[b + L_OBJ] >>> 32);
        long[] o = objectChunks[obj >>> CHUNK_SHIFT];
        int ob = (obj & CHUNK_MASK) * OBJECT_WORDS;
        long ln = c[b + L_LINKS];
        int prev = prevOf(ln), next = nextOf(ln);
        if (prev == NIL) {
            o[ob] = (o[ob] & HI) | (next & 0xFFFF_FFFFL);
        } else {
            setLeafNext(prev, next);
        }
        if (next != NIL) {
            setLeafPrev(next, prev);
        }
        o[ob] -= ONE_LEAF;
        if ((o[ob] >>> 32) == 0) {
            freeObject(obj, ohash); // its key went with its last leaf: the hash comes from here
        }
        freeBlock(ref, (int) c[b + L_OBJ]);
    }

    private void freeObject(int o, long objectHash) {
        deleteObjectCell(objectIndex, objectHash, o);
        long[] r = objectChunks[o >>> CHUNK_SHIFT];
        int b = (o & CHUNK_MASK) * OBJECT_WORDS;
        r[b] = objectFree & 0xFFFF_FFFFL; // leaf count 0: free
        objectFree = o;
        objects--;
    }

    /** The first page of the object, or {@link #NIL}; iterate with {@link #nextInObject}. */
    public int firstPageOf(int obj) {
        return firstPageOfLeaf((int) objectWord(obj));
    }

    /**
     * The page after {@code p} in its object (in its leaf by index, then in the object's next
     * leaves), or {@link #NIL}. Removing {@code p} leaves the slot returned for it valid.
     */
    public int nextInObject(int p) {
        long back = pageChunks[p >>> CHUNK_SHIFT][(p & CHUNK_MASK) * PAGE_WORDS + BACK];
        int ref = (int) (back >>> 32);
        int bit = (int) back;
        long[] c = leafChunks[ref >>> LEAF_CHUNK_SHIFT];
        int b = ref & LEAF_CHUNK_MASK;
        long bits = c[b + L_BITS];
        long rest = bits & (-2L << bit);
        if (rest == 0) {
            return firstPageOfLeaf(nextOf(c[b + L_LINKS]));
        }
        boolean full = (int) c[b + L_OBJ] == FULL_CLASS;
        int at = Long.numberOfTrailingZeros(rest);
        int e = full ? at : Long.bitCount(bits & ((1L << at) - 1));
        return (int) c[b + HEADER + 2 * e + 1];
    }

    private int firstPageOfLeaf(int ref) {
        if (ref == NIL) {
            return NIL;
        }
        long[] c = leafChunks[ref >>> LEAF_CHUNK_SHIFT];
        int b = ref & LEAF_CHUNK_MASK;
        int e = (int) c[b + L_OBJ] == FULL_CLASS ? Long.numberOfTrailingZeros(c[b + L_BITS]) : 0;
        return (int) c[b + HEADER + 2 * e + 1];
    }

    /** Object slots whose pool is {@code poolSerial}. Caller holds the lock. */
    public int[] objectsOfPool(int poolSerial) {
        int[] found = new int[8];
        int n = 0;
        for (int o = 0; o < objectCapacity; o++) {
            long word = objectWord(o);
            if ((word >>> 32) > 0 && poolOfLeaf((int) word) == poolSerial) {
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
            if (pageChunks[p >>> CHUNK_SHIFT][(p & CHUNK_MASK) * PAGE_WORDS + BACK] != FREE && client(p) == client) {
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
        int client = client(p);
        long[] r = pageChunks[p >>> CHUNK_SHIFT];
        int b = (p & CHUNK_MASK) * PAGE_WORDS;
        ensureClient(client);
        int head = lruHead[client];
        r[b + STAMP] = (long) stamp << 32;
        r[b + LRU] = links(NIL, head);
        if (head == NIL) {
            lruTail[client] = p;
            tailStamp[client] = stamp;
        } else {
            setPrev(head, p);
        }
        lruHead[client] = p;
    }

    /** Takes the page off its client's list. Caller holds the lock; the page is on a list. */
    public void lruUnlink(int p) {
        int client = client(p);
        long[] r = pageChunks[p >>> CHUNK_SHIFT];
        int b = (p & CHUNK_MASK) * PAGE_WORDS;
        int prev = prevOf(r[b + LRU]), next = nextOf(r[b + LRU]);
        if (prev == NIL) {
            lruHead[client] = next;
        } else {
            setNext(prev, next);
        }
        if (next == NIL) {
            lruTail[client] = prev;
            if (prev != NIL) {
                tailStamp[client] = stamp(prev);
            }
        } else {
            setPrev(next, prev);
        }
        r[b + LRU] = links(NOT_LINKED, NIL);
    }

    public boolean lruLinked(int p) {
        return prevOf(pageChunks[p >>> CHUNK_SHIFT][(p & CHUNK_MASK) * PAGE_WORDS + LRU]) != NOT_LINKED;
    }

    /** The page's more recently used neighbour, or {@link #NIL}; for tests. */
    int lruPrevForTest(int p) {
        return prevOf(pageChunks[p >>> CHUNK_SHIFT][(p & CHUNK_MASK) * PAGE_WORDS + LRU]);
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

    /** Sets the prev half of page {@code p}'s LRU links. */
    private void setPrev(int p, int prev) {
        long[] r = pageChunks[p >>> CHUNK_SHIFT];
        int i = (p & CHUNK_MASK) * PAGE_WORDS + LRU;
        r[i] = links(prev, nextOf(r[i]));
    }

    /** Sets the next half of page {@code p}'s LRU links. */
    private void setNext(int p, int next) {
        long[] r = pageChunks[p >>> CHUNK_SHIFT];
        int i = (p & CHUNK_MASK) * PAGE_WORDS + LRU;
        r[i] = links(prevOf(r[i]), next);
    }

    private void setLeafPrev(int ref, int prev) {
        long[] c = leafChunks[ref >>> LEAF_CHUNK_SHIFT];
        int i = (ref & LEAF_CHUNK_MASK) + L_LINKS;
        c[i] = links(prev, nextOf(c[i]));
    }

    private void setLeafNext(int ref, int next) {
        long[] c = leafChunks[ref >>> LEAF_CHUNK_SHIFT];
        int i = (ref & LEAF_CHUNK_MASK) + L_LINKS;
        c[i] = links(prevOf(c[i]), next);
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

    private static long back(int ref, int bit) {
        return ((long) ref << 32) | bit;
    }

    private static long info(int client, int p) {
        return ((long) (client & 0xFFFF) << 32) | (p & 0xFFFF_FFFFL);
    }

    // =========================================================================================
    // Accounting
    // =========================================================================================

    /** Bytes of heap this stripe's arrays hold (array headers excluded), spare capacity included. */
    public long metadataBytes() {
        long leafWords = 0;
        for (long[] chunk : leafChunks) {
            leafWords += chunk.length;
        }
        return 8L * (PAGE_WORDS * (long) pageCapacity + OBJECT_WORDS * (long) objectCapacity + leafWords)
                + 8L * leafIndex.length + 4L * objectIndex.length
                + 12L * lruHead.length;
    }

    // =========================================================================================
    // Slot and block allocation
    // =========================================================================================

    private int allocPage() {
        if (pageFree == NIL) {
            pageChunks = growPages(pageChunks, pageCapacity, pageFree);
            pageFree = pageCapacity;
            pageCapacity += CHUNK;
        }
        int p = pageFree;
        pageFree = nextOf(pageChunks[p >>> CHUNK_SHIFT][(p & CHUNK_MASK) * PAGE_WORDS + LRU]);
        return p;
    }

    /** Adds a chunk of free page records at slot {@code base}, threaded into a list ending in {@code tail}. */
    private static long[][] growPages(long[][] chunks, int base, int tail) {
        long[][] grown = Arrays.copyOf(chunks, chunks.length + 1);
        long[] r = new long[CHUNK * PAGE_WORDS];
        for (int k = 0; k < CHUNK; k++) {
            r[k * PAGE_WORDS + BACK] = FREE;
            r[k * PAGE_WORDS + LRU] = links(NOT_LINKED, k < CHUNK - 1 ? base + k + 1 : tail);
        }
        grown[chunks.length] = r;
        return grown;
    }

    /** Adds a chunk of free object records at slot {@code base}, linked through their first-leaf half. */
    private static long[][] growObjects(long[][] chunks, int base, int tail) {
        long[][] grown = Arrays.copyOf(chunks, chunks.length + 1);
        long[] r = new long[CHUNK * OBJECT_WORDS];
        for (int k = 0; k < CHUNK; k++) {
            r[k * OBJECT_WORDS] = (k < CHUNK - 1 ? base + k + 1 : tail) & 0xFFFF_FFFFL;
        }
        grown[chunks.length] = r;
        return grown;
    }

    private static int blockWords(int cls) {
        return HEADER + (2 << cls);
    }

    /**
     * A block for a leaf of class {@code cls}: from the class's free list, else carved at
     * {@link #leafTop}, growing the first chunk (by doubling) or adding a chunk when it does not fit.
     */
    private int allocLeaf(int cls) {
        int ref = leafFree[cls];
        if (ref != NIL) {
            leafFree[cls] = (int) leafChunks[ref >>> LEAF_CHUNK_SHIFT][ref & LEAF_CHUNK_MASK];
            return ref;
        }
        int words = blockWords(cls);
        int chunk = leafTop >>> LEAF_CHUNK_SHIFT;
        int offset = leafTop & LEAF_CHUNK_MASK;
        if (chunk == leafChunks.length) { // no chunk yet at the top
            if (chunk >= (1 << (31 - LEAF_CHUNK_SHIFT)) - 1) { // refs + 1 stay below the cells' flag bit
                throw new IllegalStateException("leaf storage of a stripe is full");
            }
            leafChunks = Arrays.copyOf(leafChunks, chunk + 1);
            leafChunks[chunk] = new long[chunk == 0 ? FIRST_LEAF_CHUNK : LEAF_CHUNK];
        }
        long[] c = leafChunks[chunk];
        if (offset + words > c.length) {
            if (c.length < LEAF_CHUNK) {
                leafChunks[chunk] = Arrays.copyOf(c, Math.min(LEAF_CHUNK, Math.max(c.length * 2, offset + words)));
            } else { // the rest of this chunk is too short: leave it unused, carve from a new chunk
                leafTop = (chunk + 1) << LEAF_CHUNK_SHIFT;
                return allocLeaf(cls);
            }
        }
        ref = leafTop;
        leafTop += words;
        return ref;
    }

    private void freeBlock(int ref, int cls) {
        leafChunks[ref >>> LEAF_CHUNK_SHIFT][ref & LEAF_CHUNK_MASK] = leafFree[cls];
        leafFree[cls] = ref;
    }

    // =========================================================================================
    // Leaf index: cell = hash's high 32 bits | full flag (1 bit) | leaf ref + 1 (31 bits), 0 = empty
    // =========================================================================================

    /** Inserts the cell of a new leaf (of class 0: not positional). */
    private static void insertLeafCell(long[] table, long hash, int ref) {
        int i = position(hash, table.length);
        while (table[i] != 0) {
            i = next(i, table.length);
        }
        table[i] = (hash & HI) | (ref + 1L);
    }

    private void replaceLeafCell(long hash, int ref, int to, boolean full) {
        long[] table = leafIndex;
        int i = position(hash, table.length);
        while (refOf(table[i]) != ref) {
            i = next(i, table.length);
        }
        table[i] = (hash & HI) | (full ? FULL_CELL : 0) | (to + 1L);
    }

    private static int refOf(long cell) {
        return ((int) cell & ~(int) FULL_CELL) - 1;
    }

    /** Removes {@code ref}'s cell and shifts later cells of the probe run back (no tombstones). */
    private static void deleteLeafCell(long[] table, long hash, int ref) {
        int n = table.length;
        int i = position(hash, n);
        while (refOf(table[i]) != ref) {
            i = next(i, n);
        }
        int hole = i;
        for (int j = next(hole, n); table[j] != 0; j = next(j, n)) {
            int home = position(table[j], n); // the cell keeps its hash's high half: no leaf read
            if (!staysPut(hole, home, j)) {
                table[hole] = table[j];
                hole = j;
            }
        }
        table[hole] = 0;
    }

    private static long[] rehashLeaves(long[] old, int size) {
        long[] table = new long[size];
        for (long cell : old) {
            if (cell != 0) {
                int i = position(cell, size);
                while (table[i] != 0) {
                    i = next(i, size);
                }
                table[i] = cell;
            }
        }
        return table;
    }

    private long leafHashOf(long[] c, int b) {
        return leafHash(objectHashOfLeaf(c, b), (int) c[b + L_KEY] << LEAF_SPAN_SHIFT);
    }

    /** The hash of the object of the leaf at {@code c[b]}. */
    private static long objectHashOfLeaf(long[] c, int b) {
        return objectHash((int) (c[b + L_KEY] >>> 32), c[b + L_W0], c[b + L_W1], c[b + L_W2]);
    }

    private int poolOfLeaf(int ref) {
        return (int) (leafChunks[ref >>> LEAF_CHUNK_SHIFT][(ref & LEAF_CHUNK_MASK) + L_KEY] >>> 32);
    }

    /** The leaf's key word: pool serial and the page index's span (index / 64). */
    private static long leafKey(int poolSerial, int index) {
        return ((long) poolSerial << 32) | (index >>> LEAF_SPAN_SHIFT);
    }

    /** The hash of the leaf holding page {@code index} of an object of hash {@code objectHash}. */
    private static long leafHash(long objectHash, int index) {
        return mix(objectHash ^ 0x9E37_79B9_7F4A_7C15L * (index >>> LEAF_SPAN_SHIFT));
    }

    // =========================================================================================
    // Object index: cell = fingerprint (8 bits) | slot + 1 (24 bits), 0 = empty
    // =========================================================================================

    /** The object's word: leaf count (high half), first leaf ref (low half; the free link when free). */
    private long objectWord(int o) {
        return objectChunks[o >>> CHUNK_SHIFT][(o & CHUNK_MASK) * OBJECT_WORDS];
    }

    /** The hash of a live object, from the key of its first leaf. */
    private long objectHashOfSlot(int o) {
        int first = (int) objectWord(o);
        return objectHashOfLeaf(leafChunks[first >>> LEAF_CHUNK_SHIFT], first & LEAF_CHUNK_MASK);
    }

    private static void insertObjectCell(int[] table, long hash, int slot) {
        int i = position(hash, table.length);
        while (table[i] != 0) {
            i = next(i, table.length);
        }
        table[i] = fingerprint(hash) | (slot + 1);
    }

    /** Removes {@code slot}'s cell and shifts later cells of the probe run back (no tombstones). */
    private void deleteObjectCell(int[] table, long hash, int slot) {
        int n = table.length;
        int i = position(hash, n);
        while ((table[i] & SLOT_MASK) != slot + 1) {
            i = next(i, n);
        }
        int hole = i;
        for (int j = next(hole, n); table[j] != 0; j = next(j, n)) {
            int home = position(objectHashOfSlot((table[j] & SLOT_MASK) - 1), n);
            if (!staysPut(hole, home, j)) {
                table[hole] = table[j];
                hole = j;
            }
        }
        table[hole] = 0;
    }

    private int[] rehashObjects(int[] old, int size) {
        int[] table = new int[size];
        for (int cell : old) {
            if (cell != 0) {
                int slot = (cell & SLOT_MASK) - 1;
                insertObjectCell(table, objectHashOfSlot(slot), slot);
            }
        }
        return table;
    }

    // =========================================================================================
    // Hashing and probing
    // =========================================================================================

    /** Whether the cell at {@code j}, whose home is {@code home}, must stay: home lies cyclically in (hole, j]. */
    private static boolean staysPut(int hole, int home, int j) {
        return hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
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
