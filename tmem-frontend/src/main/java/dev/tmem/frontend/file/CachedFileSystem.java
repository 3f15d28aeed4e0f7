package dev.tmem.frontend.file;

import dev.tmem.core.ObjectId;
import dev.tmem.core.PoolSpec;
import dev.tmem.frontend.Cleancache;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/**
 * A "filesystem" of real files read and written through {@link CachedFileChannel}s: each open file
 * has a small bounded page buffer in this process, and clean pages evicted from it go to
 * cleancache, so a re-read finds them there instead of in the file. The cleancache filesystem is
 * mounted ({@link Cleancache#initFs}) when the first file opens and unmounted by {@link #close()}.
 *
 * <p><b>Contract.</b> Reads and writes through the channels give exactly what a plain
 * {@link FileChannel} gives, provided the files are changed only through channels of this object
 * while any is open (a change made behind its back is not seen by pages it has cached). Two
 * channels on the same file share its buffer.
 *
 * <p><b>Keys.</b> An open file is keyed by its real path; its cleancache key is a fresh object id
 * taken when it is first opened, and every page of it is invalidated when its last channel closes,
 * so a key never outlives its file's openness.
 */
public final class CachedFileSystem implements AutoCloseable {

    private final Cleancache cleancache;
    private final int pageSize;
    private final int bufferPages;
    /** Guarded by this. */
    private final Map<Path, CachedFile> open = new HashMap<>();
    /** Guarded by this. */
    private long nextKey;
    /** The cleancache filesystem id, or -1 before the first open; written under this. */
    private volatile int fs = -1;
    /** Guarded by this. */
    private boolean closed;

    final LongAdder bufferHits = new LongAdder();
    final LongAdder cleancacheHits = new LongAdder();
    final LongAdder fileReads = new LongAdder();

    /**
     * @param pageSize the page size (a power of two from 4096 to 65536)
     * @param bufferPages pages each open file keeps in this process (at least 1)
     */
    public CachedFileSystem(Cleancache cleancache, int pageSize, int bufferPages) {
        this.cleancache = Objects.requireNonNull(cleancache, "cleancache");
        PoolSpec.ephemeral(pageSize); // checks the page size
        if (bufferPages < 1) {
            throw new IllegalArgumentException("bufferPages must be >= 1, was " + bufferPages);
        }
        this.pageSize = pageSize;
        this.bufferPages = bufferPages;
    }

    /**
     * Opens {@code path} like {@link FileChannel#open(Path, OpenOption...)} (READ, WRITE, APPEND,
     * CREATE, CREATE_NEW, TRUNCATE_EXISTING, SYNC, DSYNC), with reads and writes going through this
     * filesystem's cache.
     *
     * @throws IllegalStateException if this filesystem is closed
     */
    public CachedFileChannel open(Path path, OpenOption... options) throws IOException {
        Objects.requireNonNull(path, "path");
        Set<OpenOption> opts = new LinkedHashSet<>(java.util.Arrays.asList(options));
        boolean append = opts.remove(StandardOpenOption.APPEND);
        if (append) {
            opts.add(StandardOpenOption.WRITE);
        }
        boolean truncate = opts.contains(StandardOpenOption.TRUNCATE_EXISTING)
                && opts.contains(StandardOpenOption.WRITE);
        FileChannel ch = FileChannel.open(path, opts.toArray(OpenOption[]::new));
        boolean success = false;
        try {
            CachedFile file;
            synchronized (this) {
                if (closed) {
                    throw new IllegalStateException("cached filesystem is closed");
                }
                if (fs < 0) {
                    fs = cleancache.initFs(pageSize); // mounted on the first open
                }
                Path real = path.toRealPath();
                file = open.get(real);
                if (file == null) {
                    file = new CachedFile(this, real, ObjectId.of(nextKey++));
                    open.put(real, file);
                }
                file.channels++;
            }
            if (truncate) {
                file.truncated(0);
            }
            success = true;
            return new CachedFileChannel(file, ch, append);
        } finally {
            if (!success) {
                ch.close();
            }
        }
    }

    /** Called by each channel of {@code file} as it closes. Never takes a file's lock under this monitor. */
    void release(CachedFile file) {
        boolean last;
        synchronized (this) {
            last = --file.channels == 0;
            if (last) {
                open.remove(file.path);
            }
        }
        if (last) {
            file.dropAll();
        }
    }

    /**
     * Unmounts: cleancache forgets the filesystem and its pages; later opens fail. Idempotent.
     *
     * @throws IllegalStateException if a channel is still open; nothing changes
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        if (!open.isEmpty()) {
            throw new IllegalStateException("cached filesystem has open files: " + open.keySet());
        }
        closed = true;
        if (fs >= 0) {
            cleancache.invalidateFs(fs);
            fs = -1;
        }
    }

    Cleancache cleancache() {
        return cleancache;
    }

    /** The cleancache filesystem id, or -1 before the first open; fixed while any file is open. */
    int fsId() {
        return fs;
    }

    int pageSize() {
        return pageSize;
    }

    int bufferPages() {
        return bufferPages;
    }

    /** Reads served from a file's buffer. */
    public long bufferHits() {
        return bufferHits.sum();
    }

    /** Pages found in cleancache. */
    public long cleancacheHits() {
        return cleancacheHits.sum();
    }

    /** Pages read from the files. */
    public long fileReads() {
        return fileReads.sum();
    }
}
