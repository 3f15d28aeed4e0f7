package dev.tmem.zcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tmem.zcache.TestPages.Content;
import dev.tmem.zcache.TestPages.Kind;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Same-filled detection and fill: fill(detect(page)) reproduces the page; near misses are not same-filled. */
class SameFilledTest {

    private static final long[] PATTERNS = {
        0L, -1L, 0x0101010101010101L, 0x0102030405060708L, 0x8000000000000000L, 1L, 0xDEADBEEFCAFEBABEL,
    };

    @ParameterizedTest
    @ValueSource(ints = {4096, 8192, 16384, 32768, 65536})
    void zeroPage_isSameFilled_withPatternZero(int size) {
        for (Kind kind : Kind.values()) {
            MemorySegment page = kind.allocate(size);
            assertThat(SameFilled.detect(page)).isEqualTo(OptionalLong.of(0L));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {4096, 65536})
    void patterns_detectThenFill_reproducesThePage(int size) {
        for (Kind kind : Kind.values()) {
            for (long pattern : PATTERNS) {
                MemorySegment page = kind.allocate(size);
                SameFilled.fill(page, pattern);
                OptionalLong found = SameFilled.detect(page);
                assertThat(found).isEqualTo(OptionalLong.of(pattern));
                MemorySegment back = Kind.NATIVE.allocate(size);
                back.fill((byte) 0x77);
                SameFilled.fill(back, found.getAsLong());
                assertThat(back.mismatch(page)).isEqualTo(-1L);
            }
        }
    }

    @Test
    void byteOrder_isLittleEndian_firstByteIsLowBits() {
        MemorySegment page = Kind.HEAP.allocate(4096);
        SameFilled.fill(page, 0x0102030405060708L);
        assertThat(page.get(ValueLayout.JAVA_BYTE, 0)).isEqualTo((byte) 0x08);
        assertThat(page.get(ValueLayout.JAVA_BYTE, 7)).isEqualTo((byte) 0x01);
        assertThat(page.get(ValueLayout.JAVA_BYTE, 4095)).isEqualTo((byte) 0x01);
        assertThat(SameFilled.pattern(page)).isEqualTo(0x0102030405060708L);
    }

    @ParameterizedTest
    @ValueSource(ints = {4096, 65536})
    void nearMisses_oneByteDifferent_atStartMiddleEnd_areNotSameFilled(int size) {
        for (Kind kind : Kind.values()) {
            for (long pattern : PATTERNS) {
                for (long at : new long[] {0, 1, 7, 8, size / 2 - 1, size / 2, size - 8, size - 1}) {
                    MemorySegment page = kind.allocate(size);
                    SameFilled.fill(page, pattern);
                    page.set(ValueLayout.JAVA_BYTE, at, (byte) (page.get(ValueLayout.JAVA_BYTE, at) ^ 0x10));
                    assertThat(SameFilled.isSameFilled(page)).as("pattern %x, byte %d changed", pattern, at).isFalse();
                    assertThat(SameFilled.detect(page)).isEmpty();
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Content.class, names = {"RANDOM", "TEXT", "HALF_ZERO", "SMALL_ALPHABET"})
    void ordinaryPages_areNotSameFilled(Content content) {
        assertThat(SameFilled.detect(content.page(4096, 31))).isEmpty();
    }

    @Test
    void periodsOtherThanEightBytes_areNotSameFilled_unlessTheyDivideEight() {
        MemorySegment page = Kind.HEAP.allocate(4096);
        for (int i = 0; i < 4096; i++) {
            page.set(ValueLayout.JAVA_BYTE, i, (byte) (i % 16)); // period 16
        }
        assertThat(SameFilled.isSameFilled(page)).isFalse();
        for (int i = 0; i < 4096; i++) {
            page.set(ValueLayout.JAVA_BYTE, i, (byte) (i % 4)); // period 4 divides 8
        }
        assertThat(SameFilled.detect(page)).isEqualTo(OptionalLong.of(0x0302010003020100L));
    }

    @Test
    void randomPatterns_roundTrip() {
        SplittableRandom r = new SplittableRandom(32);
        for (int i = 0; i < 200; i++) {
            long pattern = r.nextLong();
            MemorySegment page = Kind.NATIVE.allocate(4096 << r.nextInt(5));
            SameFilled.fill(page, pattern);
            assertThat(SameFilled.detect(page)).isEqualTo(OptionalLong.of(pattern));
        }
    }

    @Test
    void sizeNotAMultipleOfEight_isRejected() {
        assertThatThrownBy(() -> SameFilled.isSameFilled(Kind.HEAP.allocate(4095))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SameFilled.fill(Kind.HEAP.allocate(0), 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
