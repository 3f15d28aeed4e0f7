package dev.tmem.frontend.file;

import dev.tmem.frontend.Frontswap;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.BitSet;
import java.util.Objects;

/**
 * A swap area over a real file of page slots, with frontswap in front of it: {@link #swapOut} offers
 * the page to frontswap and writes it to its slot only when frontswap refuses it (or in
 * writethrough mode); {@link #swapIn} loads from frontswap or reads the slot; {@link #free}
 * invalidates; {@link #close()} is swapoff. Pages frontswap moves back ({@link Frontswap#shrink}, a
 * backend unload) land in their slots.
 *
 * <pre>
 *  file:  | slot 0 (pageSize bytes) | slot 1 | ... | slot n-1 |     slot s at byte s * pageSize
 * </pre>
 *
 * <p><b>Contract.</b> A slot holds the page of its last {@code swapOut} until {@link #free}:
 * {@code swapIn} returns exactly those bytes, whichever of frontswap and the file holds them, across
 * backend loads, unloads and replacements. With frontswap's exclusive gets a {@code swapIn} takes
 * the page out of the backend, so this class writes it to the slot before returning (the slot stays
 * valid).
 *
 * <p><b>Concurrency.</b> Thread-safe. The slot allocator is guarded by this object's monitor;
 * page I/O on distinct slots runs in parallel (positional reads and writes of one
 * {@link FileChannel}). A caller owns a slot from {@code swapOut} to {@code free} and must not
 * operate on one slot from two threads at once.
 */
public final class SwapFile implements AutoCloseable {

    private final Frontswap frontswap;
    private final int type;
    private final int pageSize;
    private final long slots;
    private final FileChannel channel;
    private final Path path;
    /** Guarded by this. */
    private final BitSet used = new BitSet();
    /** Guarded by this. */
    private int nextHint;
    private volatile boolean closed;

    private SwapFile(Frontswap frontswap, int type, Path path, FileChannel channel, long slots) {
        this.frontswap = frontswap;
        this.type = type;
        this.pageSize = frontswap.pageSize();
        this.slots = slots;
        this.channel = channel;
        this.path = path;
    }

    /**
     * Creates (or truncates) {@code path} as a swap file of {@code slots} slots of frontswap's page
     * size and swaps it on as area {@code type}.
     *
     * @throws IllegalArgumentException if {@code slots} is not 1 to 2<sup>31</sup> - 1
     * @throws IllegalStateException if area {@code type} is initialized already
     */
    public static SwapFile create(Path path, long slots, Frontswap frontswap, int type) throws IOException {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(frontswap, "frontswap");
        if (slots < 1 || slots > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("slots must be 1.." + Integer.MAX_VALUE + ", was " + slots);
        }
        FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        boolean success = false;
        try {
            SwapFile f = new SwapFile(frontswap, type, path, ch, slots);
            frontswap.init(type, f::writeSlot);
            success = true;
            return f;
        } finally {
            if (!success) {
                ch.close();
            }
        }
    }

    /**
     * Swaps a page out to a free slot.
     *
     * @return the slot
     * @throws IllegalStateException if every slot is in use, or the file is closed
     */
    public long swapOut(MemorySegment page) throws IOException {
        checkOpen();
        checkPage(page, "page");
        long slot = allocate();
        boolean success = false;
        try {
            if (!frontswap.store(type, slot, page)) {
                writeSlot(slot, page);
            }
            success = true;
            return slot;
        } finally {
            if (!success) {
                release(slot);
            }
        }
    }

    /**
     * Reads the page of {@code slot} into {@code dst}.
     *
     * @throws IllegalArgumentException if the slot is not in use
     */
    public void swapIn(long slot, MemorySegment dst) throws IOException {
        checkOpen();
        checkPage(dst, "dst");
        checkInUse(slot);
        if (frontswap.load(type, slot, dst)) {
            if (!frontswap.isStored(type, slot)) {
                writeSlot(slot, dst); // an exclusive get took the backend's copy: keep the slot valid
            }
            return;
        }
        readSlot(slot, dst);
    }

    /**
     * Frees {@code slot}: its page is dropped from frontswap and the slot may be reused.
     *
     * @throws IllegalArgumentException if the slot is not in use
     */
    public void free(long slot) {
        checkOpen();
        checkInUse(slot);
        frontswap.invalidatePage(type, slot);
        release(slot);
    }

    /** Slots in use now. */
    public synchronized long slotsInUse() {
        return used.cardinality();
    }

    public long slots() {
        return slots;
    }

    public int type() {
        return type;
    }

    public Path path() {
        return path;
    }

    /** Swapoff: frontswap forgets the area (its pages in the backend are dropped), the file closes. Idempotent. */
    @Override
    public void close() throws IOException {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            frontswap.invalidateArea(type);
        } finally {
            channel.close();
        }
    }

    private void writeSlot(long slot, MemorySegment page) throws IOException {
        ByteBuffer b = page.asByteBuffer();
        long pos = slot * pageSize;
        while (b.hasRemaining()) {
            pos += channel.write(b, pos);
        }
    }

    private void readSlot(long slot, MemorySegment dst) throws IOException {
        ByteBuffer b = dst.asByteBuffer();
        long pos = slot * pageSize;
        while (b.hasRemaining()) {
            int n = channel.read(b, pos);
            if (n < 0) { // never written: the file has a hole there
                while (b.hasRemaining()) {
                    b.put((byte) 0);
                }
                return;
            }
            pos += n;
        }
    }

    private synchronized long allocate() {
        int slot = used.nextClearBit(nextHint);
        if (slot >= slots) {
            slot = used.nextClearBit(0);
            if (slot >= slots) {
                throw new IllegalStateException("swap file " + path + " is full: all " + slots + " slots in use");
            }
        }
        used.set(slot);
        nextHint = slot + 1;
        return slot;
    }

    private synchronized void release(long slot) {
        used.clear((int) slot);
    }

    private synchronized void checkInUse(long slot) {
        if (slot < 0 || slot >= slots || !used.get((int) slot)) {
            throw new IllegalArgumentException("slot " + slot + " of swap file " + path + " is not in use");
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("swap file " + path + " is closed");
        }
    }

    private void checkPage(MemorySegment page, String what) {
        Objects.requireNonNull(page, what);
        if (page.byteSize() != pageSize) {
            throw new IllegalArgumentException(what + " must be " + pageSize + " bytes, was " + page.byteSize());
        }
    }

    @Override
    public String toString() {
        return "SwapFile[" + path + ", area " + type + ", " + slots + " slots]";
    }
}
