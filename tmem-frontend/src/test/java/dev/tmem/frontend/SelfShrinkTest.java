package dev.tmem.frontend;

import static dev.tmem.frontend.TestSupport.local;
import static dev.tmem.frontend.TestSupport.page;
import static dev.tmem.frontend.TestSupport.seg;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tmem.frontend.TestSupport.FlakyBackend;
import dev.tmem.frontend.TestSupport.SwapDisk;
import dev.tmem.frontend.local.LocalBackend;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Self-shrinking: steps only under lasting pressure, each a fixed share, and pages land on their disk. */
class SelfShrinkTest {

    private final Frontswap fsw = new Frontswap();
    private final LocalBackend inner = local(256);
    private final SwapDisk disk = new SwapDisk();
    private volatile boolean pressure;
    private final FlakyBackend backend = new FlakyBackend(inner) {
        @Override
        public boolean underPressure() {
            return pressure;
        }
    };

    @AfterEach
    void tearDown() {
        if (fsw.backend() != null) {
            fsw.unregister();
        }
        inner.close();
    }

    private void fill(int pages) {
        fsw.register(backend);
        fsw.init(0, disk);
        for (int i = 0; i < pages; i++) {
            assertThat(fsw.store(0, i, seg(page(i)))).isTrue();
        }
    }

    @Test
    void withoutPressure_nothingMoves() {
        fill(100);
        SelfShrink s = new SelfShrink(fsw, 20, 3);
        for (int i = 0; i < 10; i++) {
            assertThat(s.tick()).isZero();
        }
        assertThat(fsw.currPages()).isEqualTo(100);
    }

    @Test
    void underLastingPressure_eachStepGivesBackOneHysteresisShare_afterInertiaTicks() {
        fill(100);
        SelfShrink s = new SelfShrink(fsw, 20, 3);
        pressure = true;

        assertThat(s.tick()).isZero();
        assertThat(s.tick()).isZero();
        assertThat(s.tick()).isEqualTo(5); // 100 - 100/20
        assertThat(fsw.currPages()).isEqualTo(95);
        assertThat(s.tick()).isZero();
        assertThat(s.tick()).isZero();
        assertThat(s.tick()).isEqualTo(4); // 95 - 95/20 = 91

        for (int i = 0; i < 5; i++) {
            assertThat(fsw.isStored(0, i)).isFalse();
            assertThat(disk.read(i)).isEqualTo(page(i));
        }
        assertThat(s.steps()).isEqualTo(2);
        assertThat(s.pagesMoved()).isEqualTo(9);
    }

    @Test
    void pressureThatStops_resetsTheInertia() {
        fill(100);
        SelfShrink s = new SelfShrink(fsw, 20, 3);
        pressure = true;
        s.tick();
        s.tick();
        pressure = false;
        assertThat(s.tick()).isZero();
        pressure = true;
        assertThat(s.tick()).isZero();
        assertThat(s.tick()).isZero();
        assertThat(s.tick()).isEqualTo(5);
    }

    @Test
    void atMostHysteresisPagesLeft_aStepMovesThemAll() {
        fill(15);
        SelfShrink s = new SelfShrink(fsw, 20, 1);
        pressure = true;
        assertThat(s.tick()).isEqualTo(15);
        assertThat(fsw.currPages()).isZero();
        assertThat(s.tick()).isZero();
    }

    @Test
    void localBackend_reportsPressureNearItsBudget() {
        LocalBackend small = local(10).pressurePercent(50);
        try {
            fsw.register(small);
            fsw.init(0, disk);
            for (int i = 0; i < 4; i++) {
                fsw.store(0, i, seg(page(i)));
            }
            assertThat(small.underPressure()).isFalse();
            fsw.store(0, 4, seg(page(4)));
            assertThat(small.underPressure()).isTrue();
            SelfShrink s = new SelfShrink(fsw, 2, 1);
            assertThat(s.tick()).isEqualTo(2); // 5 pages, target 5 - 5/2 = 3
            assertThat(fsw.currPages()).isEqualTo(3);
            assertThat(small.underPressure()).isFalse();
        } finally {
            fsw.unregister();
            small.close();
        }
    }

    @Test
    @Timeout(60) // a hang guard, not a speed check
    void started_itTicksOnItsOwnUntilClosed() throws Exception {
        fill(40);
        pressure = true;
        SelfShrink s = new SelfShrink(fsw, 4, 1);
        s.start(Duration.ofMillis(1));
        assertThatThrownBy(() -> s.start(Duration.ofMillis(1))).isInstanceOf(IllegalStateException.class);
        while (fsw.currPages() > 0) {
            Thread.sleep(1);
        }
        s.close();
        assertThat(s.pagesMoved()).isEqualTo(40);
        for (int i = 0; i < 40; i++) {
            assertThat(disk.read(i)).isEqualTo(page(i));
        }
        assertThatThrownBy(() -> new SelfShrink(fsw, 0, 1)).hasMessage("hysteresis must be >= 1, was 0");
    }
}
