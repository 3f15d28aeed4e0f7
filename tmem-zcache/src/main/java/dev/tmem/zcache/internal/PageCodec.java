package dev.tmem.zcache.internal;

import dev.tmem.zcache.Codec;
import dev.tmem.zcache.CorruptPageException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;

/**
 * The checks and segment handling every codec shares: page sizes, read-only outputs, capping the
 * output at {@link #maxCompressedLength}, and turning segments into {@link ByteBuffer}s (views, no
 * copy) for the libraries. A segment that cannot be viewed as a buffer (heap, over an array other
 * than {@code byte[]}) is copied through a temporary array on its own rare path.
 */
public abstract sealed class PageCodec implements Codec permits Lz4Codec, ZstdCodec, DeflateCodec, NoneCodec {

    @Override
    public final int compress(MemorySegment page, MemorySegment dst) {
        int size = Pages.checkPageSize(page.byteSize());
        Pages.checkWritable(dst, "dst");
        MemorySegment out = dst.byteSize() > maxCompressedLength(size) ? dst.asSlice(0, maxCompressedLength(size)) : dst;
        ByteBuffer in = Pages.buffer(page);
        ByteBuffer outBuffer = Pages.buffer(out);
        if (in == null || outBuffer == null) {
            return compressCopying(page, out);
        }
        return compress(in, outBuffer);
    }

    @Override
    public final void decompress(MemorySegment src, MemorySegment page) {
        int size = Pages.checkPageSize(page.byteSize());
        Pages.checkWritable(page, "page");
        checkCompressedLength(src.byteSize(), size);
        ByteBuffer in = Pages.buffer(src);
        ByteBuffer out = Pages.buffer(page);
        if (in == null || out == null) {
            decompressCopying(src, page);
            return;
        }
        decompress(in, out);
    }

    private int compressCopying(MemorySegment page, MemorySegment dst) {
        MemorySegment out = MemorySegment.ofArray(new byte[(int) dst.byteSize()]);
        int n = compress(MemorySegment.ofArray(page.toArray(ValueLayout.JAVA_BYTE)).asByteBuffer(), out.asByteBuffer());
        if (n > 0) {
            MemorySegment.copy(out, 0, dst, 0, n);
        }
        return n;
    }

    private void decompressCopying(MemorySegment src, MemorySegment page) {
        MemorySegment out = MemorySegment.ofArray(new byte[(int) page.byteSize()]);
        decompress(MemorySegment.ofArray(src.toArray(ValueLayout.JAVA_BYTE)).asByteBuffer(), out.asByteBuffer());
        MemorySegment.copy(out, 0, page, 0, page.byteSize());
    }

    /** Stored bytes longer than this codec's bound for the page size cannot be its output: corrupt. */
    final void checkCompressedLength(long length, int pageSize) {
        if (length > maxCompressedLength(pageSize)) {
            throw corrupt("compressed length " + length + " is over the bound for a page of " + pageSize
                    + " bytes, " + maxCompressedLength(pageSize));
        }
    }

    /**
     * Whether every output is exactly the page's size ({@code none}): a page is then known not to fit
     * under a reject threshold below the page size without running the codec.
     */
    public boolean alwaysFullSize() {
        return false;
    }

    /**
     * Compresses all of {@code page} into {@code dst} from index 0 (both at position 0, limit their
     * size; positions may be changed).
     *
     * @return the compressed length, or -1 if it does not fit in {@code dst}
     */
    abstract int compress(ByteBuffer page, ByteBuffer dst);

    /**
     * Decompresses all of {@code src} into all of {@code page} (both at position 0, limit their size),
     * or throws {@link CorruptPageException}.
     */
    abstract void decompress(ByteBuffer src, ByteBuffer page);

    final CorruptPageException corrupt(String what) {
        return new CorruptPageException(name(), what);
    }

    final CorruptPageException corrupt(String what, Throwable cause) {
        return new CorruptPageException(name(), what, cause);
    }

    final CorruptPageException wrongLength(long actual, int expected) {
        return corrupt("decodes to " + actual + " bytes, expected " + expected);
    }
}
