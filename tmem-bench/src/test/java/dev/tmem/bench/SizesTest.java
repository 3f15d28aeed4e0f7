package dev.tmem.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SizesTest {

    @Test
    void parsesBinaryUnits() {
        assertThat(Sizes.parseBytes("4096")).isEqualTo(4096);
        assertThat(Sizes.parseBytes("64KiB")).isEqualTo(64L << 10);
        assertThat(Sizes.parseBytes("64MiB")).isEqualTo(64L << 20);
        assertThat(Sizes.parseBytes("1GiB")).isEqualTo(1L << 30);
    }

    @Test
    void rejectsUnknownUnitsAndGarbage() {
        assertThatThrownBy(() -> Sizes.parseBytes("1TB")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Sizes.parseBytes("MiB")).isInstanceOf(IllegalArgumentException.class);
    }
}
