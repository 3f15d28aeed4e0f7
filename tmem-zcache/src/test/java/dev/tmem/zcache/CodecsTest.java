package dev.tmem.zcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The factory: names, parameters, defaults, and error messages that list what is accepted. */
class CodecsTest {

    private static final String ACCEPTED =
            "accepted: lz4, zstd (level=1..22, default 3), deflate (level=0..9, default 6), none";

    @Test
    void everyName_makesItsCodec_withDefaults() {
        for (String name : Codecs.NAMES) {
            assertThat(Codecs.create(name).name()).isEqualTo(name);
        }
        assertThat(Codecs.create(Codecs.DEFAULT).name()).isEqualTo("lz4");
        assertThat(Codecs.create("zstd")).hasToString("zstd(level=3)");
        assertThat(Codecs.create("deflate")).hasToString("deflate(level=6)");
        assertThat(Codecs.create("zstd", Map.of("level", "22"))).hasToString("zstd(level=22)");
        assertThat(Codecs.create("deflate", Map.of("level", "0"))).hasToString("deflate(level=0)");
    }

    @Test
    void checksummed_onlyWhereTheFormatHasOne() {
        assertThat(Codecs.create("lz4").checksummed()).isFalse();
        assertThat(Codecs.create("none").checksummed()).isFalse();
        assertThat(Codecs.create("zstd").checksummed()).isTrue();
        assertThat(Codecs.create("deflate").checksummed()).isTrue();
    }

    @Test
    void unknownName_listsAcceptedNamesAndParams() {
        assertThatThrownBy(() -> Codecs.create("lz5", Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown codec 'lz5'; " + ACCEPTED);
        assertThatThrownBy(() -> Codecs.create("LZ4")).hasMessageContaining(ACCEPTED);
        assertThatThrownBy(() -> Codecs.create(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(ACCEPTED);
    }

    @Test
    void levelOutOfRangeOrNotANumber_listsTheRange() {
        assertThatThrownBy(() -> Codecs.create("zstd", Map.of("level", "0")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("bad level '0' for codec zstd: must be an integer 1..22; " + ACCEPTED);
        assertThatThrownBy(() -> Codecs.create("zstd", Map.of("level", "23"))).hasMessageContaining("1..22");
        assertThatThrownBy(() -> Codecs.create("deflate", Map.of("level", "10"))).hasMessageContaining("0..9");
        assertThatThrownBy(() -> Codecs.create("deflate", Map.of("level", "-1"))).hasMessageContaining("0..9");
        assertThatThrownBy(() -> Codecs.create("zstd", Map.of("level", "fast")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'fast'").hasMessageContaining(ACCEPTED);
        assertThatThrownBy(() -> Codecs.create("zstd", Map.of("level", "99999999999"))).hasMessageContaining("1..22");
    }

    @Test
    void unknownParameter_listsAcceptedParams() {
        assertThatThrownBy(() -> Codecs.create("lz4", Map.of("level", "3")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown parameter 'level' for codec lz4 (it takes none); " + ACCEPTED);
        assertThatThrownBy(() -> Codecs.create("zstd", Map.of("window", "20")))
                .hasMessage("unknown parameter 'window' for codec zstd; " + ACCEPTED);
        assertThatThrownBy(() -> Codecs.create("none", Map.of("level", "1"))).hasMessageContaining("(it takes none)");
    }

    @Test
    void levelWithSpaces_isAccepted() {
        assertThat(Codecs.create("zstd", Map.of("level", " 5 "))).hasToString("zstd(level=5)");
    }
}
