package dev.tmem.frontend.file;

import dev.tmem.core.ObjectId;
import dev.tmem.frontend.Cleancache;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One open file's cache state, shared by its channels: the page buffer (clean pages, identical to
 * the file) and its cleancache key.
 *
 * <p><b>Concurrency.</b> {@link #lock} serializes every read, write and truncate of the file through
 * any of its channels with the buffer and cleancache updates they make, so a page in the buffer or
 * in cleancache is always the file's current content.
 */
final class CachedFile {

    final CachedFileSystem owner;
    final Path path;
    final ObjectId key;
    final ReentrantLock lock = new ReentrantLock();
    /** Guarded by owner. */
    int channels;
    /** Page index -> page bytes, least recently used first. Guarded by lock. */
    private final LinkedHashMap<Long, byte[]> buffer = new LinkedHashMap<>(16, 0.75f, true);

    CachedFile(CachedFileSystem owner, Path path, ObjectId key) {
        this.owner = owner;
        this.path = path;
        this.key = key;
    }

    /** Caller holds lock. The buffered page, or one found in cleancache (then buffered); else null. */
    byte[] cachedPage(long index) {
        byte[] p = buffer.get(index);
        if (p != null) {
            owner.bufferHits.increment();
            return p;
        }
        int fs = owner.fsId();
        if (fs < 0) {
            return null;
        }
        byte[] page = new byte[owner.pageSize()];
        if (owner.cleancache().getPage(fs, key, index, MemorySegment.ofArray(page))) {
            owner.cleancacheHits.increment();
            buffer(index, page);
            return page;
        }
        return null;
    }

    /** Caller holds lock. Buffers a clean page; the least recently used one goes to cleancache. */
    void buffer(long index, byte[] page) {
        buffer.put(index, page);
        if (buffer.size() > owner.bufferPages()) {
            Iterator<Map.Entry<Long, byte[]>> it = buffer.entrySet().iterator();
            Map.Entry<Long, byte[]> eldest = it.next();
            it.remove();
            int fs = owner.fsId();
            if (fs >= 0) {
                owner.cleancache().putPage(fs, key, eldest.getKey(), MemorySegment.ofArray(eldest.getValue()));
            }
        }
    }

    /** Caller holds lock. Pages {@code first} to {@code last} changed in the file. */
    void changed(long first, long last) {
        int fs = owner.fsId();
        for (long i = first; i <= last; i++) {
            buffer.remove(i);
            if (fs >= 0) {
                owner.cleancache().invalidatePage(fs, key, i);
            }
        }
    }

    /** The file was truncated to {@code size}: every page from the one holding {@code size} on is stale. */
    void truncated(long size) {
        lock.lock();
        try {
            long boundary = size / owner.pageSize();
            buffer.keySet().removeIf(i -> i >= boundary);
            invalidateInode();
        } finally {
            lock.unlock();
        }
    }

    /** The last channel closed: the file's pages leave the buffer and cleancache. */
    void dropAll() {
        lock.lock();
        try {
            buffer.clear();
            invalidateInode();
        } finally {
            lock.unlock();
        }
    }

    private void invalidateInode() {
        int fs = owner.fsId();
        if (fs >= 0) {
            Cleancache cc = owner.cleancache();
            cc.invalidateInode(fs, key);
        }
    }
}
