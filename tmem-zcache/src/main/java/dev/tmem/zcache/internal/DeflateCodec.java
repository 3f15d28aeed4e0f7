package dev.tmem.zcache.internal;

import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Deflate in the zlib format (RFC 1950: 2-byte header, deflate data, Adler-32 of the page) through
 * the JDK's {@link Deflater} and {@link Inflater}, which call the JDK's zlib on native and heap
 * buffers alike. The 6 bytes of framing buy corruption detection: {@link #checksummed()} is true.
 *
 * <p><b>Concurrency.</b> A {@code Deflater}/{@code Inflater} pair is not thread-safe and holds about
 * 300 KiB of zlib state, so pairs live in a {@link StatePool}: a call takes one, resets it, uses it
 * and gives it back. Pairs the pool does not keep are {@code end()}ed at once; pooled ones are freed
 * by the JDK's own cleaner when the codec is gone.
 *
 * <p><b>Output bound.</b> {@code Deflater.deflate} stops when the output is full, so a capped
 * {@code dst} costs no more than compressing into it.
 */
public final class DeflateCodec extends PageCodec {

    public static final int MIN_LEVEL = Deflater.NO_COMPRESSION;
    public static final int MAX_LEVEL = Deflater.BEST_COMPRESSION;
    public static final int DEFAULT_LEVEL = 6;

    private final int level;
    private final StatePool<State> states;

    public DeflateCodec(int level) {
        if (level < MIN_LEVEL || level > MAX_LEVEL) {
            throw new IllegalArgumentException("deflate level must be " + MIN_LEVEL + ".." + MAX_LEVEL + ", was " + level);
        }
        this.level = level;
        this.states = new StatePool<>(() -> new State(level), State::end);
    }

    public int level() {
        return level;
    }

    @Override
    public String name() {
        return "deflate";
    }

    @Override
    public boolean checksummed() {
        return true;
    }

    /**
     * zlib's {@code compressBound} is {@code n + n/4096 + n/16384 + 13} for its default settings;
     * stored blocks (level 0, incompressible input) cost 5 bytes per block of at most 64 KiB. This
     * bound, {@code n + n/256 + 32}, covers both with room for other zlib builds.
     */
    @Override
    public int maxCompressedLength(int pageSize) {
        Pages.checkPageSize(pageSize);
        return pageSize + (pageSize >> 8) + 32;
    }

    @Override
    int compress(ByteBuffer page, ByteBuffer dst) {
        State s = states.acquire();
        Deflater d = s.deflater;
        try {
            d.setInput(page);
            d.finish();
            while (!d.finished() && dst.hasRemaining()) {
                d.deflate(dst, Deflater.NO_FLUSH);
            }
            return d.finished() ? dst.position() : -1;
        } finally {
            d.reset();
            states.release(s);
        }
    }

    @Override
    void decompress(ByteBuffer src, ByteBuffer page) {
        State s = states.acquire();
        Inflater inf = s.inflater;
        try {
            inf.setInput(src);
            try {
                while (!inf.finished() && page.hasRemaining()) {
                    if (inf.inflate(page) == 0 && (inf.needsInput() || inf.needsDictionary())) {
                        break;
                    }
                }
            } catch (DataFormatException e) {
                throw corrupt("malformed zlib stream (" + e.getMessage() + ")", e);
            }
            checkEnd(inf, page);
        } finally {
            inf.reset();
            states.release(s);
        }
    }

    /** After inflating: the stream must have ended exactly at the page's end and the input's. */
    private void checkEnd(Inflater inf, ByteBuffer page) {
        if (inf.needsDictionary()) {
            throw corrupt("zlib stream asks for a preset dictionary");
        }
        if (!inf.finished()) {
            throw page.hasRemaining()
                    ? corrupt("truncated zlib stream after " + page.position() + " of " + page.limit() + " bytes")
                    : corrupt("decodes to more than " + page.limit() + " bytes");
        }
        if (page.hasRemaining()) {
            throw wrongLength(page.position(), page.limit());
        }
        if (inf.getRemaining() != 0) {
            throw corrupt(inf.getRemaining() + " trailing bytes after the zlib stream");
        }
    }

    @Override
    public String toString() {
        return "deflate(level=" + level + ")";
    }

    /** One thread's zlib streams. */
    private static final class State {
        final Deflater deflater;
        final Inflater inflater = new Inflater();

        State(int level) {
            deflater = new Deflater(level);
        }

        void end() {
            deflater.end();
            inflater.end();
        }
    }
}
