package dev.tmem.zcache.internal;

import dev.tmem.zcache.Codec;
import dev.tmem.zcache.CorruptPageException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * One thread's buffers for the store's put and get paths: a native input and a native output of
 * one page (or one codec bound), their {@link ByteBuffer} views, and a {@link CRC32C}, all made once
 * and reused, so a put or a get allocates nothing on the Java heap.
 *
 * <p><b>Why copy into these.</b> The codec libraries take {@code ByteBuffer}s, and a view of a
 * caller's segment or of a slot in a slab is a new object on every call (about 200 bytes per put
 * and per get, measured: enough garbage to make the collector grow the heap by a kilobyte per page
 * held under a cache workload). A copy of one page costs about a tenth of a microsecond, against
 * several for lz4's compression; and on a get the stored bytes are copied out under the size
 * class's read lock, which is then released before the checksum and the decompression run.
 *
 * <p><b>Concurrency.</b> Not thread-safe: held by one thread at a time (a {@link StatePool}).
 */
public final class PageBuffers {

    private final MemorySegment in;
    private final ByteBuffer inBuffer;
    private final MemorySegment out;
    private final ByteBuffer outBuffer;
    private final CRC32C crc = new CRC32C();

    /** Buffers for pages of up to {@link Codec#MAX_PAGE_SIZE} through {@code codec}. */
    public PageBuffers(PageCodec codec) {
        long outBytes = Math.max(Codec.MAX_PAGE_SIZE, codec.maxCompressedLength(Codec.MAX_PAGE_SIZE));
        Arena arena = Arena.ofAuto();
        this.in = arena.allocate(Codec.MAX_PAGE_SIZE, 64);
        this.out = arena.allocate(outBytes, 64);
        this.inBuffer = in.asByteBuffer();
        this.outBuffer = out.asByteBuffer();
    }

    /** The input buffer: a page to compress, or stored bytes to check and decode. */
    public MemorySegment in() {
        return in;
    }

    /** The output buffer: compressed bytes, or a decoded page. */
    public MemorySegment out() {
        return out;
    }

    /**
     * Compresses the page of {@code pageSize} bytes in {@link #in} into {@link #out}.
     *
     * @return the compressed length if it is at most {@code limit}, else -1
     */
    public int compress(PageCodec codec, int pageSize, int limit) {
        inBuffer.clear().limit(pageSize);
        outBuffer.clear().limit(codec.maxCompressedLength(pageSize));
        int n = codec.compress(inBuffer, outBuffer);
        return n <= limit ? n : -1;
    }

    /**
     * Decompresses the {@code length} stored bytes in {@link #in} into a page of {@code pageSize}
     * bytes in {@link #out}.
     *
     * @throws CorruptPageException if they do not decode to exactly one page
     */
    public void decompress(PageCodec codec, int length, int pageSize) {
        codec.checkCompressedLength(length, pageSize);
        inBuffer.clear().limit(length);
        outBuffer.clear().limit(pageSize);
        codec.decompress(inBuffer, outBuffer);
    }

    /** CRC-32C of the first {@code length} bytes of {@link #in}. */
    public int crcOfIn(int length) {
        return crc32c(inBuffer, length);
    }

    /** CRC-32C of the first {@code length} bytes of {@link #out}. */
    public int crcOfOut(int length) {
        return crc32c(outBuffer, length);
    }

    private int crc32c(ByteBuffer b, int length) {
        b.clear().limit(length);
        crc.reset();
        crc.update(b);
        return (int) crc.getValue();
    }
}
