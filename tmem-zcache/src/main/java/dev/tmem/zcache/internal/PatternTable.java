package dev.tmem.zcache.internal;

import java.util.concurrent.locks.ReentrantLock;

/**
 * Same-filled pages whose pattern does not fit in a handle: an entry each (the pattern in word 0),
 * no slab memory. Guarded by its own lock.
 */
public final class PatternTable {

    private final ReentrantLock lock = new ReentrantLock();
    private final EntryTable entries = new EntryTable();

    /** A new entry for {@code pattern} of a page of {@code pageCode}. */
    public int add(long pattern, int pageCode) {
        lock.lock();
        try {
            int e = entries.allocate();
            entries.set(e, pattern, EntryLayout.word1(EntryLayout.KIND_PATTERN, pageCode, 0, false, 0));
            return e;
        } finally {
            lock.unlock();
        }
    }

    /** The pattern of entry {@code e}; throws {@link IllegalStateException} if it is not live. */
    public long pattern(int e) {
        lock.lock();
        try {
            check(e);
            return entries.word0(e);
        } finally {
            lock.unlock();
        }
    }

    /** The page code of live entry {@code e}. */
    public int pageCode(int e) {
        lock.lock();
        try {
            return EntryLayout.pageCode(check(e));
        } finally {
            lock.unlock();
        }
    }

    public void remove(int e) {
        lock.lock();
        try {
            check(e);
            entries.free(e);
        } finally {
            lock.unlock();
        }
    }

    public int size() {
        lock.lock();
        try {
            return entries.live();
        } finally {
            lock.unlock();
        }
    }

    private long check(int e) {
        long w1 = entries.inRange(e) ? entries.word1(e) : 0L;
        if (EntryLayout.kind(w1) != EntryLayout.KIND_PATTERN) {
            throw new IllegalStateException("no same-filled page at pattern entry " + e + " (a freed or foreign handle)");
        }
        return w1;
    }
}
