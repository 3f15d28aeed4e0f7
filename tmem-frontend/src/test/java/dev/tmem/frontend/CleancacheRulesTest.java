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
import dev.tmem.frontend.TestSupport.FlakyBackend;
import dev.tmem.frontend.local.LocalBackend;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** SEMANTICS.md section 3 (cleancache), one test per rule, with a local backend registered. */
class CleancacheRulesTest {

    private final Cleancache cc = new Cleancache();
    private final LocalBackend backend = local(64);

    @AfterEach
    void tearDown() {
        if (cc.backend() != null) {
            cc.unregister();
        }
        backend.close();
    }

    private byte[] get(int fs, ObjectId key, long index) {
        MemorySegment dst = MemorySegment.ofArray(new byte[cc.pageSize(fs)]);
        return cc.getPage(fs, key, index, dst) ? bytes(dst) : null;
    }

    @Test
    void initFs_givesEachFilesystemItsOwnPool() {
        cc.register(backend);
        int a = cc.initFs(PS);
        int b = cc.initFs(PS);
        assertThat(a).isNotEqualTo(b);
        cc.putPage(a, ObjectId.of(1), 0, seg(page(1)));
        cc.putPage(b, ObjectId.of(1), 0, seg(page(2)));

        assertThat(get(a, ObjectId.of(1), 0)).isEqualTo(page(1));
        assertThat(get(b, ObjectId.of(1), 0)).isEqualTo(page(2));
        assertThat(backend.client().pools()).hasSize(2);
    }

    @Test
    void putPage_copiesTheCallersBytes() {
        cc.register(backend);
        int fs = cc.initFs(PS);
        byte[] p = page(3);
        cc.putPage(fs, ObjectId.of(7), 5, seg(p));
        Arrays.fill(p, (byte) 0x5A);

        assertThat(get(fs, ObjectId.of(7), 5)).isEqualTo(page(3));
    }

    @Test
    void getPage_onPrivateFs_isExclusive_aHitRemovesThePage() {
        cc.register(backend);
        int fs = cc.initFs(PS);
        cc.putPage(fs, ObjectId.of(1), 9, seg(page(4)));

        assertThat(get(fs, ObjectId.of(1), 9)).isEqualTo(page(4));
        assertThat(get(fs, ObjectId.of(1), 9)).isNull();
    }

    @Test
    void getPage_missLeavesDstUnchanged() {
        cc.register(backend);
        int fs = cc.initFs(PS);
        byte[] dst = page(99);
        assertThat(cc.getPage(fs, ObjectId.of(1), 0, seg(dst))).isFalse();
        assertThat(dst).isEqualTo(page(99));
    }

    @Test
    void initSharedFs_sameUuidSharesPages_andAHitLeavesThePage() {
        cc.register(backend);
        UUID uuid = new UUID(1, 2);
        int a = cc.initSharedFs(uuid, PS);
        int b = cc.initSharedFs(uuid, PS);
        cc.putPage(a, ObjectId.of(3), 1, seg(page(5)));

        assertThat(get(b, ObjectId.of(3), 1)).isEqualTo(page(5));
        assertThat(get(a, ObjectId.of(3), 1)).isEqualTo(page(5));

        cc.invalidateFs(a); // one mount goes; the other still sees the pool
        assertThat(get(b, ObjectId.of(3), 1)).isEqualTo(page(5));
    }

    @Test
    void fileKeys_useAll192Bits() {
        cc.register(backend);
        int fs = cc.initFs(PS);
        ObjectId k1 = new ObjectId(1, 2, 3);
        ObjectId k2 = new ObjectId(1, 2, 4);
        cc.putPage(fs, k1, 0, seg(page(6)));
        cc.putPage(fs, k2, 0, seg(page(7)));

        assertThat(get(fs, k2, 0)).isEqualTo(page(7));
        assertThat(get(fs, k1, 0)).isEqualTo(page(6));
    }

    @Test
    void putPage_alwaysSucceedsForTheCaller_evenWhenTheBackendIsFull_andHitsAreExact() {
        LocalBackend tiny = local(2);
        try {
            cc.register(tiny);
            int fs = cc.initFs(PS);
            for (int i = 0; i < 10; i++) {
                cc.putPage(fs, ObjectId.of(1), i, seg(page(100 + i)));
            }
            int hits = 0;
            for (int i = 0; i < 10; i++) {
                byte[] got = get(fs, ObjectId.of(1), i);
                if (got != null) {
                    assertThat(got).isEqualTo(page(100 + i));
                    hits++;
                }
            }
            assertThat(hits).isBetween(1, 2);
            assertThat(cc.stats().puts()).isEqualTo(10);
        } finally {
            cc.unregister();
            tiny.close();
        }
    }

    @Test
    void invalidatePage_dropsThePage_andItDoesNotComeBack() {
        cc.register(backend);
        int fs = cc.initFs(PS);
        cc.putPage(fs, ObjectId.of(1), 0, seg(page(8)));
        cc.putPage(fs, ObjectId.of(1), 1, seg(page(9)));

        cc.invalidatePage(fs, ObjectId.of(1), 0);
        cc.invalidatePage(fs, ObjectId.of(1), 0); // idempotent

        assertThat(get(fs, ObjectId.of(1), 0)).isNull();
        assertThat(get(fs, ObjectId.of(1), 0)).isNull();
        assertThat(get(fs, ObjectId.of(1), 1)).isEqualTo(page(9));
    }

    @Test
    void invalidateInode_dropsEveryPageOfThatFileOnly() {
        cc.register(backend);
        int fs = cc.initFs(PS);
        for (int i = 0; i < 5; i++) {
            cc.putPage(fs, ObjectId.of(1), i, seg(page(10 + i)));
        }
        cc.putPage(fs, ObjectId.of(2), 0, seg(page(20)));

        cc.invalidateInode(fs, ObjectId.of(1));

        for (int i = 0; i < 5; i++) {
            assertThat(get(fs, ObjectId.of(1), i)).isNull();
        }
        assertThat(get(fs, ObjectId.of(2), 0)).isEqualTo(page(20));
    }

    @Test
    void invalidateFs_dropsItsPagesAndPool_andItsIdIsNotReused() {
        cc.register(backend);
        int fs = cc.initFs(PS);
        cc.putPage(fs, ObjectId.of(1), 0, seg(page(11)));

        cc.invalidateFs(fs);

        assertThat(backend.engine().stats().pages()).isZero();
        assertThat(backend.client().pools()).isEmpty();
        assertThatThrownBy(() -> cc.getPage(fs, ObjectId.of(1), 0, buf()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fs " + fs);
        assertThat(cc.initFs(PS)).isNotEqualTo(fs);
        assertThat(cc.filesystems()).doesNotContain(fs);
    }

    @Test
    void largerPageSizes_work_perFilesystem() {
        cc.register(backend);
        int fs = cc.initFs(16384);
        cc.putPage(fs, ObjectId.of(1), 0, seg(page(12, 16384)));
        assertThat(get(fs, ObjectId.of(1), 0)).isEqualTo(page(12, 16384));
        assertThatThrownBy(() -> cc.putPage(fs, ObjectId.of(1), 0, buf()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("16384");
    }

    @Test
    void counters_countSuccGetsFailedGetsPutsAndInvalidates() {
        cc.register(backend);
        int fs = cc.initFs(PS);
        cc.putPage(fs, ObjectId.of(1), 0, seg(page(1)));
        cc.putPage(fs, ObjectId.of(1), 1, seg(page(2)));
        get(fs, ObjectId.of(1), 0); // hit
        get(fs, ObjectId.of(1), 0); // miss
        get(fs, ObjectId.of(9), 0); // miss
        cc.invalidatePage(fs, ObjectId.of(1), 1);
        cc.invalidateInode(fs, ObjectId.of(1));

        CleancacheStats s = cc.stats();
        assertThat(s.succGets()).isEqualTo(1);
        assertThat(s.failedGets()).isEqualTo(2);
        assertThat(s.puts()).isEqualTo(2);
        assertThat(s.invalidates()).isEqualTo(2);
        assertThat(s.filesystems()).isEqualTo(1);
    }

    @Test
    void aFailingBackend_givesMisses_notExceptions() {
        FlakyBackend flaky = new FlakyBackend(backend);
        cc.register(flaky);
        int fs = cc.initFs(PS);
        cc.putPage(fs, ObjectId.of(1), 0, seg(page(1)));
        flaky.throwOnGet = true;

        assertThat(cc.getPage(fs, ObjectId.of(1), 0, buf())).isFalse();
        assertThat(cc.stats().backendErrors()).isEqualTo(1);
        assertThat(cc.stats().failedGets()).isEqualTo(1);
    }
}
