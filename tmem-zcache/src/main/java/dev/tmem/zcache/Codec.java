package dev.tmem.zcache;

import java.lang.foreign.MemorySegment;

/**
 * Compresses one page into a caller-provided segment and back. Made by {@link Codecs#create}.
 *
 * <p><b>Pages.</b> A page is a segment of a power of two from {@value #MIN_PAGE_SIZE} to
 * {@value #MAX_PAGE_SIZE} bytes; other sizes throw {@link IllegalArgumentException}. Segments may be
 * native or heap, and may overlap nothing else passed in the same call. Native segments take the
 * libraries' direct-buffer (native) paths; heap segments backed by a {@code byte[]} take their array
 * paths where the library has them, or are copied through a per-thread scratch buffer where it has
 * not (zstd's mixed heap/native compress); any other segment is copied through a temporary array.
 *
 * <p><b>Concurrency.</b> Instances are thread-safe and take no lock on the compress or decompress
 * path. Library state (zstd contexts, {@code Deflater}s) and scratch buffers live in small lock-free
 * pools of per-thread-stripe slots, so each call runs on state no other thread holds; see the
 * implementation notes of each codec.
 *
 * <p><b>Corruption.</b> {@link #decompress} either fills the whole page with the bytes
 * {@link #compress} was given, or throws {@link CorruptPageException}. Whether <i>every</i> damage is
 * caught depends on the format: {@link #checksummed()} says whether it carries a checksum of the
 * content. Formats without one (lz4 blocks, {@code none}) catch structural damage (bad offsets,
 * truncation, wrong length) but may decode a flipped literal byte into a wrong page, so a store must
 * add its own checksum for them.
 */
public interface Codec {

    /** The smallest page a codec accepts. */
    int MIN_PAGE_SIZE = 4096;

    /** The largest page a codec accepts. */
    int MAX_PAGE_SIZE = 65536;

    /** The name {@link Codecs#create} knows it by: {@code lz4}, {@code zstd}, {@code deflate}, {@code none}. */
    String name();

    /**
     * Whether the compressed form carries a checksum of the page, so that {@link #decompress}
     * detects any corruption with high probability (zstd's content checksum, zlib's Adler-32).
     * When {@code false} only structural damage is detected.
     */
    boolean checksummed();

    /**
     * The most bytes {@link #compress} can write for a page of {@code pageSize} bytes: a
     * {@code dst} this large never makes it return -1.
     *
     * @throws IllegalArgumentException if {@code pageSize} is not a page size
     */
    int maxCompressedLength(int pageSize);

    /**
     * Compresses {@code page} into {@code dst}, starting at offset 0 of {@code dst}.
     *
     * <p>A {@code dst} smaller than {@link #maxCompressedLength} caps the result: a store passes a
     * segment of its reject threshold and gets -1 for a page that does not compress below it, in one
     * pass: lz4 and deflate stop when the output is full; zstd, which may fail on an output below
     * its bound even when the result would fit, compresses into its scratch and copies. After -1 the
     * contents of {@code dst} are unspecified.
     *
     * @return the compressed length (at most {@code dst.byteSize()}), or -1 if it would not fit in
     *     {@code dst}
     * @throws IllegalArgumentException if {@code page} is not a page size or {@code dst} is read-only
     */
    int compress(MemorySegment page, MemorySegment dst);

    /**
     * Decompresses {@code src}, exactly the bytes a {@link #compress} of this codec returned (its
     * length is the compressed length), filling all of {@code page}.
     *
     * @throws CorruptPageException if {@code src} is malformed, truncated, has trailing bytes, fails
     *     its checksum, or does not decode to exactly {@code page.byteSize()} bytes; the contents of
     *     {@code page} are then unspecified
     * @throws IllegalArgumentException if {@code page} is not a page size or is read-only
     */
    void decompress(MemorySegment src, MemorySegment page);
}
