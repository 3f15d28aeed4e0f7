package dev.tmem.zcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tmem.zcache.TestPages.Content;
import dev.tmem.zcache.TestPages.Kind;
import dev.tmem.zcache.internal.Lz4Codec;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every codec gives back exactly the page it was given, for every content, size and segment kind. */
class CodecRoundTripTest {

    static Stream<Codec> codecs() {
        return CodecSpecs.all();
    }

    static Stream<Arguments> codecsAndKinds() {
        List<Arguments> args = new ArrayList<>();
        CodecSpecs.all().forEach(c -> {
            for (Kind in : Kind.values()) {
                for (Kind out : Kind.values()) {
                    args.add(Arguments.of(c, in, out));
                }
            }
        });
        return args.stream();
    }

    /** Compresses and decompresses through segments of the given kinds; returns the compressed length. */
    private static int roundTrip(Codec codec, MemorySegment page, Kind in, Kind out) {
        int size = (int) page.byteSize();
        MemorySegment src = in.copyOf(page);
        MemorySegment compressed = out.allocate(codec.maxCompressedLength(size));
        int n = codec.compress(src, compressed);
        assertThat(n).as("%s compressed length", codec).isBetween(1, codec.maxCompressedLength(size));
        assertThat(src.mismatch(page)).as("compress must not touch its input").isEqualTo(-1L);

        MemorySegment stored = in.copyOf(TestPages.prefix(compressed, n)); // as a store would keep it
        MemorySegment back = out.allocate(size);
        back.fill((byte) 0x5A);
        codec.decompress(stored, back);
        assertThat(back.mismatch(page)).as("%s round trip (%s -> %s)", codec, in, out).isEqualTo(-1L);
        return n;
    }

    @ParameterizedTest
    @MethodSource("codecsAndKinds")
    void roundTrip_everyContentKind_heapAndNativeSegments(Codec codec, Kind in, Kind out) {
        long seed = 1;
        for (Content content : Content.values()) {
            for (int size : new int[] {4096, 65536}) {
                roundTrip(codec, content.page(size, seed++), in, out);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void roundTrip_everyPageSize_manyRandomAndTextPages(Codec codec) {
        for (int size = 4096; size <= 65536; size <<= 1) {
            for (int seed = 0; seed < 8; seed++) {
                roundTrip(codec, Content.RANDOM.page(size, seed), Kind.NATIVE, Kind.NATIVE);
                roundTrip(codec, Content.TEXT.page(size, seed), Kind.HEAP, Kind.NATIVE);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void compressibleContent_compresses_exceptNone(Codec codec) {
        for (Content content : List.of(Content.ZEROS, Content.PATTERN, Content.TEXT)) {
            int n = roundTrip(codec, content.page(4096, 7), Kind.NATIVE, Kind.NATIVE);
            if (codec.name().equals("none") || codec.toString().equals("deflate(level=0)")) {
                assertThat(n).isGreaterThanOrEqualTo(4096);
            } else {
                assertThat(n).as("%s on %s", codec, content).isLessThan(4096 * 3 / 4);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void readOnlyInputs_areAccepted(Codec codec) {
        MemorySegment page = Content.TEXT.page(8192, 3);
        MemorySegment compressed = Kind.NATIVE.allocate(codec.maxCompressedLength(8192));
        int n = codec.compress(page.asReadOnly(), compressed);
        MemorySegment back = Kind.HEAP.allocate(8192);
        codec.decompress(TestPages.prefix(compressed, n).asReadOnly(), back);
        assertThat(back.mismatch(page)).isEqualTo(-1L);
        MemorySegment backNative = Kind.NATIVE.allocate(8192);
        codec.decompress(compressed.asSlice(0, n).asReadOnly(), backNative);
        assertThat(backNative.mismatch(page)).isEqualTo(-1L);
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void randomPages_fitMaxCompressedLength(Codec codec) {
        for (int size = 4096; size <= 65536; size <<= 1) {
            MemorySegment dst = Kind.NATIVE.allocate(codec.maxCompressedLength(size));
            assertThat(codec.compress(TestPages.random(size, size), dst)).isPositive();
        }
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void dstTooSmall_returnsMinusOne_andLargerDstIsFine(Codec codec) {
        for (Kind kind : List.of(Kind.NATIVE, Kind.HEAP, Kind.LONG_ARRAY)) {
            MemorySegment random = TestPages.random(4096, 11);
            int full = codec.compress(random, kind.allocate(codec.maxCompressedLength(4096)));
            assertThat(codec.compress(random, kind.allocate(full - 1))).as("%s into %d bytes", codec, full - 1).isEqualTo(-1);
            assertThat(codec.compress(random, kind.allocate(7 * 4096 / 8))).as("reject threshold 7/8").isEqualTo(-1);
            assertThat(codec.compress(random, kind.allocate(0))).isEqualTo(-1);
            assertThat(codec.compress(random, kind.allocate(full))).isEqualTo(full);
            // a dst bigger than needed (a slab's remainder) is fine: the codec uses its start
            MemorySegment big = kind.allocate(3 * 65536);
            assertThat(codec.compress(random, big)).isEqualTo(full);
        }
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void compressibleDst_capAtThreshold_stillSucceeds(Codec codec) {
        MemorySegment text = Content.TEXT.page(4096, 5);
        int full = codec.compress(text, Kind.NATIVE.allocate(codec.maxCompressedLength(4096)));
        MemorySegment exact = Kind.NATIVE.allocate(full);
        assertThat(codec.compress(text, exact)).isEqualTo(full);
        MemorySegment back = Kind.NATIVE.allocate(4096);
        codec.decompress(exact, back);
        assertThat(back.mismatch(text)).isEqualTo(-1L);
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void badArguments_throwIllegalArgument(Codec codec) {
        assertThatThrownBy(() -> codec.maxCompressedLength(2048)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> codec.maxCompressedLength(5000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> codec.maxCompressedLength(131072)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> codec.compress(Kind.HEAP.allocate(4000), Kind.HEAP.allocate(8192)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("power of two");
        assertThatThrownBy(() -> codec.compress(Kind.HEAP.allocate(4096), Kind.HEAP.allocate(8192).asReadOnly()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("read-only");
        assertThatThrownBy(() -> codec.decompress(Kind.HEAP.allocate(10), Kind.HEAP.allocate(4096).asReadOnly()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("read-only");
    }

    @Test
    void lz4_usesFastestInstance_nativeWhenItLoads() {
        Codec lz4 = Codecs.create("lz4");
        assertThat(Lz4Codec.implementation()).isIn("LZ4Factory:JNI", "LZ4Factory:JavaSafe");
        assertThat(lz4.toString()).contains(Lz4Codec.implementation());
        System.out.println("lz4 codec runs on " + Lz4Codec.implementation());
    }
}
