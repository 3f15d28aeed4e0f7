package dev.tmem.frontend;

import static dev.tmem.frontend.TestSupport.buf;
import static dev.tmem.frontend.TestSupport.bytes;
import static dev.tmem.frontend.TestSupport.local;
import static dev.tmem.frontend.TestSupport.page;
import static dev.tmem.frontend.TestSupport.seg;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tmem.core.PoolId;
import dev.tmem.frontend.TestSupport.FlakyBackend;
import dev.tmem.frontend.TestSupport.SwapDisk;
import dev.tmem.frontend.local.LocalBackend;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** SEMANTICS.md section 4 (frontswap), one test per rule, with a local backend registered. */
class FrontswapRulesTest {

    private final Frontswap fsw = new Frontswap();
    private final LocalBackend backend = local(64);
    private final SwapDisk disk = new SwapDisk();

    @AfterEach
    void tearDown() {
        if (fsw.backend() != null) {
            fsw.unregister();
        }
        backend.close();
    }

    private byte[] load(int type, long offset) {
        MemorySegment dst = buf();
        return fsw.load(type, offset, dst) ? bytes(dst) : null;
    }

    @Test
    void store_keepsThePage_loadReturnsIt_andTheBitmapRecordsTheOffset() {
        fsw.register(backend);
        fsw.init(0, disk);
        assertThat(fsw.store(0, 42, seg(page(1)))).isTrue();

        assertThat(fsw.isStored(0, 42)).isTrue();
        assertThat(fsw.isStored(0, 43)).isFalse();
        assertThat(load(0, 42)).isEqualTo(page(1));
        assertThat(load(0, 42)).isEqualTo(page(1)); // persistent: a load leaves it
        assertThat(fsw.currPages()).isEqualTo(1);
        assertThat(backend.engine().stats().pagesPersistent()).isEqualTo(1);
    }

    @Test
    void store_copiesTheCallersBytes_andADuplicateStoreReplacesThePage() {
        fsw.register(backend);
        fsw.init(0, disk);
        byte[] p = page(1);
        fsw.store(0, 7, seg(p));
        Arrays.fill(p, (byte) 1);
        assertThat(load(0, 7)).isEqualTo(page(1));

        assertThat(fsw.store(0, 7, seg(page(2)))).isTrue();
        assertThat(load(0, 7)).isEqualTo(page(2));
        assertThat(fsw.currPages()).isEqualTo(1);
    }

    @Test
    void load_ofAnOffsetNotInTheBackend_missesAndLeavesDstUnchanged() {
        fsw.register(backend);
        fsw.init(0, disk);
        byte[] dst = page(5);
        assertThat(fsw.load(0, 3, seg(dst))).isFalse();
        assertThat(dst).isEqualTo(page(5));
    }

    @Test
    void store_failsWhenTheBackendIsFull_andThePageMustGoToTheSwapArea() {
        LocalBackend tiny = local(2);
        try {
            fsw.register(tiny);
            fsw.init(0, disk);
            assertThat(fsw.store(0, 0, seg(page(1)))).isTrue();
            assertThat(fsw.store(0, 1, seg(page(2)))).isTrue();
            assertThat(fsw.store(0, 2, seg(page(3)))).isFalse(); // persistent pages are never evicted

            assertThat(fsw.isStored(0, 2)).isFalse();
            assertThat(load(0, 0)).isEqualTo(page(1));
            assertThat(fsw.stats().failedStores()).isEqualTo(1);
            assertThat(fsw.stats().succStores()).isEqualTo(2);
        } finally {
            fsw.unregister();
            tiny.close();
        }
    }

    @Test
    void aFailedDuplicateStore_invalidatesTheOldCopy() {
        FlakyBackend flaky = new FlakyBackend(backend);
        fsw.register(flaky);
        fsw.init(0, disk);
        assertThat(fsw.store(0, 9, seg(page(1)))).isTrue();
        flaky.failPuts = true;

        assertThat(fsw.store(0, 9, seg(page(2)))).isFalse();

        assertThat(fsw.isStored(0, 9)).isFalse();
        assertThat(load(0, 9)).isNull(); // the caller reads page(2) from its swap area, never page(1)
        assertThat(fsw.currPages()).isZero();
        assertThat(backend.engine().stats().pages()).isZero();
    }

    @Test
    void writethrough_keepsThePage_butTellsTheCallerToWriteTheSwapAreaToo() {
        fsw.register(backend);
        fsw.init(0, disk);
        fsw.writethrough(true);

        assertThat(fsw.store(0, 1, seg(page(1)))).isFalse();

        assertThat(fsw.isStored(0, 1)).isTrue();
        assertThat(load(0, 1)).isEqualTo(page(1));
        assertThat(fsw.stats().succStores()).isEqualTo(1);
        assertThat(fsw.stats().failedStores()).isZero();
    }

    @Test
    void exclusiveGets_aLoadRemovesThePageFromTheBackend() {
        fsw.register(backend);
        fsw.init(0, disk);
        fsw.exclusiveGets(true);
        fsw.store(0, 1, seg(page(1)));

        assertThat(load(0, 1)).isEqualTo(page(1));

        assertThat(fsw.isStored(0, 1)).isFalse();
        assertThat(load(0, 1)).isNull();
        assertThat(fsw.currPages()).isZero();
        assertThat(backend.engine().stats().pages()).isZero();
    }

    @Test
    void invalidatePage_dropsThePage_countsOnceAndIsIdempotent() {
        fsw.register(backend);
        fsw.init(0, disk);
        fsw.store(0, 1, seg(page(1)));

        fsw.invalidatePage(0, 1);
        fsw.invalidatePage(0, 1);
        fsw.invalidatePage(0, 2); // never stored

        assertThat(load(0, 1)).isNull();
        assertThat(fsw.stats().invalidates()).isEqualTo(1);
        assertThat(backend.engine().stats().pages()).isZero();
    }

    @Test
    void invalidateArea_dropsItsPagesAndPool_andAReinitStartsEmpty() {
        fsw.register(backend);
        fsw.init(0, disk);
        fsw.init(1, new SwapDisk());
        fsw.store(0, 1, seg(page(1)));
        fsw.store(1, 1, seg(page(2)));

        fsw.invalidateArea(0);

        assertThat(fsw.areas()).containsExactly(1);
        assertThat(fsw.currPages()).isEqualTo(1);
        assertThat(backend.client().pools()).hasSize(1);
        assertThatThrownBy(() -> fsw.load(0, 1, buf())).hasMessageContaining("swap area 0 is not initialized");

        fsw.init(0, disk);
        assertThat(load(0, 1)).isNull();
        assertThat(load(1, 1)).isEqualTo(page(2));
    }

    @Test
    void shrink_movesPagesBackToTheirSwapAreaUntilTheTargetRemains() {
        fsw.register(backend);
        SwapDisk disk1 = new SwapDisk();
        fsw.init(0, disk);
        fsw.init(1, disk1);
        for (int i = 0; i < 10; i++) {
            fsw.store(0, i * 100, seg(page(i)));
            fsw.store(1, i, seg(page(50 + i)));
        }

        assertThat(fsw.shrink(25)).isZero();
        assertThat(fsw.shrink(6)).isEqualTo(14);

        assertThat(fsw.currPages()).isEqualTo(6);
        assertThat(fsw.stats().writtenBack()).isEqualTo(14);
        assertThat(backend.engine().stats().pages()).isEqualTo(6);
        for (int i = 0; i < 10; i++) { // area 0 first, then area 1 from offset 0
            assertThat(fsw.isStored(0, i * 100)).isFalse();
            assertThat(disk.read(i * 100)).isEqualTo(page(i));
        }
        for (int i = 0; i < 10; i++) {
            byte[] expected = page(50 + i);
            byte[] got = fsw.isStored(1, i) ? load(1, i) : disk1.read(i);
            assertThat(got).isEqualTo(expected);
        }
        assertThat(fsw.shrink(0)).isEqualTo(6);
        assertThat(fsw.currPages()).isZero();
    }

    @Test
    void shrink_whoseWritebackFails_keepsThatPageInTheBackend() {
        fsw.register(backend);
        fsw.init(0, disk);
        fsw.store(0, 1, seg(page(1)));
        fsw.store(0, 2, seg(page(2)));
        disk.failAt = 2;

        assertThatThrownBy(() -> fsw.shrink(0)).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("offset 2");

        assertThat(disk.read(1)).isEqualTo(page(1));
        assertThat(fsw.isStored(0, 1)).isFalse();
        assertThat(load(0, 2)).isEqualTo(page(2));
        assertThat(fsw.currPages()).isEqualTo(1);
        disk.failAt = -1;
        assertThat(fsw.shrink(0)).isEqualTo(1);
        assertThat(disk.read(2)).isEqualTo(page(2));
    }

    @Test
    void currPages_sumsEveryArea_andTheBitmapHasNoFixedLimit() {
        fsw.register(backend);
        for (int t = 0; t < 40; t++) {
            fsw.init(t * 1000, new SwapDisk());
        }
        long[] offsets = {0, 63, 64, 32_767, 32_768, 1L << 31, Frontswap.MAX_OFFSET};
        for (long off : offsets) {
            assertThat(fsw.store(39_000, off, seg(page(off)))).isTrue();
            assertThat(fsw.store(0, off, seg(page(off + 1)))).isTrue();
        }
        assertThat(fsw.currPages()).isEqualTo(2L * offsets.length);
        for (long off : offsets) {
            assertThat(load(39_000, off)).isEqualTo(page(off));
            assertThat(load(0, off)).isEqualTo(page(off + 1));
        }
        assertThat(fsw.isStored(0, 65)).isFalse();
    }

    @Test
    void counters_countLoadsSuccStoresFailedStoresAndInvalidates() {
        fsw.init(0, disk);
        fsw.store(0, 1, seg(page(1))); // no backend: failed
        fsw.register(backend);
        fsw.store(0, 1, seg(page(1)));
        fsw.store(0, 2, seg(page(2)));
        load(0, 1);
        load(0, 1);
        load(0, 3); // miss: not a load
        fsw.invalidatePage(0, 2);

        FrontswapStats s = fsw.stats();
        assertThat(s.loads()).isEqualTo(2);
        assertThat(s.succStores()).isEqualTo(2);
        assertThat(s.failedStores()).isEqualTo(1);
        assertThat(s.storesNoBackend()).isEqualTo(1);
        assertThat(s.invalidates()).isEqualTo(1);
        assertThat(s.currPages()).isEqualTo(1);
        assertThat(s.areas()).isEqualTo(1);
    }

    @Test
    void aBackendThatLosesAPersistentPage_makesTheLoadFailLoudly() {
        fsw.register(backend);
        fsw.init(0, disk);
        fsw.store(0, 5, seg(page(1)));
        PoolId pool = backend.client().pools().getFirst();
        backend.client().flushObject(pool, Frontswap.oid(5)); // behind frontswap's back

        assertThatThrownBy(() -> load(0, 5)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("lost the page of swap area 0 offset 5");
        assertThat(fsw.isStored(0, 5)).isFalse();
    }

    @Test
    void aPageWrittenThroughThatTheBackendLost_isAMissTheAreaAnswers() {
        fsw.register(backend);
        fsw.init(0, disk);
        fsw.store(0, 4, seg(page(0))); // stored before writethrough: only the backend has it
        fsw.writethrough(true);
        assertThat(fsw.store(0, 5, seg(page(1)))).as("writethrough: the caller writes it too").isFalse();
        PoolId pool = backend.client().pools().getFirst();
        backend.client().flushObject(pool, Frontswap.oid(5)); // behind frontswap's back, as a restarted server

        assertThat(load(0, 5)).as("a miss: the caller reads its swap area").isNull();
        assertThat(fsw.isStored(0, 5)).isFalse();
        assertThat(fsw.stats().lostWrittenThrough()).isEqualTo(1);
        // a page that was not written through is still a loud loss
        assertThat(Frontswap.oid(4)).isEqualTo(Frontswap.oid(5));
        assertThatThrownBy(() -> load(0, 4)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("lost the page of swap area 0 offset 4");
        // storing again without writethrough makes it the backend's alone once more
        fsw.writethrough(false);
        assertThat(fsw.store(0, 5, seg(page(2)))).isTrue();
        backend.client().flushObject(pool, Frontswap.oid(5));
        assertThatThrownBy(() -> load(0, 5)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aBackendThatPrefersWritethrough_turnsItOnWhenItRegisters() {
        FlakyBackend remoteLike = new FlakyBackend(backend) {
            @Override
            public boolean prefersWritethrough() {
                return true;
            }
        };
        assertThat(fsw.writethrough()).isFalse();
        fsw.register(remoteLike);
        assertThat(fsw.writethrough()).isTrue();
        fsw.init(0, disk);
        assertThat(fsw.store(0, 1, seg(page(1)))).isFalse();
        assertThat(load(0, 1)).isEqualTo(page(1));
        // the backend cannot answer (its server went away): the area answers instead
        remoteLike.throwOnGet = true;
        assertThat(load(0, 1)).isNull();
        assertThat(fsw.isStored(0, 1)).isFalse();
        assertThat(fsw.stats().lostWrittenThrough()).isEqualTo(1);
    }

    @Test
    void aReplacementThatFails_leavesWritethroughAsItWas() {
        FlakyBackend remoteLike = new FlakyBackend(local(64)) {
            @Override
            public boolean prefersWritethrough() {
                return true;
            }
        };
        fsw.register(backend);
        fsw.init(0, (offset, page) -> {
            throw new java.io.IOException("disk full");
        });
        assertThat(fsw.store(0, 1, seg(page(1)))).isTrue();
        assertThatThrownBy(() -> fsw.register(remoteLike)).isInstanceOf(java.io.UncheckedIOException.class);
        assertThat(fsw.backend()).isSameAs(backend);
        assertThat(fsw.writethrough()).as("nothing changed").isFalse();
        fsw.invalidatePage(0, 1); // so that the tear-down's unregister has nothing to write back
    }

    @Test
    void largerSwapPages_work() {
        Frontswap big = new Frontswap(65536);
        big.register(backend);
        big.init(0, disk);
        assertThat(big.store(0, 1, seg(page(1, 65536)))).isTrue();
        MemorySegment dst = MemorySegment.ofArray(new byte[65536]);
        assertThat(big.load(0, 1, dst)).isTrue();
        assertThat(bytes(dst)).isEqualTo(page(1, 65536));
        big.unregister();
    }
}
