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
import dev.tmem.frontend.TestSupport.SwapDisk;
import dev.tmem.frontend.local.LocalBackend;
import dev.tmem.frontend.spi.BackendConfigException;
import dev.tmem.frontend.spi.TmemBackend;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SEMANTICS.md section 7 for the frontends: every malformed call gets an exception whose message
 * names the bad argument, and changes nothing: the pages stored before are all still there after.
 */
class BadInputTest {

    private Frontends f;
    private Cleancache cc;
    private Frontswap fsw;
    private final SwapDisk disk = new SwapDisk();
    private int fs;

    @BeforeEach
    void setUp() {
        f = new Frontends(BackendRegistry.fromClassPath(), PS);
        cc = f.cleancache();
        fsw = f.frontswap();
        f.load("local", List.of("budget_mb=4"));
        fs = cc.initSharedFs(new java.util.UUID(3, 3), PS); // shared: gets leave pages, so checks can repeat
        fsw.init(0, disk);
        cc.putPage(fs, ObjectId.of(1), 0, seg(page(1)));
        assertThat(fsw.store(0, 1, seg(page(2)))).isTrue();
    }

    @AfterEach
    void nothingChanged() {
        MemorySegment dst = buf();
        assertThat(cc.getPage(fs, ObjectId.of(1), 0, dst)).isTrue();
        assertThat(bytes(dst)).isEqualTo(page(1));
        assertThat(fsw.load(0, 1, dst)).isTrue();
        assertThat(bytes(dst)).isEqualTo(page(2));
        assertThat(fsw.currPages()).isEqualTo(1);
        assertThat(fsw.areas()).containsExactly(0);
        assertThat(cc.filesystems()).containsExactly(fs);
        f.close();
    }

    @Test
    void cleancache_badArguments() {
        assertThatThrownBy(() -> cc.initFs(1000)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pageSize").hasMessageContaining("1000");
        assertThatThrownBy(() -> cc.initSharedFs(null, PS)).isInstanceOf(NullPointerException.class)
                .hasMessage("uuid");
        assertThatThrownBy(() -> cc.getPage(fs + 100, ObjectId.of(1), 0, buf()))
                .hasMessageContaining("fs " + (fs + 100) + " is not an initialized filesystem");
        assertThatThrownBy(() -> cc.putPage(fs, null, 0, buf())).isInstanceOf(NullPointerException.class)
                .hasMessage("key");
        assertThatThrownBy(() -> cc.putPage(fs, ObjectId.of(1), -1, buf()))
                .hasMessageContaining("index must be an unsigned 32-bit value");
        assertThatThrownBy(() -> cc.putPage(fs, ObjectId.of(1), 1L << 32, buf()))
                .hasMessageContaining("index");
        assertThatThrownBy(() -> cc.putPage(fs, ObjectId.of(1), 0, MemorySegment.ofArray(new byte[100])))
                .hasMessageContaining("page must be 4096 bytes");
        assertThatThrownBy(() -> cc.getPage(fs, ObjectId.of(1), 0, null)).isInstanceOf(NullPointerException.class)
                .hasMessage("dst");
        assertThatThrownBy(() -> cc.getPage(fs, ObjectId.of(1), 0, buf().asReadOnly()))
                .hasMessage("dst is read-only");
        assertThatThrownBy(() -> cc.invalidateFs(fs + 100)).hasMessageContaining("not an initialized filesystem");
    }

    @Test
    void cleancache_ioAfterUnmount_isAClearError() {
        int other = cc.initFs(PS);
        cc.invalidateFs(other);
        assertThatThrownBy(() -> cc.putPage(other, ObjectId.of(1), 0, buf()))
                .hasMessageContaining("fs " + other + " is not an initialized filesystem (no initFs, or invalidateFs since)");
        assertThatThrownBy(() -> cc.invalidateFs(other)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void frontswap_badArguments() {
        assertThatThrownBy(() -> new Frontswap(3000)).hasMessageContaining("pageSize");
        assertThatThrownBy(() -> fsw.init(-1, disk)).hasMessage("type must be >= 0, was -1");
        assertThatThrownBy(() -> fsw.init(0, disk)).isInstanceOf(IllegalStateException.class)
                .hasMessage("swap area 0 is already initialized");
        assertThatThrownBy(() -> fsw.init(1, null)).isInstanceOf(NullPointerException.class).hasMessage("writeback");
        assertThatThrownBy(() -> fsw.store(5, 1, buf())).hasMessageContaining("swap area 5 is not initialized");
        assertThatThrownBy(() -> fsw.store(0, -1, buf())).hasMessage("offset must be 0..4294967295, was -1");
        assertThatThrownBy(() -> fsw.load(0, 1L << 32, buf())).hasMessageContaining("offset must be");
        assertThatThrownBy(() -> fsw.store(0, 1, null)).isInstanceOf(NullPointerException.class).hasMessage("page");
        assertThatThrownBy(() -> fsw.store(0, 1, MemorySegment.ofArray(new byte[8192])))
                .hasMessage("page must be 4096 bytes, was 8192");
        assertThatThrownBy(() -> fsw.load(0, 1, buf().asReadOnly())).hasMessage("dst is read-only");
        assertThatThrownBy(() -> fsw.shrink(-1)).hasMessage("targetPages must be >= 0, was -1");
        assertThatThrownBy(() -> fsw.invalidateArea(9)).hasMessageContaining("swap area 9 is not initialized");
    }

    @Test
    void backends_unknownNameOrBadParameters_leaveTheLoadedBackendInPlace() {
        TmemBackend loaded = f.backend();
        assertThatThrownBy(() -> f.load("ramster", List.of())).isInstanceOf(BackendConfigException.class)
                .hasMessage("unknown backend 'ramster'; available: local");
        assertThatThrownBy(() -> f.load("local", List.of("budget_mb=-5"))).isInstanceOf(BackendConfigException.class)
                .hasMessageContaining("budget_mb").hasMessageContaining("backend local accepts:");
        assertThat(f.backend()).isSameAs(loaded);
    }

    @Test
    void backends_registeringTheLoadedOneAgain_isAClearError() {
        TmemBackend loaded = f.backend();
        assertThatThrownBy(() -> f.register(loaded)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is already registered");
        assertThatThrownBy(() -> fsw.register(loaded)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already registered with frontswap");
        assertThatThrownBy(() -> cc.register(loaded)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already registered with cleancache");
        assertThat(f.backend()).isSameAs(loaded);
    }

    @Test
    void backends_unloadingWithNoneLoaded_isAClearError() {
        try (Frontends empty = new Frontends(BackendRegistry.empty(), PS)) {
            assertThatThrownBy(empty::unload).isInstanceOf(IllegalStateException.class)
                    .hasMessage("no backend is loaded");
            LocalBackend b = local(4);
            try {
                assertThat(empty.register(b)).isNull();
                assertThat(empty.unload()).isSameAs(b);
                assertThatThrownBy(empty::unload).hasMessage("no backend is loaded");
            } finally {
                b.close();
            }
        }
    }
}
