package dev.tmem.zcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tmem.zcache.TestPages.Content;
import dev.tmem.zcache.TestPages.Kind;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Damaged compressed pages are reported as {@link CorruptPageException}, never returned as a page,
 * as far as each format can tell (see {@link Codec#checksummed()}).
 */
class CodecCorruptionTest {

    static Stream<Codec> compressing() {
        return CodecSpecs.compressing();
    }

    static Stream<Codec> checksummed() {
        return CodecSpecs.checksummed();
    }

    private static MemorySegment compressed(Codec codec, MemorySegment page) {
        MemorySegment dst = Kind.NATIVE.allocate(codec.maxCompressedLength((int) page.byteSize()));
        return TestPages.prefix(dst, codec.compress(page, dst));
    }

    private static void assertCorrupt(Codec codec, MemorySegment src, int pageSize, String as) {
        for (Kind kind : new Kind[] {Kind.HEAP, Kind.NATIVE}) {
            assertThatThrownBy(() -> codec.decompress(kind.copyOf(src), kind.allocate(pageSize)))
                    .as("%s: %s (%s)", codec, as, kind)
                    .isInstanceOf(CorruptPageException.class)
                    .hasMessageStartingWith(codec.name() + ": corrupt compressed page: ")
                    .satisfies(e -> assertThat(((CorruptPageException) e).codec()).isEqualTo(codec.name()));
        }
    }

    @ParameterizedTest
    @MethodSource("compressing")
    void truncatedInput_isCorrupt(Codec codec) {
        for (Content content : new Content[] {Content.TEXT, Content.RANDOM, Content.ZEROS}) {
            MemorySegment c = compressed(codec, content.page(4096, 21));
            for (long cut : new long[] {0, 1, c.byteSize() / 2, c.byteSize() - 1}) {
                assertCorrupt(codec, TestPages.prefix(c, cut), 4096, content + " cut to " + cut);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("compressing")
    void trailingBytes_areCorrupt(Codec codec) {
        MemorySegment c = compressed(codec, Content.TEXT.page(4096, 22));
        MemorySegment longer = MemorySegment.ofArray(new byte[(int) c.byteSize() + 16]);
        longer.copyFrom(c);
        assertCorrupt(codec, longer, 4096, "16 zero bytes appended");
    }

    @ParameterizedTest
    @MethodSource("compressing")
    void garbageInput_isCorrupt(Codec codec) {
        SplittableRandom r = new SplittableRandom(23);
        for (int len : new int[] {1, 7, 64, 1000, 3000, 4096, 5000}) {
            byte[] junk = new byte[len];
            r.nextBytes(junk);
            assertCorrupt(codec, MemorySegment.ofArray(junk), 4096, len + " random bytes");
        }
    }

    @ParameterizedTest
    @MethodSource("compressing")
    void wrongOutputLength_isCorrupt(Codec codec) {
        assertCorrupt(codec, compressed(codec, Content.TEXT.page(4096, 24)), 8192, "4 KiB page into 8 KiB");
        assertCorrupt(codec, compressed(codec, Content.TEXT.page(8192, 24)), 4096, "8 KiB page into 4 KiB");
        assertCorrupt(codec, compressed(codec, Content.RANDOM.page(65536, 24)), 32768, "64 KiB page into 32 KiB");
    }

    @ParameterizedTest
    @MethodSource("checksummed")
    void anyFlippedByte_isCorrupt_whenChecksummed(Codec codec) {
        for (Content content : new Content[] {Content.TEXT, Content.RANDOM}) {
            MemorySegment c = compressed(codec, content.page(4096, 25));
            for (long i = 0; i < c.byteSize(); i += Math.max(1, c.byteSize() / 97)) {
                MemorySegment bad = TestPages.prefix(c, c.byteSize());
                bad.set(ValueLayout.JAVA_BYTE, i, (byte) ~bad.get(ValueLayout.JAVA_BYTE, i));
                assertCorrupt(codec, bad, 4096, content + " with byte " + i + " flipped");
            }
        }
    }

    /** The known limit of an unchecksummed format: a flip is either caught or decodes to a full page. */
    @Test
    void lz4_flippedBytes_neverCrashOrReturnAShortPage() {
        Codec lz4 = Codecs.create("lz4");
        MemorySegment page = Content.TEXT.page(4096, 26);
        MemorySegment c = compressed(lz4, page);
        int caught = 0;
        for (long i = 0; i < c.byteSize(); i++) {
            for (int bit = 0; bit < 8; bit += 3) {
                MemorySegment bad = TestPages.prefix(c, c.byteSize());
                bad.set(ValueLayout.JAVA_BYTE, i, (byte) (bad.get(ValueLayout.JAVA_BYTE, i) ^ (1 << bit)));
                try {
                    lz4.decompress(bad, Kind.NATIVE.allocate(4096));
                } catch (CorruptPageException expected) {
                    caught++;
                }
            }
        }
        assertThat(caught).as("structural damage is caught").isPositive();
    }

    @Test
    void lz4_matchOffsetBeforePageStart_isCorrupt() {
        Codec lz4 = Codecs.create("lz4");
        MemorySegment c = compressed(lz4, Content.ZEROS.page(4096, 0));
        int literals = (c.get(ValueLayout.JAVA_BYTE, 0) & 0xFF) >>> 4;
        assertThat(literals).isLessThan(15);
        c.set(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), 1 + literals, (short) 0xFFFF);
        assertCorrupt(lz4, c, 4096, "first match offset 65535");
    }

    @Test
    void none_detectsOnlyLengthMismatch() {
        Codec none = Codecs.create("none");
        MemorySegment page = Content.TEXT.page(4096, 27);
        assertCorrupt(none, TestPages.prefix(page, 4095), 4096, "one byte short");
        assertCorrupt(none, MemorySegment.ofArray(new byte[4097]), 4096, "one byte long");
        assertCorrupt(none, MemorySegment.ofArray(new byte[0]), 4096, "empty");
        assertCorrupt(none, page, 8192, "4 KiB into 8 KiB");

        // known limit: a flipped byte of a raw page cannot be told from content
        MemorySegment flipped = TestPages.prefix(page, 4096);
        flipped.set(ValueLayout.JAVA_BYTE, 100, (byte) ~flipped.get(ValueLayout.JAVA_BYTE, 100));
        MemorySegment back = Kind.NATIVE.allocate(4096);
        none.decompress(flipped, back);
        assertThat(back.mismatch(flipped)).isEqualTo(-1L);
    }
}
