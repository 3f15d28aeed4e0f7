package dev.tmem.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tmem.core.Harness.PoolRef;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SEMANTICS.md section 7: every malformed call throws an exception of the documented type whose
 * message names the bad argument, and changes nothing: global and per-client stats are equal before
 * and after, and the page already at the handle is still there with the same bytes (on a private
 * ephemeral pool too, where a real get would have taken it).
 */
class BadInputTest extends SpecTestBase {

    private static final String MATRIX = "{0} pageSize={1}";

    /** Runs {@code call}, expects {@code type} naming {@code name}, and checks that nothing changed. */
    private static void assertRejected(Harness h, Class<? extends Throwable> type, String name,
            ThrowingCallable call) {
        assertRejected(h, type, name, new Call("", call));
    }

    private static void assertRejected(Harness h, Class<? extends Throwable> type, String name, Call call) {
        TmemStats before = h.engine.stats();
        List<ClientStats> clientsBefore = h.engine.clientStats();

        assertThatThrownBy(call.call).as(call.label).isInstanceOf(type).hasMessageContaining(name);

        assertThat(h.engine.stats()).as("stats unchanged after " + call.label).isEqualTo(before);
        assertThat(h.engine.clientStats()).as("client stats unchanged after " + call.label)
                .containsExactlyInAnyOrderElementsOf(clientsBefore);
    }

    /** A call with a label saying which one it is, for the failure message. */
    private record Call(String label, ThrowingCallable call) {}

    private static Call call(String label, ThrowingCallable c) {
        return new Call(label, c);
    }

    /** An engine with one pool of the kind holding one page at (1, 0). */
    private record Setup(Harness h, TmemClient a, PoolRef p, byte[] page) {

        void pageStillThere() {
            assertThat(p.present(1, 0)).as("the page at (1, 0) is still held").isTrue();
            assertThat(p.get(1, 0)).isEqualTo(page);
        }
    }

    private Setup setup(Kind kind, int ps) {
        Harness h = harness(budgetFor(8, ps));
        TmemClient a = h.client("a");
        PoolRef p = h.pool(a, kind, ps);
        byte[] page = page(ps, 1);
        assertThat(p.put(1, 0, page)).isTrue();
        return new Setup(h, a, p, page);
    }

    // ---------------------------------------------------------------- nulls

    @ParameterizedTest(name = MATRIX)
    @MethodSource("kindsAndSizes")
    void nullArguments_throwNpeNamingTheArgument(Kind kind, int ps) {
        Setup s = setup(kind, ps);
        TmemClient a = s.a;
        PoolId pool = s.p.id;
        ObjectId oid = ObjectId.of(1);
        byte[] page = page(ps, 2);
        MemorySegment seg = MemorySegment.ofArray(page.clone());
        MemorySegment dst = MemorySegment.ofArray(new byte[ps]);

        Map<String, List<Call>> cases = new LinkedHashMap<>();
        cases.put("pool", List.of(
                call("a.putPage(null, oid, 0, page)", () -> a.putPage(null, oid, 0, page)),
                call("a.putPage(null, oid, 0, seg)", () -> a.putPage(null, oid, 0, seg)),
                call("a.getPage(null, oid, 0)", () -> a.getPage(null, oid, 0)),
                call("a.getPage(null, oid, 0, dst)", () -> a.getPage(null, oid, 0, dst)),
                call("a.getPage(null, oid, 0, dst, true)", () -> a.getPage(null, oid, 0, dst, true)),
                call("a.flushPage(null, oid, 0)", () -> a.flushPage(null, oid, 0)),
                call("a.flushObject(null, oid)", () -> a.flushObject(null, oid)),
                call("a.pin(null, oid, 0)", () -> a.pin(null, oid, 0)),
                call("a.poolSpec(null)", () -> a.poolSpec(null)),
                call("a.destroyPool(null)", () -> a.destroyPool(null))));
        cases.put("oid", List.of(
                call("a.putPage(pool, null, 0, page)", () -> a.putPage(pool, null, 0, page)),
                call("a.putPage(pool, null, 0, seg)", () -> a.putPage(pool, null, 0, seg)),
                call("a.getPage(pool, null, 0)", () -> a.getPage(pool, null, 0)),
                call("a.getPage(pool, null, 0, dst)", () -> a.getPage(pool, null, 0, dst)),
                call("a.getPage(pool, null, 0, dst, true)", () -> a.getPage(pool, null, 0, dst, true)),
                call("a.flushPage(pool, null, 0)", () -> a.flushPage(pool, null, 0)),
                call("a.flushObject(pool, null)", () -> a.flushObject(pool, null)),
                call("a.pin(pool, null, 0)", () -> a.pin(pool, null, 0))));
        cases.put("page", List.of(
                call("a.putPage(pool, oid, 0, (byte[]) null)", () -> a.putPage(pool, oid, 0, (byte[]) null)),
                call("a.putPage(pool, oid, 0, (MemorySegment) null)", () -> a.putPage(pool, oid, 0, (MemorySegment) null))));
        cases.put("dst", List.of(
                call("a.getPage(pool, oid, 0, null)", () -> a.getPage(pool, oid, 0, null)),
                call("a.getPage(pool, oid, 0, null, true)", () -> a.getPage(pool, oid, 0, null, true))));
        cases.put("spec", List.of(call("a.newPool(null)", () -> a.newPool(null))));

        cases.forEach((name, calls) -> {
            for (Call call : calls) {
                assertRejected(s.h, NullPointerException.class, name, call);
            }
        });
        assertThat(a.pools()).containsExactly(pool);
        s.pageStillThere();
    }

    // ---------------------------------------------------------------- page and dst sizes

    @ParameterizedTest(name = MATRIX)
    @MethodSource("kindsAndSizes")
    void pageOfWrongLength_rejectedNamingPage(Kind kind, int ps) {
        Setup s = setup(kind, ps);
        int[] lengths = {0, 1, ps - 1, ps + 1, 2 * ps, ps == 4096 ? 65536 : 4096};

        try (Arena arena = Arena.ofConfined()) {
            for (int len : lengths) {
                byte[] bad = new byte[len];
                MemorySegment offHeap = arena.allocate(Math.max(len, 1)).asSlice(0, len);
                for (long idx : new long[] {0, 1}) { // a handle holding a page, and an empty one
                    assertRejected(s.h, IllegalArgumentException.class, "page",
                            () -> s.a.putPage(s.p.id, ObjectId.of(1), idx, bad));
                    assertRejected(s.h, IllegalArgumentException.class, "page",
                            () -> s.a.putPage(s.p.id, ObjectId.of(1), idx, MemorySegment.ofArray(bad)));
                    assertRejected(s.h, IllegalArgumentException.class, "page",
                            () -> s.a.putPage(s.p.id, ObjectId.of(1), idx, offHeap));
                }
            }
        }
        assertThat(s.p.present(1, 1)).isFalse();
        s.pageStillThere();
    }

    @ParameterizedTest(name = MATRIX)
    @MethodSource("kindsAndSizes")
    void dstOfWrongLength_rejectedNamingDst(Kind kind, int ps) {
        Setup s = setup(kind, ps);
        int[] lengths = {0, 1, ps - 1, ps + 1, 2 * ps};

        for (int len : lengths) {
            byte[] pattern = page(len, 9);
            MemorySegment dst = MemorySegment.ofArray(pattern.clone());
            assertRejected(s.h, IllegalArgumentException.class, "dst",
                    () -> s.a.getPage(s.p.id, ObjectId.of(1), 0, dst));
            assertRejected(s.h, IllegalArgumentException.class, "dst",
                    () -> s.a.getPage(s.p.id, ObjectId.of(1), 0, dst, true));
            assertRejected(s.h, IllegalArgumentException.class, "dst",
                    () -> s.a.getPage(s.p.id, ObjectId.of(2), 0, dst)); // a miss is no excuse
            assertThat(dst.toArray(ValueLayout.JAVA_BYTE)).isEqualTo(pattern);
        }
        s.pageStillThere();
    }

    @ParameterizedTest(name = MATRIX)
    @MethodSource("kindsAndSizes")
    void readOnlyDst_rejectedNamingDst(Kind kind, int ps) {
        Setup s = setup(kind, ps);
        MemorySegment dst = MemorySegment.ofArray(new byte[ps]).asReadOnly();

        assertRejected(s.h, IllegalArgumentException.class, "dst",
                () -> s.a.getPage(s.p.id, ObjectId.of(1), 0, dst));
        assertRejected(s.h, IllegalArgumentException.class, "dst",
                () -> s.a.getPage(s.p.id, ObjectId.of(1), 0, dst, true));

        s.pageStillThere();
    }

    // ---------------------------------------------------------------- index

    @ParameterizedTest(name = MATRIX)
    @MethodSource("kindsAndSizes")
    void indexOutOfRange_rejectedNamingIndex(Kind kind, int ps) {
        Setup s = setup(kind, ps);
        TmemClient a = s.a;
        PoolId pool = s.p.id;
        ObjectId oid = ObjectId.of(1);
        byte[] page = page(ps, 2);
        MemorySegment dst = MemorySegment.ofArray(new byte[ps]);

        for (long idx : new long[] {-1, PageIndex.MAX + 1, PageIndex.MAX + 2, Long.MIN_VALUE, Long.MAX_VALUE}) {
            List<Call> calls = List.of(
                    call("a.putPage(pool, oid, idx, page) index " + idx, () -> a.putPage(pool, oid, idx, page)),
                    call("a.putPage(pool, oid, idx, MemorySegment.ofArray(page) index " + idx, () -> a.putPage(pool, oid, idx, MemorySegment.ofArray(page))),
                    call("a.getPage(pool, oid, idx) index " + idx, () -> a.getPage(pool, oid, idx)),
                    call("a.getPage(pool, oid, idx, dst) index " + idx, () -> a.getPage(pool, oid, idx, dst)),
                    call("a.getPage(pool, oid, idx, dst, true) index " + idx, () -> a.getPage(pool, oid, idx, dst, true)),
                    call("a.flushPage(pool, oid, idx) index " + idx, () -> a.flushPage(pool, oid, idx)),
                    call("a.pin(pool, oid, idx) index " + idx, () -> a.pin(pool, oid, idx)));
            for (Call call : calls) {
                assertRejected(s.h, IllegalArgumentException.class, "index", call);
            }
        }
        // (1L << 32) must not wrap to index 0, whose page is still there
        s.pageStillThere();
    }

    // ---------------------------------------------------------------- pool ids

    @Test
    void poolIdMustBeNonNegative() {
        assertThatThrownBy(() -> new PoolId(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pool id");
        assertThatThrownBy(() -> PoolId.of(Integer.MIN_VALUE)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pool id");
    }

    private static List<Call> everyPoolCall(TmemClient c, PoolId pool, int ps) {
        ObjectId oid = ObjectId.of(1);
        byte[] page = page(ps, 3);
        MemorySegment dst = MemorySegment.ofArray(new byte[ps]);
        List<Call> calls = new ArrayList<>();
        calls.add(call("c.putPage(pool, oid, 0, page)", () -> c.putPage(pool, oid, 0, page)));
        calls.add(call("c.putPage(pool, oid, 0, MemorySegment.ofArray(page))", () -> c.putPage(pool, oid, 0, MemorySegment.ofArray(page))));
        calls.add(call("c.getPage(pool, oid, 0)", () -> c.getPage(pool, oid, 0)));
        calls.add(call("c.getPage(pool, oid, 0, dst)", () -> c.getPage(pool, oid, 0, dst)));
        calls.add(call("c.getPage(pool, oid, 0, dst, true)", () -> c.getPage(pool, oid, 0, dst, true)));
        calls.add(call("c.flushPage(pool, oid, 0)", () -> c.flushPage(pool, oid, 0)));
        calls.add(call("c.flushObject(pool, oid)", () -> c.flushObject(pool, oid)));
        calls.add(call("c.pin(pool, oid, 0)", () -> c.pin(pool, oid, 0)));
        calls.add(call("c.poolSpec(pool)", () -> c.poolSpec(pool)));
        calls.add(call("c.destroyPool(pool)", () -> c.destroyPool(pool)));
        return calls;
    }

    @ParameterizedTest(name = MATRIX)
    @MethodSource("kindsAndSizes")
    void unknownPoolId_rejectedWithUnknownPoolException(Kind kind, int ps) {
        Setup s = setup(kind, ps);
        for (PoolId unknown : List.of(PoolId.of(7), PoolId.of(Integer.MAX_VALUE))) {
            for (Call call : everyPoolCall(s.a, unknown, ps)) {
                assertRejected(s.h, UnknownPoolException.class, "pool " + unknown.value(), call);
            }
        }
        s.pageStillThere();
    }

    @ParameterizedTest(name = MATRIX)
    @MethodSource("kindsAndSizes")
    void destroyedPoolId_rejectedWithUnknownPoolException(Kind kind, int ps) {
        Setup s = setup(kind, ps);
        PoolRef gone = s.h.pool(s.a, kind, ps);
        assertThat(gone.put(1, 0, page(ps, 5))).isTrue();
        assertThat(gone.destroy()).isEqualTo(1);

        for (Call call : everyPoolCall(s.a, gone.id, ps)) {
            assertRejected(s.h, UnknownPoolException.class, "pool " + gone.id.value(), call);
        }
        s.pageStillThere();
    }

    @Test
    void anotherClientsPoolId_rejectedWithUnknownPoolException() {
        Setup s = setup(Kind.PERSISTENT, 4096);
        TmemClient b = s.h.client("b");

        for (Call call : everyPoolCall(b, s.p.id, 4096)) {
            assertRejected(s.h, UnknownPoolException.class, "pool " + s.p.id.value(), call);
        }
        s.pageStillThere();
    }

    // ---------------------------------------------------------------- pool specs

    @ParameterizedTest(name = "pageSize={0}")
    @ValueSource(ints = {0, -4096, 1, 2048, 4095, 4097, 5000, 12288, 65535, 131072, 1 << 30, Integer.MIN_VALUE})
    void pageSize_rejectedNamingPageSize(int bad) {
        List<ThrowingCallable> calls = List.of(
                () -> PoolSpec.ephemeral(bad),
                () -> PoolSpec.persistent(bad),
                () -> PoolSpec.shared(new UUID(1, 1), bad),
                () -> new PoolSpec(PoolKind.EPHEMERAL, bad, null));
        for (ThrowingCallable call : calls) {
            assertThatThrownBy(call).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pageSize");
        }
    }

    @Test
    void poolSpec_nullKindOrUuid_rejectedNamingThem() {
        assertThatThrownBy(() -> new PoolSpec(null, 4096, null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("kind");
        assertThatThrownBy(() -> PoolSpec.shared(null, 4096)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("uuid");
    }

    @Test
    void sharedPersistentSpec_rejected() {
        assertThatThrownBy(() -> new PoolSpec(PoolKind.PERSISTENT, 4096, new UUID(1, 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("kind");
    }

    @ParameterizedTest(name = "pageSize={0}")
    @MethodSource("pageSizes")
    void attachingToSharedUuidWithAnotherPageSize_rejectedNamingPageSize(int ps) {
        Harness h = harness(budgetFor(8, 65536));
        UUID uuid = new UUID(4, 4);
        PoolRef x = h.newPool(h.client("x"), PoolSpec.shared(uuid, ps));
        assertThat(x.put(1, 0, page(ps, 1))).isTrue();
        TmemClient y = h.client("y");
        PoolRef yOwn = h.pool(y, Kind.PRIVATE_EPHEMERAL, 4096);
        int other = ps == 65536 ? 4096 : ps * 2;

        assertRejected(h, IllegalArgumentException.class, "pageSize", () -> y.newPool(PoolSpec.shared(uuid, other)));
        assertRejected(h, IllegalArgumentException.class, "pageSize",
                () -> x.client.newPool(PoolSpec.shared(uuid, other)));

        assertThat(y.pools()).containsExactly(yOwn.id);
        assertThat(x.client.pools()).containsExactly(x.id);
        assertThat(x.get(1, 0)).isEqualTo(page(ps, 1));
    }

    @Test
    void poolLimit_rejectedWithPoolLimitException() {
        Harness h = harness(budgetFor(8, 4096), b -> b.maxPoolsPerClient(2));
        TmemClient a = h.client("a");
        PoolRef p1 = h.pool(a, Kind.PRIVATE_EPHEMERAL, 4096);
        PoolRef p2 = h.pool(a, Kind.PERSISTENT, 4096);
        assertThat(p2.put(1, 0, page(4096, 1))).isTrue();

        assertRejected(h, PoolLimitException.class, "", () -> a.newPool(PoolSpec.ephemeral(4096)));
        assertRejected(h, PoolLimitException.class, "", () -> a.newPool(PoolSpec.shared(new UUID(8, 8), 4096)));

        assertThat(a.pools()).containsExactly(p1.id, p2.id);
        // the refused attach created no shared pool: another client creates it with any page size
        PoolRef fresh = h.newPool(h.client("b"), PoolSpec.shared(new UUID(8, 8), 8192));
        assertThat(fresh.get(1, 0)).isNull();
    }

    // ---------------------------------------------------------------- use after close

    @Test
    void useAfterClientClose_rejectedWithIllegalStateException() {
        Setup s = setup(Kind.PERSISTENT, 4096);
        TmemClient b = s.h.client("b");
        PoolRef pb = s.h.pool(b, Kind.PERSISTENT, 4096);
        assertThat(pb.put(1, 0, page(4096, 2))).isTrue();
        s.h.closeClient(b);

        List<Call> calls = new ArrayList<>(everyPoolCall(b, pb.id, 4096));
        calls.add(call("newPool", () -> b.newPool(PoolSpec.ephemeral(4096))));
        calls.add(call("pools", b::pools));
        for (int i = 0; i < calls.size(); i++) {
            assertRejected(s.h, IllegalStateException.class, "close", calls.get(i));
        }
        s.pageStillThere();
    }

    @Test
    void useAfterEngineClose_rejectedWithIllegalStateException() {
        Setup s = setup(Kind.PERSISTENT, 4096);
        s.h.closeEngine();

        List<Call> calls = new ArrayList<>(everyPoolCall(s.a, s.p.id, 4096));
        calls.add(call("newPool", () -> s.a.newPool(PoolSpec.ephemeral(4096))));
        calls.add(call("pools", s.a::pools));
        calls.add(call("engine.client(a)", () -> s.h.engine.client("a")));
        calls.add(call("engine.client(new)", () -> s.h.engine.client("new")));
        for (Call c : calls) {
            assertThatThrownBy(c.call).as(c.label)
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("close");
        }
    }

    /** API-DRAFT.md: after engine.close(), "later calls -> IllegalStateException"; stats included. */
    @Test
    void useAfterEngineClose_statsRejectedWithIllegalStateException() {
        Setup s = setup(Kind.PERSISTENT, 4096);
        s.h.closeEngine();

        assertThatThrownBy(s.h.engine::stats).as("stats()")
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("close");
        assertThatThrownBy(s.h.engine::clientStats).as("clientStats()")
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("close");
    }

    // ---------------------------------------------------------------- weights, caps, names

    @Test
    void weightBelowOne_rejectedNamingWeight() {
        Setup s = setup(Kind.PRIVATE_EPHEMERAL, 4096);
        s.a.setWeight(3);
        for (int bad : new int[] {0, -1, Integer.MIN_VALUE}) {
            assertRejected(s.h, IllegalArgumentException.class, "weight", () -> s.a.setWeight(bad));
        }
        assertThat(s.a.weight()).isEqualTo(3);
        assertThat(s.a.stats().weight()).isEqualTo(3);
        s.pageStillThere();
    }

    @Test
    void negativeCap_rejectedNamingCapPages() {
        Setup s = setup(Kind.PRIVATE_EPHEMERAL, 4096);
        s.a.setCapPages(5);
        for (long bad : new long[] {-1, Long.MIN_VALUE}) {
            assertRejected(s.h, IllegalArgumentException.class, "capPages", () -> s.a.setCapPages(bad));
        }
        assertThat(s.a.capPages()).hasValue(5);
        s.pageStillThere();
    }

    @Test
    void clientName_emptyTooLongOrNull_rejectedNamingName() {
        Harness h = harness(budgetFor(4, 4096));
        h.client("a");
        TmemClient longest = h.client("x".repeat(64));
        assertThat(longest.name()).hasSize(64);

        assertRejected(h, IllegalArgumentException.class, "name", () -> h.engine.client(""));
        assertRejected(h, IllegalArgumentException.class, "name", () -> h.engine.client("x".repeat(65)));
        assertRejected(h, IllegalArgumentException.class, "name", () -> h.engine.client("y".repeat(1000)));
        assertRejected(h, NullPointerException.class, "name", () -> h.engine.client(null));

        assertThat(h.engine.stats().clients()).isEqualTo(2);
    }

    // ---------------------------------------------------------------- engine builder

    private static void assertBuilderRejects(Class<? extends Throwable> type, String name,
            Consumer<TmemEngine.Builder> bad) {
        assertThatThrownBy(() -> {
            TmemEngine.Builder b = TmemEngine.builder();
            bad.accept(b);
            b.build().close();
        }).isInstanceOf(type).hasMessageContaining(name);
    }

    @Test
    void builder_badSettings_rejectedNamingTheSetting() {
        assertBuilderRejects(IllegalArgumentException.class, "budget", b -> b.budgetBytes(-1));
        assertBuilderRejects(IllegalArgumentException.class, "stripes", b -> b.stripes(3));
        assertBuilderRejects(IllegalArgumentException.class, "stripes", b -> b.stripes(0));
        assertBuilderRejects(IllegalArgumentException.class, "stripes", b -> b.stripes(-64));
        assertBuilderRejects(NullPointerException.class, "pinTimeout", b -> b.pinTimeout(null));
        assertBuilderRejects(IllegalArgumentException.class, "pinTimeout", b -> b.pinTimeout(Duration.ofSeconds(-1)));
        assertBuilderRejects(IllegalArgumentException.class, "maxPools", b -> b.maxPoolsPerClient(0));
        assertBuilderRejects(NullPointerException.class, "store", b -> b.store(null));
    }
}
