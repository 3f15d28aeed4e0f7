package dev.tmem.frontend;

import static dev.tmem.frontend.TestSupport.PS;
import static dev.tmem.frontend.TestSupport.buf;
import static dev.tmem.frontend.TestSupport.bytes;
import static dev.tmem.frontend.TestSupport.local;
import static dev.tmem.frontend.TestSupport.page;
import static dev.tmem.frontend.TestSupport.seg;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tmem.core.ObjectId;
import dev.tmem.core.PoolId;
import dev.tmem.core.PoolSpec;
import dev.tmem.frontend.TestSupport.FlakyBackend;
import dev.tmem.frontend.TestSupport.SwapDisk;
import dev.tmem.frontend.local.LocalBackend;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * SEMANTICS.md section 5: every order of mount/swapon, backend registration, I/O, unmount/swapoff
 * and unload, each as its own test (the concurrent orders are in {@link LifecycleStressTest}).
 */
class LazyInitTest {

    private final Cleancache cc = new Cleancache();
    private final Frontswap fsw = new Frontswap();
    private final SwapDisk disk = new SwapDisk();
    private final List<LocalBackend> backends = new ArrayList<>();

    private LocalBackend newBackend() {
        LocalBackend b = local(256);
        backends.add(b);
        return b;
    }

    @AfterEach
    void tearDown() {
        if (cc.backend() != null) {
            cc.unregister();
        }
        if (fsw.backend() != null) {
            fsw.unregister();
        }
        backends.forEach(LocalBackend::close);
    }

    private byte[] ccGet(int fs, long key, long index) {
        MemorySegment dst = buf();
        return cc.getPage(fs, ObjectId.of(key), index, dst) ? bytes(dst) : null;
    }

    private byte[] load(int type, long offset) {
        MemorySegment dst = buf();
        return fsw.load(type, offset, dst) ? bytes(dst) : null;
    }

    // ------------------------------------------------------------------ 5.1 no backend

    @Test
    void noBackend_initFsIsRemembered_getsMiss_putsAreDropped_invalidationsAreNoOps() {
        int fs = cc.initFs(PS);
        cc.putPage(fs, ObjectId.of(1), 0, seg(page(1)));
        assertThat(ccGet(fs, 1, 0)).isNull();
        cc.invalidatePage(fs, ObjectId.of(1), 0);
        cc.invalidateInode(fs, ObjectId.of(1));

        assertThat(cc.filesystems()).containsExactly(fs);
        CleancacheStats s = cc.stats();
        assertThat(s.putsNoBackend()).isEqualTo(1);
        assertThat(s.puts()).isZero();
        assertThat(s.failedGets()).isEqualTo(1);
        assertThat(s.invalidates()).isZero();
    }

    @Test
    void noBackend_initIsRemembered_storesAreRefused_loadsMiss_invalidationsAreNoOps() {
        fsw.init(3, disk);
        assertThat(fsw.store(3, 1, seg(page(1)))).isFalse();
        assertThat(load(3, 1)).isNull();
        fsw.invalidatePage(3, 1);

        assertThat(fsw.areas()).containsExactly(3);
        assertThat(fsw.currPages()).isZero();
        assertThat(fsw.stats().storesNoBackend()).isEqualTo(1);
    }

    // ------------------------------------------------------------------ 5.2 replay on registration

    @Test
    void mountThenLoad_theRememberedFilesystemIsReplayed_andWorks() {
        int fs = cc.initFs(PS);
        cc.putPage(fs, ObjectId.of(1), 0, seg(page(1))); // dropped: no backend
        LocalBackend b = newBackend();

        assertThat(cc.register(b)).isNull();

        assertThat(b.client().pools()).hasSize(1);
        assertThat(ccGet(fs, 1, 0)).isNull(); // nothing from before registration
        cc.putPage(fs, ObjectId.of(1), 0, seg(page(2)));
        assertThat(ccGet(fs, 1, 0)).isEqualTo(page(2));
    }

    @Test
    void swaponThenLoad_theRememberedAreaIsReplayed_andStoresReachTheBackend() {
        fsw.init(0, disk);
        fsw.init(7, new SwapDisk());
        LocalBackend b = newBackend();

        assertThat(fsw.register(b)).isNull();

        assertThat(b.client().pools()).hasSize(2);
        assertThat(fsw.store(7, 5, seg(page(1)))).isTrue();
        assertThat(load(7, 5)).isEqualTo(page(1));
    }

    @Test
    void loadThenMount_andLoadThenSwapon_getPoolsAtOnce() {
        LocalBackend b = newBackend();
        cc.register(b);
        fsw.register(b);

        int fs = cc.initFs(PS);
        fsw.init(0, disk);

        assertThat(b.client().pools()).hasSize(2);
        cc.putPage(fs, ObjectId.of(1), 0, seg(page(1)));
        assertThat(ccGet(fs, 1, 0)).isEqualTo(page(1));
        assertThat(fsw.store(0, 1, seg(page(2)))).isTrue();
    }

    @Test
    void sharedFilesystems_areReplayedByUuid() {
        UUID uuid = new UUID(7, 7);
        int a = cc.initSharedFs(uuid, PS);
        int c = cc.initSharedFs(uuid, PS);
        cc.register(newBackend());

        cc.putPage(a, ObjectId.of(1), 0, seg(page(1)));
        assertThat(ccGet(c, 1, 0)).isEqualTo(page(1));
    }

    @Test
    void registration_publishesOnlyAfterEveryAreaAndFilesystemIsReplayed() {
        for (int i = 0; i < 5; i++) {
            cc.initFs(PS);
            fsw.init(i, new SwapDisk());
        }
        List<String> seenDuringReplay = new ArrayList<>();
        class Watching extends FlakyBackend {
            Watching(LocalBackend inner) {
                super(inner);
            }

            @Override
            public PoolId newPool(PoolSpec spec) {
                // while replaying, neither frontend may show this backend yet
                seenDuringReplay.add(String.valueOf(cc.backend()) + "/" + fsw.backend());
                return super.newPool(spec);
            }
        }
        Watching w = new Watching(newBackend());
        cc.register(w);
        fsw.register(w);

        assertThat(seenDuringReplay).hasSize(10);
        assertThat(seenDuringReplay.subList(0, 5)).containsOnly("null/null");
        assertThat(seenDuringReplay.subList(5, 10)).allMatch(s -> s.startsWith(w.toString() + "/null"));
        assertThat(cc.backend()).isSameAs(w);
        assertThat(fsw.backend()).isSameAs(w);
    }

    @Test
    void manyFilesystemsAndAreas_farBeyond32_areAllReplayed() {
        int n = 100;
        int[] fss = new int[n];
        for (int i = 0; i < n; i++) {
            fss[i] = cc.initFs(PS);
            fsw.init(i * 3, new SwapDisk());
        }
        LocalBackend b = newBackend();
        cc.register(b);
        fsw.register(b);

        assertThat(b.client().pools()).hasSize(2 * n);
        for (int i = 0; i < n; i++) {
            cc.putPage(fss[i], ObjectId.of(1), 0, seg(page(i)));
            assertThat(fsw.store(i * 3, 0, seg(page(1000 + i)))).isTrue();
        }
        for (int i = 0; i < n; i++) {
            assertThat(ccGet(fss[i], 1, 0)).isEqualTo(page(i));
            assertThat(load(i * 3, 0)).isEqualTo(page(1000 + i));
        }
    }

    @Test
    void registration_returnsThePreviousBackend() {
        LocalBackend a = newBackend();
        LocalBackend b = newBackend();
        assertThat(cc.register(a)).isNull();
        assertThat(cc.register(b)).isSameAs(a);
        assertThat(fsw.register(a)).isNull();
        assertThat(fsw.register(b)).isSameAs(a);
        assertThatThrownBy(() -> fsw.register(b)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already registered");
    }

    // ------------------------------------------------------------------ 5.3 store before replay

    @Test
    void aStoreToAnAreaTheBackendHasNoPoolFor_initializesItFirst() {
        fsw.init(0, disk);
        FlakyBackend b = new FlakyBackend(newBackend());
        b.failNewPools.set(1); // the replay of area 0 fails

        fsw.register(b);
        assertThat(fsw.stats().replayFailures()).isEqualTo(1);
        assertThat(b.newPools.get()).isZero();

        assertThat(fsw.store(0, 4, seg(page(1)))).isTrue();
        assertThat(b.newPools.get()).isEqualTo(1);
        assertThat(load(0, 4)).isEqualTo(page(1));
    }

    // ------------------------------------------------------------------ 5.4 unmount / swapoff

    @Test
    void unmountWithoutBackend_forgetsTheFilesystem_soRegistrationCreatesNoPool() {
        int fs = cc.initFs(PS);
        cc.invalidateFs(fs);
        FlakyBackend b = new FlakyBackend(newBackend());
        cc.register(b);

        assertThat(b.newPools.get()).isZero();
        assertThat(cc.filesystems()).isEmpty();
    }

    @Test
    void swaponSwapoffThenLoad_leavesNothingBehind() {
        fsw.init(0, disk);
        fsw.store(0, 1, seg(page(1)));
        fsw.invalidateArea(0);
        LocalBackend b = newBackend();

        fsw.register(b);

        assertThat(b.client().pools()).isEmpty();
        assertThat(b.engine().stats().pools()).isZero();
        assertThat(fsw.areas()).isEmpty();
        assertThat(fsw.currPages()).isZero();
        fsw.init(0, disk); // the same type can be used again, fresh
        assertThat(load(0, 1)).isNull();
    }

    @Test
    void swapoffWithABackend_destroysThePool_andUnmountWithABackendToo() {
        LocalBackend b = newBackend();
        cc.register(b);
        fsw.register(b);
        int fs = cc.initFs(PS);
        fsw.init(0, disk);
        cc.putPage(fs, ObjectId.of(1), 0, seg(page(1)));
        fsw.store(0, 1, seg(page(2)));

        cc.invalidateFs(fs);
        fsw.invalidateArea(0);

        assertThat(b.client().pools()).isEmpty();
        assertThat(b.engine().stats().pages()).isZero();
    }

    // ------------------------------------------------------------------ 5.6 unload

    @Test
    void unload_writesEveryFrontswapPageBack_dropsCleancache_andReturnsToNoBackend() {
        LocalBackend b = newBackend();
        cc.register(b);
        fsw.register(b);
        int fs = cc.initFs(PS);
        fsw.init(0, disk);
        SwapDisk disk2 = new SwapDisk();
        fsw.init(2, disk2);
        cc.putPage(fs, ObjectId.of(1), 0, seg(page(1)));
        for (int i = 0; i < 100; i++) {
            assertThat(fsw.store(i % 2 == 0 ? 0 : 2, i, seg(page(100 + i)))).isTrue();
        }

        assertThat(fsw.unregister()).isSameAs(b);
        assertThat(cc.unregister()).isSameAs(b);

        for (int i = 0; i < 100; i++) {
            assertThat((i % 2 == 0 ? disk : disk2).read(i)).isEqualTo(page(100 + i));
        }
        assertThat(fsw.stats().writtenBack()).isEqualTo(100);
        assertThat(fsw.currPages()).isZero();
        assertThat(b.client().pools()).isEmpty();
        assertThat(b.engine().stats().pages()).isZero();
        // state 1 again: remembered, no backend
        assertThat(cc.filesystems()).containsExactly(fs);
        assertThat(fsw.areas()).containsExactly(0, 2);
        assertThat(fsw.store(0, 1, seg(page(1)))).isFalse();
        assertThat(ccGet(fs, 1, 0)).isNull();
    }

    @Test
    void replace_movesSwapPagesToTheirAreas_andTheNewBackendStartsEmptyAndReplayed() {
        LocalBackend a = newBackend();
        fsw.init(0, disk);
        int fs = cc.initFs(PS);
        fsw.register(a);
        cc.register(a);
        fsw.store(0, 1, seg(page(1)));
        cc.putPage(fs, ObjectId.of(1), 0, seg(page(2)));
        LocalBackend b = newBackend();

        assertThat(fsw.register(b)).isSameAs(a);
        assertThat(cc.register(b)).isSameAs(a);

        assertThat(disk.read(1)).isEqualTo(page(1));
        assertThat(load(0, 1)).isNull();
        assertThat(ccGet(fs, 1, 0)).isNull(); // no resurrection across backends
        assertThat(a.engine().stats().pools()).isZero();
        assertThat(b.client().pools()).hasSize(2);
        assertThat(fsw.store(0, 1, seg(page(3)))).isTrue();
        assertThat(load(0, 1)).isEqualTo(page(3));
    }

    @Test
    void unload_whoseWritebackFails_keepsTheBackendAndLosesNoPage() {
        LocalBackend b = newBackend();
        fsw.register(b);
        fsw.init(0, disk);
        for (int i = 0; i < 10; i++) {
            fsw.store(0, i, seg(page(i)));
        }
        disk.failAt = 6;

        assertThatThrownBy(fsw::unregister).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("offset 6");

        assertThat(fsw.backend()).isSameAs(b);
        for (int i = 0; i < 10; i++) {
            byte[] got = fsw.isStored(0, i) ? load(0, i) : disk.read(i);
            assertThat(got).as("offset %d", i).isEqualTo(page(i));
        }
        assertThat(fsw.store(0, 20, seg(page(20)))).isTrue(); // stores work again

        disk.failAt = -1;
        fsw.unregister();
        for (int i = 0; i < 10; i++) {
            assertThat(disk.read(i)).isEqualTo(page(i));
        }
        assertThat(disk.read(20)).isEqualTo(page(20));
    }

    @Test
    void unregisterWithNoBackend_isAClearError() {
        assertThatThrownBy(fsw::unregister).isInstanceOf(IllegalStateException.class)
                .hasMessage("no backend is registered with frontswap");
        assertThatThrownBy(cc::unregister).isInstanceOf(IllegalStateException.class)
                .hasMessage("no backend is registered with cleancache");
    }
}
