package dev.tmem.frontend.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tmem.core.OverReleaseException;
import dev.tmem.core.PoolId;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The drain that lets a pool be destroyed: closed means no operation inside, now or later. */
class AttachmentTest {

    private final Attachment att = new Attachment(null, PoolId.of(3));

    @Test
    void closeAndDrain_waitsForTheOperationInside_andRefusesLaterOnes() throws Exception {
        assertThat(att.enter()).isTrue();
        AtomicBoolean exited = new AtomicBoolean();
        CountDownLatch drained = new CountDownLatch(1);
        Thread closer = new Thread(() -> {
            att.closeAndDrain();
            // forbidden: the drain returning while the operation is still inside
            assertThat(exited.get()).isTrue();
            drained.countDown();
        });
        closer.start();
        while (!att.closed()) {
            Thread.onSpinWait();
        }
        assertThat(att.enter()).as("enter after close").isFalse();
        assertThat(drained.getCount()).as("the drain waits for the operation inside").isEqualTo(1);
        exited.set(true);
        att.exit();
        closer.join();
        assertThat(drained.getCount()).isZero();
        assertThat(att.enter()).isFalse();
    }

    @Test
    void exitWithoutEnter_isDetected() {
        assertThatThrownBy(att::exit).isInstanceOf(OverReleaseException.class)
                .hasMessageContaining("pool 3 released more often than entered");
    }
}
