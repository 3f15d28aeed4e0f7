package dev.tmem.frontend.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.Objects;

/**
 * A {@link FileChannel} whose reads go through a small page buffer, then cleancache, then the file,
 * and whose writes go to the file at once (write-through) and invalidate the pages they touch.
 * Opened by {@link CachedFileSystem#open}.
 *
 * <p><b>Contract.</b> Every read, write, truncate and size gives exactly what a plain
 * {@code FileChannel} on the same file gives (see {@link CachedFileSystem} for the condition).
 * {@link #map} is not supported (a mapping would bypass the cache); locks are the underlying
 * channel's.
 *
 * <p><b>Concurrency.</b> Thread-safe: each operation holds its file's lock (see {@link CachedFile});
 * the position is this channel's own.
 */
public final class CachedFileChannel extends FileChannel {

    private final CachedFile file;
    private final FileChannel ch;
    private final boolean append;
    private final int ps;
    /** Guarded by file.lock. */
    private long position;
    /** Whether the underlying channel reads / writes: 0 unknown, 1 yes, -1 no (found on first use). */
    private volatile int readable;
    private volatile int writable;

    CachedFileChannel(CachedFile file, FileChannel ch, boolean append) {
        this.file = file;
        this.ch = ch;
        this.append = append;
        this.ps = file.owner.pageSize();
    }

    // ---------------------------------------------------------------------------------------------
    // Positional
    // ---------------------------------------------------------------------------------------------

    @Override
    public int read(ByteBuffer dst, long pos) throws IOException {
        Objects.requireNonNull(dst, "dst");
        if (pos < 0) {
            throw new IllegalArgumentException("position must be >= 0, was " + pos);
        }
        ensureOpen();
        file.lock.lock();
        try {
            return readLocked(dst, pos);
        } finally {
            file.lock.unlock();
        }
    }

    @Override
    public int write(ByteBuffer src, long pos) throws IOException {
        Objects.requireNonNull(src, "src");
        if (pos < 0) {
            throw new IllegalArgumentException("position must be >= 0, was " + pos);
        }
        ensureOpen();
        file.lock.lock();
        try {
            return writeLocked(src, pos);
        } finally {
            file.lock.unlock();
        }
    }

    /** Caller holds file.lock. */
    private int readLocked(ByteBuffer dst, long pos) throws IOException {
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("read-only buffer");
        }
        checkReadable();
        long size = ch.size();
        if (!dst.hasRemaining()) {
            return 0;
        }
        if (pos >= size) {
            return -1;
        }
        int n = (int) Math.min(dst.remaining(), size - pos);
        int done = 0;
        while (done < n) {
            long at = pos + done;
            long index = at / ps;
            int off = (int) (at % ps);
            int len = Math.min(ps - off, n - done);
            dst.put(page(index), off, len);
            done += len;
        }
        return n;
    }

    /** Caller holds file.lock. The page's bytes as the file has them (zeros past its end). */
    private byte[] page(long index) throws IOException {
        byte[] p = file.cachedPage(index);
        if (p != null) {
            return p;
        }
        p = new byte[ps];
        ByteBuffer b = ByteBuffer.wrap(p);
        long at = index * ps;
        while (b.hasRemaining()) {
            int r = ch.read(b, at + b.position());
            if (r < 0) {
                break; // past the end: the rest stays zero, as a hole or a later extension reads
            }
        }
        file.owner.fileReads.increment();
        file.buffer(index, p);
        return p;
    }

    /** Caller holds file.lock. */
    private int writeLocked(ByteBuffer src, long pos) throws IOException {
        checkWritable();
        int n = src.remaining();
        if (n == 0) {
            return 0;
        }
        long at = pos;
        try {
            while (src.hasRemaining()) {
                at += ch.write(src, at);
            }
        } finally {
            if (at > pos) {
                file.changed(pos / ps, (at - 1) / ps);
            }
        }
        return n;
    }

    // ---------------------------------------------------------------------------------------------
    // Relative
    // ---------------------------------------------------------------------------------------------

    @Override
    public int read(ByteBuffer dst) throws IOException {
        Objects.requireNonNull(dst, "dst");
        ensureOpen();
        file.lock.lock();
        try {
            int n = readLocked(dst, position);
            if (n > 0) {
                position += n;
            }
            return n;
        } finally {
            file.lock.unlock();
        }
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, dsts.length);
        ensureOpen();
        file.lock.lock();
        try {
            long total = 0;
            for (int i = offset; i < offset + length; i++) {
                if (!dsts[i].hasRemaining()) {
                    continue;
                }
                int n = readLocked(dsts[i], position);
                if (n < 0) {
                    return total == 0 ? -1 : total;
                }
                position += n;
                total += n;
                if (dsts[i].hasRemaining()) {
                    break; // end of file
                }
            }
            return total;
        } finally {
            file.lock.unlock();
        }
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        Objects.requireNonNull(src, "src");
        ensureOpen();
        file.lock.lock();
        try {
            if (append) {
                position = ch.size();
            }
            int n = writeLocked(src, position);
            position += n;
            return n;
        } finally {
            file.lock.unlock();
        }
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, srcs.length);
        ensureOpen();
        file.lock.lock();
        try {
            if (append) {
                position = ch.size();
            }
            long total = 0;
            for (int i = offset; i < offset + length; i++) {
                int n = writeLocked(srcs[i], position);
                position += n;
                total += n;
            }
            return total;
        } finally {
            file.lock.unlock();
        }
    }

    @Override
    public long position() throws IOException {
        ensureOpen();
        file.lock.lock();
        try {
            return append ? ch.size() : position;
        } finally {
            file.lock.unlock();
        }
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        if (newPosition < 0) {
            throw new IllegalArgumentException("position must be >= 0, was " + newPosition);
        }
        ensureOpen();
        file.lock.lock();
        try {
            position = newPosition;
            return this;
        } finally {
            file.lock.unlock();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Size and the rest
    // ---------------------------------------------------------------------------------------------

    @Override
    public long size() throws IOException {
        ensureOpen();
        return ch.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
        if (size < 0) {
            throw new IllegalArgumentException("size must be >= 0, was " + size);
        }
        ensureOpen();
        checkWritable();
        file.lock.lock();
        try {
            if (size < ch.size()) {
                ch.truncate(size);
                file.truncated(size);
            }
            if (position > size) {
                position = size;
            }
            return this;
        } finally {
            file.lock.unlock();
        }
    }

    @Override
    public void force(boolean metaData) throws IOException {
        ensureOpen();
        ch.force(metaData);
    }

    @Override
    public long transferTo(long pos, long count, WritableByteChannel target) throws IOException {
        Objects.requireNonNull(target, "target");
        if (pos < 0 || count < 0) {
            throw new IllegalArgumentException("position and count must be >= 0, were " + pos + ", " + count);
        }
        ensureOpen();
        ByteBuffer b = ByteBuffer.allocate(ps);
        long done = 0;
        while (done < count) {
            b.clear().limit((int) Math.min(ps, count - done));
            int n = read(b, pos + done);
            if (n <= 0) {
                break;
            }
            b.flip();
            while (b.hasRemaining()) {
                target.write(b);
            }
            done += n;
        }
        return done;
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long pos, long count) throws IOException {
        Objects.requireNonNull(src, "src");
        if (pos < 0 || count < 0) {
            throw new IllegalArgumentException("position and count must be >= 0, were " + pos + ", " + count);
        }
        ensureOpen();
        ByteBuffer b = ByteBuffer.allocate(ps);
        long done = 0;
        while (done < count) {
            b.clear().limit((int) Math.min(ps, count - done));
            int n = src.read(b);
            if (n <= 0) {
                break;
            }
            b.flip();
            done += write(b, pos + done);
        }
        return done;
    }

    /** Not supported: a mapping would read and write the file behind the cache. */
    @Override
    public MappedByteBuffer map(MapMode mode, long pos, long size) {
        throw new UnsupportedOperationException("map would bypass the page cache; not supported by CachedFileChannel");
    }

    @Override
    public FileLock lock(long pos, long size, boolean shared) throws IOException {
        ensureOpen();
        return ch.lock(pos, size, shared);
    }

    @Override
    public FileLock tryLock(long pos, long size, boolean shared) throws IOException {
        ensureOpen();
        return ch.tryLock(pos, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
        try {
            ch.close();
        } finally {
            file.owner.release(file);
        }
    }

    private void ensureOpen() throws ClosedChannelException {
        if (!isOpen()) {
            throw new ClosedChannelException();
        }
    }

    private void checkReadable() throws IOException {
        // the underlying channel knows how it was opened: a zero-length read reveals it
        if (readable == 0) {
            try {
                ch.read(ByteBuffer.allocate(0), 0);
                readable = 1;
            } catch (NonReadableChannelException e) {
                readable = -1;
            }
        }
        if (readable < 0) {
            throw new NonReadableChannelException();
        }
    }

    private void checkWritable() throws IOException {
        if (writable == 0) {
            try {
                ch.write(ByteBuffer.allocate(0), 0);
                writable = 1;
            } catch (NonWritableChannelException e) {
                writable = -1;
            }
        }
        if (writable < 0) {
            throw new NonWritableChannelException();
        }
    }

    @Override
    public String toString() {
        return "CachedFileChannel[" + file.path + "]";
    }
}
