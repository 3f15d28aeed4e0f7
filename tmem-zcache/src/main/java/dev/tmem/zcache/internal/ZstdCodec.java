package dev.tmem.zcache.internal;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;

/**
 * Zstandard through zstd-jni (native only; it needs {@code --enable-native-access} for its module,
 * {@code com.github.luben.zstd_jni}, or {@code ALL-UNNAMED} on the class path). One standard frame
 * per page: magic number, frame header with the content size, blocks, and the 4-byte content
 * checksum (XXH64), so {@link #checksummed()} is true and a decoder rejects a frame that is not
 * exactly one intact page. The magic and checksum cost 8 bytes a page; the store may trade them
 * away later (magicless frames, its own checksum) if a benchmark shows it is worth it.
 *
 * <p><b>Paths.</b> zstd-jni takes direct buffers or {@code byte[]}s. Native segments go to its
 * direct-buffer calls, {@code byte[]} heap segments to its array calls; decompression also has the
 * mixed calls. A compress with one heap and one native segment (the engine's usual case: a caller's
 * heap page into a native slab) copies the heap side through a per-thread scratch segment: a page
 * copy, small beside compressing it.
 *
 * <p><b>Capped output.</b> zstd can fail with {@code dstSize_tooSmall} on an output smaller than
 * its bound even when the finished frame would fit (it needs room for a block's worst case while
 * writing it), so a {@code dst} below {@link #maxCompressedLength} gets the frame in the scratch
 * output first and a copy if it fits: one pass over the page, plus a copy of the compressed bytes.
 *
 * <p><b>Concurrency and lifetime.</b> Contexts are not thread-safe, so a compression context, a
 * decompression context and the scratch segment form a {@link State} kept in a {@link StatePool}.
 * zstd-jni contexts have no cleaner of their own: each state registers one that closes its contexts
 * when the state is discarded by the pool or becomes unreachable with the codec. Scratch segments
 * come from {@link Arena#ofAuto()}, freed by the garbage collector.
 */
public final class ZstdCodec extends PageCodec {

    public static final int MIN_LEVEL = 1;
    public static final int MAX_LEVEL = 22;
    public static final int DEFAULT_LEVEL = 3;

    private static final Cleaner CLEANER = Cleaner.create();
    private static final int SCRATCH_OUT = (int) Zstd.compressBound(MAX_PAGE_SIZE);

    private final int level;
    private final StatePool<State> states;

    public ZstdCodec(int level) {
        if (level < MIN_LEVEL || level > MAX_LEVEL) {
            throw new IllegalArgumentException("zstd level must be " + MIN_LEVEL + ".." + MAX_LEVEL + ", was " + level);
        }
        this.level = level;
        this.states = new StatePool<>(() -> new State(level), State::close);
    }

    public int level() {
        return level;
    }

    @Override
    public String name() {
        return "zstd";
    }

    @Override
    public boolean checksummed() {
        return true;
    }

    @Override
    public int maxCompressedLength(int pageSize) {
        return (int) Zstd.compressBound(Pages.checkPageSize(pageSize));
    }

    @Override
    int compress(ByteBuffer page, ByteBuffer dst) {
        State s = states.acquire();
        try {
            if (dst.limit() >= Zstd.compressBound(page.limit())) {
                return compressInto(s, page, dst);
            }
            return compressCapped(s, page, dst);
        } catch (ZstdException e) {
            throw new IllegalStateException("zstd: compression failed: " + e.getMessage(), e);
        } finally {
            states.release(s);
        }
    }

    /**
     * zstd may fail with {@code dstSize_tooSmall} on an output below its bound even when the frame
     * would fit, so a capped compress goes to the scratch output (full bound) and is copied if it fits.
     */
    private static int compressCapped(State s, ByteBuffer page, ByteBuffer dst) {
        ByteBuffer out = s.out((int) Zstd.compressBound(page.limit()));
        int n = compressInto(s, page, out);
        if (n > dst.limit()) {
            return -1;
        }
        dst.put(0, out, 0, n);
        return n;
    }

    /** Compresses into a {@code dst} of at least the bound; a heap side goes through the scratch. */
    private static int compressInto(State s, ByteBuffer page, ByteBuffer dst) {
        if (page.hasArray() && dst.hasArray()) {
            return s.cctx.compressByteArray(dst.array(), dst.arrayOffset(), dst.limit(),
                    page.array(), page.arrayOffset(), page.limit());
        }
        ByteBuffer in = page.isDirect() ? page : s.in(page);
        if (dst.isDirect()) {
            return s.cctx.compressDirectByteBuffer(dst, 0, dst.limit(), in, 0, in.limit());
        }
        ByteBuffer out = s.out(dst.limit());
        int n = s.cctx.compressDirectByteBuffer(out, 0, out.limit(), in, 0, in.limit());
        dst.put(0, out, 0, n);
        return n;
    }

    @Override
    void decompress(ByteBuffer src, ByteBuffer page) {
        State s = states.acquire();
        int n;
        try {
            n = decompress(s, src, page);
        } catch (ZstdException e) {
            throw corrupt(e.getMessage(), e);
        } finally {
            states.release(s);
        }
        if (n != page.limit()) {
            throw wrongLength(n, page.limit());
        }
    }

    private static int decompress(State s, ByteBuffer src, ByteBuffer page) {
        ZstdDecompressCtx d = s.dctx;
        if (!src.isDirect() && !src.hasArray()) { // a read-only heap segment
            src = s.in(src);
        }
        if (src.isDirect()) {
            return page.isDirect()
                    ? d.decompressDirectByteBuffer(page, 0, page.limit(), src, 0, src.limit())
                    : d.decompressDirectByteBufferToByteArray(page.array(), page.arrayOffset(), page.limit(), src, 0, src.limit());
        }
        return page.isDirect()
                ? d.decompressByteArrayToDirectByteBuffer(page, 0, page.limit(), src.array(), src.arrayOffset(), src.limit())
                : d.decompressByteArray(page.array(), page.arrayOffset(), page.limit(), src.array(), src.arrayOffset(), src.limit());
    }

    @Override
    public String toString() {
        return "zstd(level=" + level + ")";
    }

    /**
     * One thread's contexts and scratch; {@link #close} (or the cleaner) frees the contexts once.
     * The scratch has an input part (a page, or a compressed page) and an output part after it (the
     * bound of the largest page).
     */
    private static final class State {
        final ZstdCompressCtx cctx;
        final ZstdDecompressCtx dctx;
        final MemorySegment scratch = Arena.ofAuto().allocate(2L * SCRATCH_OUT);
        final Cleaner.Cleanable cleanable;

        State(int level) {
            ZstdCompressCtx c = new ZstdCompressCtx().setLevel(level).setChecksum(true).setContentSize(true);
            ZstdDecompressCtx d = new ZstdDecompressCtx();
            cctx = c;
            dctx = d;
            cleanable = CLEANER.register(this, () -> {
                c.close();
                d.close();
            });
        }

        void close() {
            cleanable.clean();
        }

        /** {@code src} (a page, or a compressed page) copied into the input scratch. */
        ByteBuffer in(ByteBuffer src) {
            if (src.limit() > SCRATCH_OUT) {
                throw new IllegalArgumentException("zstd: input of " + src.limit() + " bytes is larger than a compressed page can be");
            }
            ByteBuffer in = scratch.asSlice(0, SCRATCH_OUT).asByteBuffer().limit(src.limit());
            in.put(0, src, 0, src.limit());
            return in;
        }

        /** The output scratch, {@code size} bytes long. */
        ByteBuffer out(int size) {
            return scratch.asSlice(SCRATCH_OUT, SCRATCH_OUT).asByteBuffer().limit(size);
        }
    }
}
