package dev.tmem.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tmem.core.Harness.PoolRef;
import dev.tmem.core.Harness.TrackedPin;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SEMANTICS.md section 6: pinned pages and teardown. These run on the default raw off-heap store,
 * whose views are the stored bytes in place, so that memory freed under a pin would show.
 */
class PinnedPagesTest extends SpecTestBase {

    private static final String MATRIX = "{0} pageSize={1}";
    private static final Duration SHORT = Duration.ofMillis(50);

    private static byte[] bytes(MemorySegment seg) {
        return seg.toArray(ValueLayout.JAVA_BYTE);
    }

    @ParameterizedTest(name = MATRIX)
    @MethodSource("kindsAndSizes")
    void pin_viewEqualsPageAndIsReadOnly(Kind kind, int ps) {
        Harness h = harness(budgetFor(4, ps));
        PoolRef p = h.pool(h.client("a"), kind, ps);
        assertThat(p.put(1, 0, page(ps, 1))).isTrue();

        try (TrackedPin pin = p.pin(1, 0)) {
            MemorySegment seg = pin.segment();
            assertThat(seg.byteSize()).isEqualTo(ps);
            assertThat(bytes(seg)).isEqualTo(page(ps, 1));
            assertThat(seg.isReadOnly()).isTrue();
            assertThatThrownBy(() -> seg.set(ValueLayout.JAVA_BYTE, 0, (byte) 7))
                    .isInstanceOf(IllegalArgumentException.class); // the JDK's read-only segment error
            assertThatThrownBy(() -> seg.fill((byte) 7)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(p.get(1, 0)).isEqualTo(page(ps, 1));
    }

    @ParameterizedTest(name = MATRIX)
    @MethodSource("kindsAndSizes")
    void pin_missReturnsNullAndPinNeverRemovesThePage(Kind kind, int ps) {
        Harness h = harness(budgetFor(4, ps));
        PoolRef p = h.pool(h.client("a"), kind, ps);
        assertThat(p.pin(1, 0)).isNull();
        assertThat(p.put(1, 0, page(ps, 1))).isTrue();

        p.pin(1, 0).close();
        p.pin(1, 0).close();

        assertThat(p.get(1, 0)).isEqualTo(page(ps, 1));
        assertThat(h.engine.stats().pages()).isEqualTo(kind.hitRemoves() ? 0 : 1);
    }

    @ParameterizedTest(name = MATRIX)
    @MethodSource("ephemeralKindsAndSizes")
    void pin_pinnedPageNotEvictedUnderPressure(Kind kind, int ps) {
        Harness h = harness(budgetFor(2, ps));
        PoolRef p = h.pool(h.client("a"), kind, ps);
        assertThat(p.put(1, 0, page(ps, 0))).isTrue(); // the least recently used page, pinned
        TrackedPin pin = p.pin(1, 0);

        for (int i = 1; i <= 3; i++) {
            assertThat(p.put(1, i, page(ps, i))).as("put %d", i).isTrue();
        }

        assertThat(p.present(1, 0)).as("pinned page still held").isTrue();
        assertThat(bytes(pin.segment())).isEqualTo(page(ps, 0));
        assertThat(p.get(1, 1)).isNull();
        assertThat(p.get(1, 2)).isNull();
        assertThat(h.engine.stats().evictions()).isEqualTo(2);
        pin.close();
        assertThat(p.get(1, 0)).isEqualTo(page(ps, 0));
    }

    @ParameterizedTest(name = MATRIX)
    @MethodSource("ephemeralKindsAndSizes")
    void pin_putFailsWhenOnlyPinnedPagesCouldBeEvicted(Kind kind, int ps) {
        Harness h = harness(budgetFor(1, ps));
        TmemClient a = h.client("a");
        PoolRef p = h.pool(a, kind, ps);
        assertThat(p.put(1, 0, page(ps, 0))).isTrue();
        TrackedPin pin = p.pin(1, 0);

        assertThat(p.put(1, 1, page(ps, 1))).isFalse();

        assertThat(bytes(pin.segment())).isEqualTo(page(ps, 0));
        assertThat(a.stats().failedPuts()).isEqualTo(1);
        assertThat(a.stats().evictions()).isZero();
        pin.close();
        assertThat(p.put(1, 1, page(ps, 1))).as("unpinned, the page can be evicted").isTrue();
        assertThat(p.get(1, 1)).isEqualTo(page(ps, 1));
    }

    @ParameterizedTest(name = MATRIX)
    @MethodSource("kindsAndSizes")
    void pin_flushKeepsViewBytesUntilUnpin(Kind kind, int ps) {
        Harness h = harness(budgetFor(12, ps));
        PoolRef p = h.pool(h.client("a"), kind, ps);
        assertThat(p.put(1, 0, page(ps, 0))).isTrue();
        TrackedPin pin = p.pin(1, 0);

        assertThat(p.flushPage(1, 0)).isEqualTo(1);
        assertThat(p.get(1, 0)).isNull();
        // new pages would land in the flushed page's memory if it had been freed
        for (int i = 1; i <= 8; i++) {
            assertThat(p.put(2, i, page(ps, 100 + i))).isTrue();
        }
        assertThat(p.put(1, 0, page(ps, 1))).isTrue();

        assertThat(bytes(pin.segment())).isEqualTo(page(ps, 0));
        assertThat(p.get(1, 0)).isEqualTo(page(ps, 1));
        pin.close();
    }

    @ParameterizedTest(name = MATRIX)
    @MethodSource("kindsAndSizes")
    void pin_replaceKeepsViewBytesUntilUnpin(Kind kind, int ps) {
        Harness h = harness(budgetFor(12, ps));
        PoolRef p = h.pool(h.client("a"), kind, ps);
        assertThat(p.put(1, 0, page(ps, 0))).isTrue();
        TrackedPin pin = p.pin(1, 0);

        assertThat(p.put(1, 0, page(ps, 1))).isTrue();
        for (int i = 1; i <= 8; i++) {
            assertThat(p.put(2, i, page(ps, 100 + i))).isTrue();
        }

        assertThat(bytes(pin.segment())).isEqualTo(page(ps, 0));
        assertThat(p.get(1, 0)).isEqualTo(page(ps, 1));
        pin.close();
    }

    @ParameterizedTest(name = MATRIX)
    @MethodSource("kindsAndSizes")
    void pin_afterUnpinSegmentIsUnusable(Kind kind, int ps) {
        Harness h = harness(budgetFor(4, ps));
        PoolRef p = h.pool(h.client("a"), kind, ps);
        assertThat(p.put(1, 0, page(ps, 0))).isTrue();
        TrackedPin pin = p.pin(1, 0);
        MemorySegment seg = pin.segment();

        pin.close();

        assertThatThrownBy(() -> seg.get(ValueLayout.JAVA_BYTE, 0)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> pin.segment().get(ValueLayout.JAVA_BYTE, 0))
                .isInstanceOf(IllegalStateException.class);
    }

    @ParameterizedTest(name = MATRIX)
    @MethodSource("kindsAndSizes")
    void pin_doubleCloseThrowsOverReleaseAndReleasesNothingMore(Kind kind, int ps) {
        Harness h = harness(budgetFor(4, ps), b -> b.pinTimeout(SHORT));
        TmemClient a = h.client("a");
        PoolRef p = h.pool(a, kind, ps);
        assertThat(p.put(1, 0, page(ps, 0))).isTrue();
        assertThat(p.put(1, 1, page(ps, 1))).isTrue();
        TrackedPin first = p.pin(1, 0);
        TrackedPin second = p.pin(1, 1);

        first.close();
        assertThatThrownBy(first::close).isInstanceOf(OverReleaseException.class);

        // the over-release did not drop the pool's reference held for the second pin
        assertThatThrownBy(p::destroy).isInstanceOf(PinTimeoutException.class);
        assertThat(bytes(second.segment())).isEqualTo(page(ps, 1));
        second.close();
        assertThat(p.destroy()).isEqualTo(2);
    }

    @ParameterizedTest(name = MATRIX)
    @MethodSource("kindsAndSizes")
    void pin_nestedPinsOfOnePageHoldUntilTheLast(Kind kind, int ps) {
        Harness h = harness(budgetFor(4, ps), b -> b.pinTimeout(SHORT));
        PoolRef p = h.pool(h.client("a"), kind, ps);
        assertThat(p.put(1, 0, page(ps, 0))).isTrue();
        TrackedPin outer = p.pin(1, 0);
        TrackedPin inner = p.pin(1, 0);

        inner.close();
        assertThat(bytes(outer.segment())).isEqualTo(page(ps, 0));
        assertThatThrownBy(p::destroy).isInstanceOf(PinTimeoutException.class);
        outer.close();

        assertThat(p.destroy()).isEqualTo(1);
    }

    // ---------------------------------------------------------------- teardown waits for pins

    @ParameterizedTest(name = MATRIX)
    @MethodSource("kindsAndSizes")
    void pin_destroyPoolWaitsForUnpin(Kind kind, int ps) throws Exception {
        Harness h = harness(budgetFor(4, ps)); // the default pin timeout: long enough
        PoolRef p = h.pool(h.client("a"), kind, ps);
        assertThat(p.put(1, 0, page(ps, 0))).isTrue();
        TrackedPin pin = p.pin(1, 0);
        AtomicBoolean released = new AtomicBoolean();
        CountDownLatch started = new CountDownLatch(1);

        CompletableFuture<byte[]> unpinner = CompletableFuture.supplyAsync(() -> {
            started.countDown();
            sleep(150);
            byte[] seen = bytes(pin.segment()); // memory is not freed under a live pin
            released.set(true);
            pin.close();
            return seen;
        });
        started.await();

        assertThat(p.destroy()).isEqualTo(1);

        assertThat(released).as("destroyPool returned only after the unpin").isTrue();
        assertThat(unpinner.get(10, TimeUnit.SECONDS)).isEqualTo(page(ps, 0));
        assertThat(h.engine.stats().pages()).isZero();
        assertThat(h.engine.stats().pools()).isZero();
    }

    @ParameterizedTest(name = MATRIX)
    @MethodSource("kindsAndSizes")
    void pin_destroyPoolTimesOutWhilePinnedAndLeavesPoolIntact(Kind kind, int ps) {
        Harness h = harness(budgetFor(4, ps), b -> b.pinTimeout(SHORT));
        TmemClient a = h.client("a");
        PoolRef p = h.pool(a, kind, ps);
        assertThat(p.put(1, 0, page(ps, 0))).isTrue();
        assertThat(p.put(1, 1, page(ps, 1))).isTrue();
        TrackedPin pin = p.pin(1, 0);
        TmemStats before = h.engine.stats();

        assertThatThrownBy(p::destroy).isInstanceOf(PinTimeoutException.class);

        assertThat(h.engine.stats()).isEqualTo(before);
        assertThat(a.pools()).contains(p.id);
        assertThat(bytes(pin.segment())).isEqualTo(page(ps, 0));
        assertThat(p.get(1, 1)).isEqualTo(page(ps, 1));
        assertThat(p.put(1, 2, page(ps, 2))).as("the pool still takes puts").isTrue();
        pin.close();
        assertThat(p.get(1, 0)).isEqualTo(page(ps, 0));

        assertThat(p.destroy()).isEqualTo(kind.hitRemoves() ? 1 : 3);
    }

    @Test
    void pin_holdsItsOwnPoolOnly() {
        int ps = 4096;
        Harness h = harness(budgetFor(4, ps), b -> b.pinTimeout(SHORT));
        TmemClient a = h.client("a");
        PoolRef pinned = h.pool(a, Kind.PERSISTENT, ps);
        PoolRef other = h.pool(a, Kind.PERSISTENT, ps);
        assertThat(pinned.put(1, 0, page(ps, 0))).isTrue();
        assertThat(other.put(1, 0, page(ps, 1))).isTrue();
        TrackedPin pin = pinned.pin(1, 0);

        assertThat(other.destroy()).isEqualTo(1);

        assertThat(bytes(pin.segment())).isEqualTo(page(ps, 0));
        pin.close();
    }

    @Test
    void pin_sharedPoolDetachThatIsNotTheLastDoesNotWait() {
        int ps = 4096;
        Harness h = harness(budgetFor(4, ps), b -> b.pinTimeout(SHORT));
        UUID uuid = new UUID(2, 2);
        PoolRef x = h.newPool(h.client("x"), PoolSpec.shared(uuid, ps));
        PoolRef y = h.newPool(h.client("y"), PoolSpec.shared(uuid, ps));
        assertThat(x.put(1, 0, page(ps, 0))).isTrue();
        TrackedPin pin = x.pin(1, 0);

        assertThat(y.destroy()).as("a detach that is not the last").isZero();
        assertThatThrownBy(x::destroy).as("the last detach waits for the pin").isInstanceOf(PinTimeoutException.class);

        assertThat(bytes(pin.segment())).isEqualTo(page(ps, 0));
        pin.close();
        assertThat(x.destroy()).isEqualTo(1);
    }

    @Test
    void pin_clientCloseTimesOutWhilePinnedAndClientStaysOpen() {
        int ps = 4096;
        Harness h = harness(budgetFor(4, ps), b -> b.pinTimeout(SHORT));
        TmemClient a = h.client("a");
        PoolRef p = h.pool(a, Kind.PERSISTENT, ps);
        assertThat(p.put(1, 0, page(ps, 0))).isTrue();
        TrackedPin pin = p.pin(1, 0);

        assertThatThrownBy(a::close).isInstanceOf(PinTimeoutException.class);

        assertThat(p.get(1, 0)).isEqualTo(page(ps, 0));
        assertThat(p.put(1, 1, page(ps, 1))).isTrue();
        pin.close();
        h.closeClient(a);
        assertThat(h.engine.stats().pages()).isZero();
    }

    @Test
    void pin_engineCloseWaitsForUnpin() throws Exception {
        int ps = 4096;
        Harness h = harness(budgetFor(4, ps));
        PoolRef p = h.pool(h.client("a"), Kind.PERSISTENT, ps);
        assertThat(p.put(1, 0, page(ps, 0))).isTrue();
        TrackedPin pin = p.pin(1, 0);
        AtomicBoolean released = new AtomicBoolean();
        CountDownLatch started = new CountDownLatch(1);

        CompletableFuture<byte[]> unpinner = CompletableFuture.supplyAsync(() -> {
            started.countDown();
            sleep(150);
            byte[] seen = bytes(pin.segment());
            released.set(true);
            pin.close();
            return seen;
        });
        started.await();

        h.closeEngine();

        assertThat(released).as("close returned only after the unpin").isTrue();
        assertThat(unpinner.get(10, TimeUnit.SECONDS)).isEqualTo(page(ps, 0));
        assertThatThrownBy(() -> p.client.getPage(p.id, ObjectId.of(1), 0))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void pin_engineCloseTimesOutWhilePinnedAndEngineStaysUsable() {
        int ps = 4096;
        Harness h = harness(budgetFor(4, ps), b -> b.pinTimeout(SHORT));
        TmemClient a = h.client("a");
        PoolRef p = h.pool(a, Kind.PERSISTENT, ps);
        PoolRef q = h.pool(h.client("b"), Kind.SHARED_EPHEMERAL, ps);
        assertThat(p.put(1, 0, page(ps, 0))).isTrue();
        assertThat(q.put(1, 0, page(ps, 5))).isTrue();
        TrackedPin pin = p.pin(1, 0);
        TmemStats before = h.engine.stats();

        assertThatThrownBy(h.engine::close).isInstanceOf(PinTimeoutException.class);

        assertThat(h.engine.stats()).isEqualTo(before);
        assertThat(p.get(1, 0)).isEqualTo(page(ps, 0));
        assertThat(q.get(1, 0)).isEqualTo(page(ps, 5));
        assertThat(bytes(pin.segment())).isEqualTo(page(ps, 0));
        pin.close();
        h.closeEngine();
        assertThatThrownBy(() -> a.getPage(p.id, ObjectId.of(1), 0)).isInstanceOf(IllegalStateException.class);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
