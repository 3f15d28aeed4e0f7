package dev.tmem.frontend;

import dev.tmem.core.ObjectId;
import dev.tmem.core.PageIndex;
import dev.tmem.core.PoolSpec;
import dev.tmem.frontend.internal.Attachment;
import dev.tmem.frontend.internal.Binding;
import dev.tmem.frontend.spi.TmemBackend;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * cleancache: clean file pages kept in a backend's ephemeral pools, a second-chance cache behind a
 * program's own page cache ({@code SEMANTICS.md} section 3). A filesystem is one pool ({@link #initFs},
 * or {@link #initSharedFs} for a clustered one, shared by uuid); a file key (up to 192 bits: an inode
 * number, a file handle) is the object id and the page offset the index.
 *
 * <p><b>Contract.</b> A put always "succeeds" for the caller, and a later get may still miss (the
 * backend may drop or evict the page). A get returns exactly the bytes of the last put of that page
 * or misses; a hit removes the page from a private filesystem (the caller now holds it in its own
 * cache) and leaves it in a shared one. The caller invalidates a page whenever its file page
 * changes, so the cache never holds a page older than the file.
 *
 * <p><b>Lazy initialization</b> (section 5). Filesystems initialized with no backend get an id at
 * once and are remembered: gets miss, puts are dropped, invalidations do nothing.
 * {@link #register} replays every remembered filesystem into the backend (a pool each) and only
 * then publishes it. {@link #unregister} drains operations in flight, drops every page (destroys
 * the pools) and returns to the no-backend state. Filesystem ids are never reused.
 *
 * <h2>Implementation notes</h2>
 *
 * <p><b>Concurrency.</b> {@code lifecycleLock} serializes {@link #initFs}, {@link #invalidateFs},
 * {@link #register} and {@link #unregister}; page operations take no lock of ours: they read the
 * published binding (volatile), the filesystem's {@link Attachment} (volatile) and use it only if
 * it belongs to that binding and they could enter it. Destroying a pool first closes and drains its
 * attachment, so no operation reaches a pool after its destroy (whose id the backend may reuse).
 */
public final class Cleancache {

    private final ReentrantLock lifecycleLock = new ReentrantLock();
    private final ConcurrentHashMap<Integer, Fs> filesystems = new ConcurrentHashMap<>();
    /** Guarded by lifecycleLock. */
    private int nextFsId;
    /** The published backend, or null; written under lifecycleLock, after replay. */
    private volatile Binding current;

    private final LongAdder succGets = new LongAdder();
    private final LongAdder failedGets = new LongAdder();
    private final LongAdder puts = new LongAdder();
    private final LongAdder putsNoBackend = new LongAdder();
    private final LongAdder invalidates = new LongAdder();
    private final LongAdder backendErrors = new LongAdder();
    private final LongAdder replayFailures = new LongAdder();

    /** Cleancache with no filesystems and no backend. */
    public Cleancache() {}

    // ---------------------------------------------------------------------------------------------
    // Filesystems
    // ---------------------------------------------------------------------------------------------

    /**
     * Initializes a filesystem (at mount) whose pages are {@code pageSize} bytes.
     *
     * @return the filesystem's id, valid until {@link #invalidateFs}
     * @throws IllegalArgumentException if {@code pageSize} is not a power of two from 4096 to 65536
     */
    public int initFs(int pageSize) {
        return mount(PoolSpec.ephemeral(pageSize));
    }

    /**
     * Initializes a clustered filesystem: every filesystem initialized with the same {@code uuid} (in
     * this process or, with a shared backend, in others) shares one pool.
     */
    public int initSharedFs(UUID uuid, int pageSize) {
        return mount(PoolSpec.shared(Objects.requireNonNull(uuid, "uuid"), pageSize));
    }

    private int mount(PoolSpec spec) {
        lifecycleLock.lock();
        try {
            if (nextFsId == Integer.MAX_VALUE) {
                throw new IllegalStateException("filesystem ids exhausted");
            }
            Fs fs = new Fs(nextFsId++, spec);
            Binding b = current;
            if (b != null) {
                attach(fs, b);
            }
            filesystems.put(fs.id, fs);
            return fs.id;
        } finally {
            lifecycleLock.unlock();
        }
    }

    /**
     * Forgets a filesystem (at unmount), with or without a backend; its pages are dropped and later
     * calls with its id fail.
     *
     * @throws IllegalArgumentException if {@code fs} is not an initialized filesystem
     */
    public void invalidateFs(int fs) {
        lifecycleLock.lock();
        try {
            Fs f = filesystems.remove(fs);
            if (f == null) {
                throw unknownFs(fs);
            }
            detach(f);
        } finally {
            lifecycleLock.unlock();
        }
    }

    /** The initialized filesystems' ids, in increasing order. */
    public List<Integer> filesystems() {
        return filesystems.keySet().stream().sorted().toList();
    }

    /** The page size of filesystem {@code fs}. */
    public int pageSize(int fs) {
        return fs(fs).spec.pageSize();
    }

    // ---------------------------------------------------------------------------------------------
    // Pages
    // ---------------------------------------------------------------------------------------------

    /**
     * Copies the cached page of ({@code key}, {@code index}) into {@code dst}.
     *
     * @param dst exactly the filesystem's page size
     * @return {@code true} on a hit; on a miss {@code dst} is unchanged, unless the backend failed
     *     during the copy (counted in {@code backendErrors})
     */
    public boolean getPage(int fs, ObjectId key, long index, MemorySegment dst) {
        Fs f = fs(fs);
        check(f, key, index, dst, "dst");
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("dst is read-only");
        }
        Attachment att = enter(f);
        if (att == null) {
            failedGets.increment();
            return false;
        }
        boolean hit;
        try {
            hit = att.binding.backend.getPage(att.pool, key, index, dst, false);
        } catch (RuntimeException e) {
            backendErrors.increment();
            hit = false;
        } finally {
            att.exit();
        }
        (hit ? succGets : failedGets).increment();
        return hit;
    }

    /**
     * Offers a clean page to the cache; the caller may reuse {@code page} at once. Never fails for
     * the caller: with no backend, or a backend that cannot keep it, the page is dropped (and any
     * older copy with it).
     */
    public void putPage(int fs, ObjectId key, long index, MemorySegment page) {
        Fs f = fs(fs);
        check(f, key, index, page, "page");
        Attachment att = enter(f);
        if (att == null) {
            putsNoBackend.increment();
            return;
        }
        try {
            att.binding.backend.putPage(att.pool, key, index, page);
        } catch (RuntimeException e) {
            backendErrors.increment();
            flushPageQuietly(att, key, index);
        } finally {
            att.exit();
        }
        puts.increment();
    }

    /** Drops the cached page of ({@code key}, {@code index}), if any (its file page changed). */
    public void invalidatePage(int fs, ObjectId key, long index) {
        Fs f = fs(fs);
        Objects.requireNonNull(key, "key");
        PageIndex.check(index);
        Attachment att = enter(f);
        if (att == null) {
            return;
        }
        try {
            att.binding.backend.flushPage(att.pool, key, index);
        } catch (RuntimeException e) {
            backendErrors.increment();
        } finally {
            att.exit();
        }
        invalidates.increment();
    }

    /** Drops every cached page of file {@code key} (truncated, deleted, closed). */
    public void invalidateInode(int fs, ObjectId key) {
        Fs f = fs(fs);
        Objects.requireNonNull(key, "key");
        Attachment att = enter(f);
        if (att == null) {
            return;
        }
        try {
            att.binding.backend.flushObject(att.pool, key);
        } catch (RuntimeException e) {
            backendErrors.increment();
        } finally {
            att.exit();
        }
        invalidates.increment();
    }

    // ---------------------------------------------------------------------------------------------
    // Backends
    // ---------------------------------------------------------------------------------------------

    /**
     * Registers {@code backend}: a registered one is unregistered first (its pages dropped); then
     * every initialized filesystem gets a pool in {@code backend}, and only then do operations reach
     * it.
     *
     * @return the previous backend (not closed), or {@code null}
     * @throws IllegalStateException if {@code backend} is the registered one
     */
    public TmemBackend register(TmemBackend backend) {
        Objects.requireNonNull(backend, "backend");
        lifecycleLock.lock();
        try {
            Binding prev = current;
            if (prev != null && prev.backend == backend) {
                throw new IllegalStateException("backend " + backend.name() + " is already registered with cleancache");
            }
            if (prev != null) {
                detachAll();
            }
            Binding b = new Binding(backend);
            for (Fs f : sortedFilesystems()) {
                attach(f, b);
            }
            current = b; // publish after replay
            return prev == null ? null : prev.backend;
        } finally {
            lifecycleLock.unlock();
        }
    }

    /**
     * Unregisters the backend: operations in flight drain, every cached page is dropped (the pools
     * destroyed); cleancache is then as if no backend had registered (filesystems stay remembered).
     * The backend is returned, not closed.
     *
     * @throws IllegalStateException if no backend is registered
     */
    public TmemBackend unregister() {
        lifecycleLock.lock();
        try {
            Binding b = current;
            if (b == null) {
                throw new IllegalStateException("no backend is registered with cleancache");
            }
            detachAll();
            return b.backend;
        } finally {
            lifecycleLock.unlock();
        }
    }

    /** The registered backend, or {@code null}. */
    public TmemBackend backend() {
        Binding b = current;
        return b == null ? null : b.backend;
    }

    public CleancacheStats stats() {
        return new CleancacheStats(succGets.sum(), failedGets.sum(), puts.sum(), putsNoBackend.sum(),
                invalidates.sum(), backendErrors.sum(), replayFailures.sum(), filesystems.size());
    }

    // ---------------------------------------------------------------------------------------------
    // Internals
    // ---------------------------------------------------------------------------------------------

    /** The filesystem's attachment to the published backend, entered; or null for the no-backend path. */
    private Attachment enter(Fs f) {
        Binding b = current;
        if (b == null) {
            return null;
        }
        Attachment att = f.attachment;
        if (att == null || att.binding != b || !att.enter()) {
            return null;
        }
        return att;
    }

    /** Caller holds lifecycleLock. */
    private void detachAll() {
        current = null;
        for (Fs f : sortedFilesystems()) {
            detach(f);
        }
    }

    /** Caller holds lifecycleLock. */
    private void detach(Fs f) {
        Attachment att = f.attachment;
        if (att == null) {
            return;
        }
        att.closeAndDrain();
        f.attachment = null;
        try {
            att.binding.backend.destroyPool(att.pool);
        } catch (RuntimeException e) {
            backendErrors.increment();
        }
    }

    /** Caller holds lifecycleLock. */
    private void attach(Fs f, Binding b) {
        try {
            f.attachment = new Attachment(b, b.backend.newPool(f.spec));
        } catch (RuntimeException e) {
            replayFailures.increment();
        }
    }

    private void flushPageQuietly(Attachment att, ObjectId key, long index) {
        try {
            att.binding.backend.flushPage(att.pool, key, index);
        } catch (RuntimeException e) {
            backendErrors.increment();
        }
    }

    private List<Fs> sortedFilesystems() {
        List<Fs> list = new ArrayList<>(filesystems.values());
        list.sort((x, y) -> Integer.compare(x.id, y.id));
        return list;
    }

    private Fs fs(int fs) {
        Fs f = filesystems.get(fs);
        if (f == null) {
            throw unknownFs(fs);
        }
        return f;
    }

    private static IllegalArgumentException unknownFs(int fs) {
        return new IllegalArgumentException("fs " + fs + " is not an initialized filesystem (no initFs, or invalidateFs since)");
    }

    private static void check(Fs f, ObjectId key, long index, MemorySegment page, String what) {
        Objects.requireNonNull(key, "key");
        PageIndex.check(index);
        Objects.requireNonNull(page, what);
        if (page.byteSize() != f.spec.pageSize()) {
            throw new IllegalArgumentException(what + " must be " + f.spec.pageSize() + " bytes (the page size of fs "
                    + f.id + "), was " + page.byteSize());
        }
    }

    /** One filesystem: its pool spec and its pool in the current backend. */
    private static final class Fs {
        final int id;
        final PoolSpec spec;
        /** The pool in the current backend, or null; written under lifecycleLock. */
        volatile Attachment attachment;

        Fs(int id, PoolSpec spec) {
            this.id = id;
            this.spec = spec;
        }
    }
}
