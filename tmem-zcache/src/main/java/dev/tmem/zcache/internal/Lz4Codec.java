package dev.tmem.zcache.internal;

import java.nio.ByteBuffer;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * LZ4 block format (no frame, no checksum) through lz4-java's {@link LZ4Factory#fastestInstance()}:
 * the JNI binding of the C library ({@code LZ4Factory:JNI}) when its bundled native library loads
 * on this platform, else the pure-Java safe port ({@code LZ4Factory:JavaSafe}). {@link #toString()}
 * names the one picked (so do {@code tmem} stats later); from a shell,
 * {@code java -cp lz4-java-1.13.0.jar net.jpountz.lz4.LZ4Factory} prints it. Native loading needs
 * {@code --enable-native-access} for lz4-java's module (the class path's {@code ALL-UNNAMED}, or
 * {@code org.lz4.java} on the module path); without it the JDK prints a warning.
 *
 * <p><b>Paths.</b> Compression uses the fast compressor with a bounded output
 * ({@code LZ4_compress_limitedOutput} natively), which stops as soon as the output is full, so a
 * capped {@code dst} costs no second pass. Decompression uses the <i>safe</i> decompressor with the
 * page as the output bound: it never reads or writes out of bounds on hostile input. Native and
 * {@code byte[]} buffers both go to the native code directly.
 *
 * <p><b>Corruption.</b> The block format has no checksum ({@link #checksummed()} is false).
 * Detected: match offsets before the start of the page, literal or match runs past the end of the
 * input or the page, truncation (the last sequence must end the input exactly), and any result that
 * is not exactly one page. Not detected: a flipped bit inside a literal, or in a match offset or
 * length that still points inside the page, which decode to a wrong page of the right length. The
 * store adds a checksum for this codec.
 *
 * <p><b>Concurrency.</b> lz4-java's compressors and decompressors are stateless and thread-safe
 * (the native compressor keeps its hash table on the C stack), so no per-thread state is needed.
 */
public final class Lz4Codec extends PageCodec {

    private static final LZ4Factory FACTORY = LZ4Factory.fastestInstance();

    private final LZ4Compressor compressor = FACTORY.fastCompressor();
    private final LZ4SafeDecompressor decompressor = FACTORY.safeDecompressor();

    /** Which lz4-java instance this runs on: {@code LZ4Factory:JNI} or {@code LZ4Factory:JavaSafe}. */
    public static String implementation() {
        return FACTORY.toString();
    }

    @Override
    public String name() {
        return "lz4";
    }

    @Override
    public boolean checksummed() {
        return false;
    }

    @Override
    public int maxCompressedLength(int pageSize) {
        return compressor.maxCompressedLength(Pages.checkPageSize(pageSize));
    }

    @Override
    int compress(ByteBuffer page, ByteBuffer dst) {
        try {
            return compressor.compress(page, 0, page.limit(), dst, 0, dst.limit());
        } catch (LZ4Exception doesNotFit) {
            return -1;
        }
    }

    @Override
    void decompress(ByteBuffer src, ByteBuffer page) {
        int n;
        try {
            n = decompressor.decompress(src, 0, src.limit(), page, 0, page.limit());
        } catch (LZ4Exception | IndexOutOfBoundsException e) {
            throw corrupt("malformed or truncated lz4 block (" + e.getMessage() + ")", e);
        }
        if (n != page.limit()) {
            throw wrongLength(n, page.limit());
        }
    }

    @Override
    public String toString() {
        return "lz4 [" + FACTORY + "]";
    }
}
