package dev.tmem.zcache.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SizeClassesTest {

    @Test
    void classesAscendAndEveryObjectGetsTheSmallestClassThatHoldsIt() {
        for (int c = 1; c < SizeClasses.count(); c++) {
            assertThat(SizeClasses.size(c)).isGreaterThan(SizeClasses.size(c - 1));
        }
        for (int n = 1; n <= SizeClasses.MAX_SIZE; n++) {
            int c = SizeClasses.classOf(n);
            assertThat(SizeClasses.size(c)).isGreaterThanOrEqualTo(n);
            if (c > 0) {
                assertThat(SizeClasses.size(c - 1)).isLessThan(n);
            }
        }
    }

    @Test
    void classesAreCloseEnoughThatRoundingWastesLittle() {
        for (int c = 1; c < SizeClasses.count(); c++) {
            int gap = SizeClasses.size(c) - SizeClasses.size(c - 1);
            assertThat(gap).as("gap below class %d", c).isLessThanOrEqualTo(Math.max(16, SizeClasses.size(c - 1) / 32));
        }
    }

    @Test
    void slabsFitTheirObjectsWithASmallTailAndFitInAChunk() {
        for (int c = 0; c < SizeClasses.count(); c++) {
            long slab = (long) SizeClasses.slabUnits(c) * SizeClasses.UNIT;
            assertThat(SizeClasses.slabUnits(c)).isBetween(1, SizeClasses.MAX_SLAB_UNITS);
            assertThat(SizeClasses.objectsPerSlab(c)).isPositive();
            long tail = slab - (long) SizeClasses.objectsPerSlab(c) * SizeClasses.size(c);
            assertThat(tail).as("tail of class %d", c).isBetween(0L, slab / 25);
        }
    }

    @Test
    void everyPageSizeIsAClassOfItsOwnWithNoWaste() {
        for (int page = 4096; page <= 65536; page <<= 1) {
            int c = SizeClasses.classOf(page);
            assertThat(SizeClasses.size(c)).isEqualTo(page);
            assertThat((long) SizeClasses.objectsPerSlab(c) * page)
                    .isEqualTo((long) SizeClasses.slabUnits(c) * SizeClasses.UNIT);
            // raw pages share slabs: eight a slab, or as many as the largest slab holds
            assertThat(SizeClasses.objectsPerSlab(c))
                    .isEqualTo(Math.min(8, SizeClasses.MAX_SLAB_UNITS * SizeClasses.UNIT / page));
        }
    }

    @Test
    void sizesOutsideTheRangeAreRefused() {
        assertThatThrownBy(() -> SizeClasses.classOf(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SizeClasses.classOf(65537)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void chunkRunsAreFoundOnlyWhereAllUnitsAreFree() {
        long used = 0b1011_0001L; // units 0, 4, 5, 7 used
        assertThat(firstRun(used, 1)).isEqualTo(1);
        assertThat(firstRun(used, 3)).isEqualTo(1);
        assertThat(firstRun(used, 4)).isEqualTo(8);
        assertThat(firstRun(0L, 64)).isEqualTo(0);
        assertThat(firstRun(1L, 64)).isEqualTo(-1);
        assertThat(firstRun(-1L >>> 1, 1)).isEqualTo(63);
        assertThat(firstRun(-1L >>> 1, 2)).isEqualTo(-1);
        assertThat(Chunk.mask(3, 2)).isEqualTo(0b11000L);
        assertThat(Chunk.mask(0, 64)).isEqualTo(-1L);
    }

    private static int firstRun(long used, int units) {
        // reference: the lowest u such that units u..u+units-1 are all free
        int expected = -1;
        for (int u = 0; u + units <= 64 && expected < 0; u++) {
            if ((used & Chunk.mask(u, units)) == 0) {
                expected = u;
            }
        }
        MemoryBudget budget = new MemoryBudget(1 << 20, 100);
        Chunk c = new Chunk(0);
        try {
            c.usedUnits = used;
            assertThat(c.findFreeRun(units)).isEqualTo(expected);
            return expected;
        } finally {
            c.arena.close();
            assertThat(budget.used()).isZero();
        }
    }
}
