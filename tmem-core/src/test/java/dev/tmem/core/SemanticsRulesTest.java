package dev.tmem.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tmem.core.Harness.PoolRef;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SEMANTICS.md section 2, rules 1 to 9 (rule 10 is the concurrency tests' and rule 11 is
 * {@link CapacityRulesTest}'s), each run across pool kind x page size where the rule applies to
 * every kind. After each test {@link Harness#checkInvariants()} checks the engine's state.
 */
class SemanticsRulesTest extends SpecTestBase {

    private static final String MATRIX = "{0} pageSize={1}";

    // ---------------------------------------------------------------- rule 1: copy semantics

    @ParameterizedTest(name = MATRIX)
    @MethodSource("kindsAndSizes")
    void copySemantics_putCopiesCallerBuffer(Kind kind, int ps) {
        Harness h = harness(budgetFor(8, ps));
        PoolRef p = h.pool(h.client("a"), kind, ps);
        byte[] buf = page(ps, 1);
        byte[] original = buf.clone();

        assertThat(p.put(1, 0, buf)).isTrue();
        Arrays.fill(buf, (byte) 0x55); // the caller reuses its buffer at once

        assertThat(p.get(1, 0)).isEqualTo(original);
    }

    @ParameterizedTest(name = MATRIX)
    @MethodSource("kindsAndSizes")
    void copySemantics_putCopiesOffHeapSegmentWhoseArenaIsThenClosed(Kind kind, int ps) {
        Harness h = harness(budgetFor(8, ps));
        PoolRef p = h.pool(h.client("a"), kind, ps);
        byte[] original = page(ps, 2);

        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(ps);
            MemorySegment.copy(MemorySegment.ofArray(original), 0, seg, 0, ps);
            assertThat(p.put(ObjectId.of(1), 0, seg)).isTrue();
            seg.fill((byte) 0x33);
        } // the caller's memory is gone

        assertThat(p.get(1, 0)).isEqualTo(original);
    }

    @ParameterizedTest(name = MATRIX)
    @MethodSource("kindsAndSizes")
    void copySemantics_getCopiesIntoCallerBuffer(Kind kind, int ps) {
        Harness h = harness(budgetFor(8, ps));
        PoolRef p = h.pool(h.client("a"), kind, ps);
        byte[] a = page(ps, 3);
        byte[] b = page(ps, 4);
        assertThat(p.put(1, 0, a)).isTrue();

        try (Arena arena = Arena.ofConfined()) {
            MemorySegment dst = arena.allocate(ps);
            assertThat(p.getInto(1, 0, dst)).isTrue();
            assertThat(dst.toArray(ValueLayout.JAVA_BYTE)).isEqualTo(a);

            // a later put at the handle does not reach the caller's copy
            assertThat(p.put(1, 0, b)).isTrue();
            assertThat(dst.toArray(ValueLayout.JAVA_BYTE)).isEqualTo(a);

            // and scribbling on the caller's copy does not reach the stored page
            dst.fill((byte) 0x11);
            byte[] got = p.get(1, 0);
            assertThat(got).isEqualTo(b);
            Arrays.fill(got, (byte) 0x22);
        }
        if (!kind.hitRemoves()) {
            assertThat(p.get(1, 0)).isEqualTo(b);
        }
    }

    // ---------------------------------------------------------------- rule 2: never stale, never torn

    @ParameterizedTest(name = MATRIX)
    @MethodSource("kindsAndSizes")
    void neverStale_getReturnsMostRecentPut(Kind kind, int ps) {
        Harness h = harness(budgetFor(8, ps));
        PoolRef p = h.pool(h.client("a"), kind, ps);

        for (int v = 0; v < 5; v++) {
            assertThat(p.put(1, 7, page(ps, 10 + v))).isTrue();
        }

        assertThat(p.get(1, 7)).isEqualTo(page(ps, 14));
        if (kind.hitRemoves()) {
            assertThat(p.get(1, 7)).isNull();
        } else {
            assertThat(p.get(1, 7)).isEqualTo(page(ps, 14));
        }
    }

    @ParameterizedTest(name = MATRIX)
    @MethodSource("kindsAndSizes")
    void neverStale_distinctHandlesNeverMix(Kind kind, int ps) {
        Harness h = harness(budgetFor(40, ps));
        PoolRef p = h.pool(h.client("a"), kind, ps);
        PoolRef q = h.pool(h.client("a"), kind, ps);
        List<ObjectId> oids = List.of(new ObjectId(0, 0, 0), new ObjectId(1, 0, 0), new ObjectId(0, 1, 0),
                new ObjectId(0, 0, 1), new ObjectId(1, 1, 1), new ObjectId(-1, -1, -1),
                new ObjectId(Long.MIN_VALUE, 0, 0));
        long[] indexes = {0, 1, 0x8000_0000L, PageIndex.MAX};

        int tag = 100;
        for (ObjectId oid : oids) {
            for (long idx : indexes) {
                assertThat(p.put(oid, idx, page(ps, tag++))).isTrue();
            }
        }
        assertThat(q.put(new ObjectId(0, 0, 0), 0, page(ps, 99))).isTrue(); // same handle, other pool

        tag = 100;
        for (ObjectId oid : oids) {
            for (long idx : indexes) {
                assertThat(p.get(oid, idx)).as("%s index %d", oid, idx).isEqualTo(page(ps, tag++));
            }
        }
        assertThat(q.get(new ObjectId(0, 0, 0), 0)).isEqualTo(page(ps, 99));
    }

    @ParameterizedTest(name = MATRIX)
    @MethodSource("kindsAndSizes")
    void neverStale_missLeavesDstUnchanged(Kind kind, int ps) {
        Harness h = harness(budgetFor(8, ps));
        PoolRef p = h.pool(h.client("a"), kind, ps);
        assertThat(p.put(1, 1, page(ps, 1))).isTrue(); // a neighbour that must not leak into dst
        byte[] pattern = page(ps, 2);
        MemorySegment dst = MemorySegment.ofArray(pattern.clone());

        assertThat(p.getInto(1, 0, dst)).isFalse();
        assertThat(p.getInto(2, 1, dst)).isFalse();

        assertThat(dst.toArray(ValueLayout.JAVA_BYTE)).isEqualTo(pattern);
    }

    // ---------------------------------------------------------------- rule 3: no resurrection

    @ParameterizedTest(name = MATRIX)
    @MethodSource("kindsAndSizes")
    void noResurrection_afterMissEveryGetMisses(Kind kind, int ps) {
        Harness h = harness(budgetFor(8, ps));
        PoolRef p = h.pool(h.client("a"), kind, ps);

        assertThat(p.get(1, 0)).isNull();
        assertThat(p.put(1, 1, page(ps, 1))).isTrue();
        assertThat(p.put(2, 0, page(ps, 2))).isTrue();
        assertThat(p.get(1, 0)).isNull();
        assertThat(p.get(1, 0)).isNull();
        assertThat(p.present(1, 0)).isFalse();

        assertThat(p.put(1, 0, page(ps, 3))).isTrue();
        assertThat(p.get(1, 0)).isEqualTo(page(ps, 3));
    }

    @ParameterizedTest(name = MATRIX)
    @MethodSource("kindsAndSizes")
    void noResurrection_afterFlushPageEveryGetMisses(Kind kind, int ps) {
        Harness h = harness(budgetFor(8, ps));
        PoolRef p = h.pool(h.client("a"), kind, ps);
        assertThat(p.put(1, 0, page(ps, 1))).isTrue();

        assertThat(p.flushPage(1, 0)).isEqualTo(1);

        assertThat(p.get(1, 0)).isNull();
        assertThat(p.get(1, 0)).isNull();
        assertThat(p.present(1, 0)).isFalse();
        assertThat(p.put(1, 0, page(ps, 2))).isTrue();
        assertThat(p.get(1, 0)).isEqualTo(page(ps, 2));
    }

    @ParameterizedTest(name = MATRIX)
    @MethodSource("kindsAndSizes")
    void noResurrection_afterFlushObjectEveryGetMisses(Kind kind, int ps) {
        Harness h = harness(budgetFor(8, ps));
        PoolRef p = h.pool(h.client("a"), kind, ps);
        assertThat(p.put(1, 0, page(ps, 1))).isTrue();
        assertThat(p.put(1, 1, page(ps, 2))).isTrue();

        assertThat(p.flushObject(1)).isEqualTo(2);

        assertThat(p.get(1, 0)).isNull();
        assertThat(p.get(1, 1)).isNull();
        assertThat(p.put(1, 1, page(ps, 3))).isTrue();
        assertThat(p.get(1, 0)).isNull();
        assertThat(p.get(1, 1)).isEqualTo(page(ps, 3));
    }

    @ParameterizedTest(name = MATRIX)
    @MethodSource("ephemeralKindsAndSizes")
    void noResurrection_afterEvictionEveryGetMisses(Kind kind, int ps) {
        Harness h = harness(budgetFor(2, ps));
        PoolRef p = h.pool(h.client("a"), kind, ps);
        assertThat(p.put(1, 0, page(ps, 1))).isTrue();
        assertThat(p.put(1, 1, page(ps, 2))).isTrue();
        assertThat(p.put(1, 2, page(ps, 3))).isTrue(); // evicts (1, 0)

        assertThat(p.get(1, 0)).isNull();
        assertThat(p.put(1, 3, page(ps, 4))).isTrue(); // evicts again, and frees space
        assertThat(p.get(1, 0)).isNull();
        assertThat(p.present(1, 0)).isFalse();
        assertThat(h.engine.stats().evictions()).isEqualTo(2);
    }

    // ---------------------------------------------------------------- rule 4: a failed put leaves nothing

    @ParameterizedTest(name = MATRIX)
    @MethodSource("kindsAndSizes")
    void failedPutLeavesNothing_oldPageFlushed(Kind kind, int ps) {
        TestPageStore store = new TestPageStore(false);
        Harness h = harness(budgetFor(8, ps), store, b -> {});
        PoolRef p = h.pool(h.client("a"), kind, ps);
        assertThat(p.put(1, 0, page(ps, 1))).isTrue();
        assertThat(p.put(1, 1, page(ps, 2))).isTrue();

        store.refuse.set(true);
        assertThat(p.put(1, 0, page(ps, 3))).isFalse();
        store.refuse.set(false);

        assertThat(p.present(1, 0)).as("old page flushed").isFalse();
        assertThat(p.get(1, 0)).isNull();
        assertThat(p.get(1, 1)).as("other handle untouched").isEqualTo(page(ps, 2));
        TmemStats s = h.engine.stats();
        assertThat(s.failedPuts()).isEqualTo(1);
        assertThat(s.puts()).isEqualTo(2);
    }

    @ParameterizedTest(name = MATRIX)
    @MethodSource("kindsAndSizes")
    void failedPutLeavesNothing_replacementTooBigForBudget(Kind kind, int ps) {
        // a compressing store: a 1 KiB page fits, the full-size replacement never does
        TestPageStore store = new TestPageStore(true);
        Harness h = harness(1024 + TmemEngine.PAGE_OVERHEAD_BYTES + 2048, store, b -> {});
        PoolRef p = h.pool(h.client("a"), kind, ps);
        byte[] small = page(ps, 1);
        small[0] = 1;
        byte[] big = page(ps, 2);
        big[0] = 0;
        assertThat(p.put(1, 0, small)).isTrue();

        assertThat(p.put(1, 0, big)).isFalse();

        assertThat(p.present(1, 0)).as("old page flushed").isFalse();
        assertThat(p.get(1, 0)).isNull();
        TmemStats s = h.engine.stats();
        assertThat(s.pages()).isZero();
        assertThat(s.bytesUsed()).isZero();
        assertThat(s.failedPuts()).isEqualTo(1);
    }

    @ParameterizedTest(name = "pageSize={0}")
    @MethodSource("pageSizes")
    void failedPutLeavesNothing_sharedPageReplacedByClientAtCap(int ps) {
        Harness h = harness(budgetFor(8, ps));
        TmemClient x = h.client("x");
        TmemClient y = h.client("y");
        UUID uuid = new UUID(1, 2);
        PoolRef sx = h.newPool(x, PoolSpec.shared(uuid, ps));
        PoolRef sy = h.newPool(y, PoolSpec.shared(uuid, ps));
        PoolRef py = h.pool(y, Kind.PERSISTENT, ps);
        assertThat(py.put(9, 0, page(ps, 9))).isTrue();
        y.setCapPages(1); // y is at its cap with no ephemeral page of its own
        assertThat(sx.put(1, 0, page(ps, 1))).isTrue();

        // x's page is not y's own, so replacing it adds a page to y: over the cap, nothing to evict
        assertThat(sy.put(1, 0, page(ps, 2))).isFalse();

        assertThat(sx.get(1, 0)).as("x's old page is flushed, not kept").isNull();
        assertThat(py.get(9, 0)).isEqualTo(page(ps, 9));
        assertThat(y.stats().failedPuts()).isEqualTo(1);
    }

    // ---------------------------------------------------------------- rule 5: ephemeral pools

    @ParameterizedTest(name = "pageSize={0}")
    @MethodSource("pageSizes")
    void ephemeralPrivate_hitIsExclusive(int ps) {
        Harness h = harness(budgetFor(8, ps));
        PoolRef p = h.pool(h.client("a"), Kind.PRIVATE_EPHEMERAL, ps);
        assertThat(p.put(1, 0, page(ps, 1))).isTrue();
        assertThat(p.put(1, 1, page(ps, 2))).isTrue();

        assertThat(p.get(1, 0)).isEqualTo(page(ps, 1));
        assertThat(p.get(1, 0)).isNull();
        assertThat(h.engine.stats().pagesEphemeral()).isEqualTo(1);

        // the exclusive flag changes nothing on an ephemeral pool: a non-exclusive get still takes it
        assertThat(p.get(1, 1, false)).isEqualTo(page(ps, 2));
        assertThat(p.get(1, 1, false)).isNull();

        TmemStats s = h.engine.stats();
        assertThat(s.pagesEphemeral()).isZero();
        assertThat(s.bytesUsed()).isZero();
        assertThat(s.succGets()).isEqualTo(2);
        assertThat(s.failedGets()).isEqualTo(2);
    }

    @ParameterizedTest(name = "pageSize={0}")
    @MethodSource("pageSizes")
    void ephemeralShared_hitLeavesPage(int ps) {
        Harness h = harness(budgetFor(8, ps));
        PoolRef p = h.pool(h.client("a"), Kind.SHARED_EPHEMERAL, ps);
        assertThat(p.put(1, 0, page(ps, 1))).isTrue();

        assertThat(p.get(1, 0)).isEqualTo(page(ps, 1));
        assertThat(p.get(1, 0)).isEqualTo(page(ps, 1));
        // the exclusive flag changes nothing on an ephemeral pool
        assertThat(p.get(1, 0, true)).isEqualTo(page(ps, 1));
        assertThat(p.get(1, 0)).isEqualTo(page(ps, 1));

        assertThat(h.engine.stats().pagesEphemeral()).isEqualTo(1);
        assertThat(h.engine.stats().succGets()).isEqualTo(4);
    }

    @ParameterizedTest(name = "pageSize={0}")
    @MethodSource("pageSizes")
    void ephemeralShared_pageVisibleToEveryAttachedClient(int ps) {
        Harness h = harness(budgetFor(8, ps));
        UUID uuid = new UUID(42, 42);
        PoolRef x = h.newPool(h.client("x"), PoolSpec.shared(uuid, ps));
        PoolRef y = h.newPool(h.client("y"), PoolSpec.shared(uuid, ps));

        assertThat(x.put(1, 0, page(ps, 1))).isTrue();
        assertThat(y.get(1, 0)).isEqualTo(page(ps, 1));
        assertThat(y.put(1, 0, page(ps, 2))).isTrue();
        assertThat(x.get(1, 0)).isEqualTo(page(ps, 2));
        assertThat(x.flushPage(1, 0)).isEqualTo(1);
        assertThat(y.get(1, 0)).isNull();
        assertThat(h.engine.stats().pools()).isEqualTo(1);
    }

    @Test
    void ephemeralShared_secondAttachmentOfOneClientGetsItsOwnIdForTheSamePool() {
        Harness h = harness(budgetFor(8, 4096));
        TmemClient a = h.client("a");
        UUID uuid = new UUID(7, 7);
        PoolRef first = h.newPool(a, PoolSpec.shared(uuid, 4096));
        PoolRef second = h.newPool(a, PoolSpec.shared(uuid, 4096));

        assertThat(second.id).isNotEqualTo(first.id);
        assertThat(first.put(1, 0, page(4096, 1))).isTrue();
        assertThat(second.get(1, 0)).isEqualTo(page(4096, 1));
        assertThat(first.destroy()).as("not the last detach").isZero();
        assertThat(second.get(1, 0)).isEqualTo(page(4096, 1));
        assertThat(second.destroy()).as("the last detach").isEqualTo(1);
    }

    // ---------------------------------------------------------------- rule 6: persistent pools

    @ParameterizedTest(name = "pageSize={0}")
    @MethodSource("pageSizes")
    void persistent_getLeavesPage(int ps) {
        Harness h = harness(budgetFor(8, ps));
        PoolRef p = h.pool(h.client("a"), Kind.PERSISTENT, ps);
        assertThat(p.put(1, 0, page(ps, 1))).isTrue();

        for (int i = 0; i < 3; i++) {
            assertThat(p.get(1, 0)).isEqualTo(page(ps, 1));
        }
        assertThat(p.get(1, 0, false)).isEqualTo(page(ps, 1));
        assertThat(h.engine.stats().pagesPersistent()).isEqualTo(1);
    }

    @ParameterizedTest(name = "pageSize={0}")
    @MethodSource("pageSizes")
    void persistent_exclusiveGetRemoves(int ps) {
        Harness h = harness(budgetFor(8, ps));
        PoolRef p = h.pool(h.client("a"), Kind.PERSISTENT, ps);
        assertThat(p.put(1, 0, page(ps, 1))).isTrue();
        assertThat(p.put(1, 1, page(ps, 2))).isTrue();

        assertThat(p.get(1, 0, true)).isEqualTo(page(ps, 1));
        assertThat(p.get(1, 0)).isNull();
        assertThat(p.present(1, 0)).isFalse();

        assertThat(p.get(1, 1)).isEqualTo(page(ps, 2));
        TmemStats s = h.engine.stats();
        assertThat(s.pagesPersistent()).isEqualTo(1);
        assertThat(s.bytesUsed()).isEqualTo(cost(ps));
    }

    @ParameterizedTest(name = "pageSize={0}")
    @MethodSource("pageSizes")
    void persistent_pagesNeverEvicted(int ps) {
        Harness h = harness(budgetFor(3, ps));
        PoolRef per = h.pool(h.client("p"), Kind.PERSISTENT, ps);
        PoolRef eph = h.pool(h.client("e"), Kind.PRIVATE_EPHEMERAL, ps);
        assertThat(per.put(1, 0, page(ps, 1))).isTrue();
        assertThat(per.put(1, 1, page(ps, 2))).isTrue(); // the two oldest pages are persistent

        for (int i = 0; i < 10; i++) {
            assertThat(eph.put(2, i, page(ps, 10 + i))).as("ephemeral put %d", i).isTrue();
        }
        assertThat(per.put(1, 2, page(ps, 3))).as("room made by evicting the ephemeral page").isTrue();
        assertThat(per.put(1, 3, page(ps, 4))).as("nothing left to evict").isFalse();

        assertThat(per.get(1, 0)).isEqualTo(page(ps, 1));
        assertThat(per.get(1, 1)).isEqualTo(page(ps, 2));
        assertThat(per.get(1, 2)).isEqualTo(page(ps, 3));
        assertThat(eph.get(2, 9)).isNull();
        TmemStats s = h.engine.stats();
        assertThat(s.evictions()).isEqualTo(10);
        assertThat(s.pagesPersistent()).isEqualTo(3);
        assertThat(s.pagesEphemeral()).isZero();
    }

    // ---------------------------------------------------------------- rule 7: flushes

    @ParameterizedTest(name = MATRIX)
    @MethodSource("kindsAndSizes")
    void flushesAreIdempotentAndCount(Kind kind, int ps) {
        Harness h = harness(budgetFor(8, ps));
        TmemClient a = h.client("a");
        PoolRef p = h.pool(a, kind, ps);
        assertThat(p.put(1, 0, page(ps, 1))).isTrue();
        assertThat(p.put(1, 1, page(ps, 2))).isTrue();
        assertThat(p.put(1, 2, page(ps, 3))).isTrue();
        assertThat(p.put(2, 0, page(ps, 4))).isTrue();

        assertThat(p.flushPage(1, 0)).isEqualTo(1);
        assertThat(p.flushPage(1, 0)).isZero();
        assertThat(p.flushPage(3, 0)).as("never put").isZero();
        assertThat(p.flushObject(1)).isEqualTo(2);
        assertThat(p.flushObject(1)).isZero();
        assertThat(p.flushObject(9)).as("never put").isZero();

        assertThat(p.get(2, 0)).isEqualTo(page(ps, 4));
        assertThat(h.engine.stats().flushes()).as("one per flush call").isEqualTo(6);
        assertThat(a.stats().flushes()).isEqualTo(6);
        assertThat(h.engine.stats().pages()).isEqualTo(kind.hitRemoves() ? 0 : 1);
    }

    // ---------------------------------------------------------------- rule 8: destroy

    @ParameterizedTest(name = MATRIX)
    @MethodSource("kindsAndSizes")
    void destroyRemovesAllPagesAndIdIsReusable(Kind kind, int ps) {
        Harness h = harness(budgetFor(8, ps));
        TmemClient a = h.client("a");
        PoolRef keep = h.pool(a, Kind.PERSISTENT, 4096);
        PoolRef p = h.pool(a, kind, ps);
        assertThat(keep.put(1, 0, page(4096, 0))).isTrue();
        assertThat(p.put(1, 0, page(ps, 1))).isTrue();
        assertThat(p.put(1, 1, page(ps, 2))).isTrue();
        assertThat(p.put(2, 0, page(ps, 3))).isTrue();

        assertThat(p.destroy()).isEqualTo(3);

        assertThat(a.pools()).containsExactly(keep.id);
        assertThatThrownBy(() -> a.getPage(p.id, ObjectId.of(1), 0)).isInstanceOf(UnknownPoolException.class);
        TmemStats s = h.engine.stats();
        assertThat(s.pages()).isEqualTo(1);
        assertThat(s.pools()).isEqualTo(1);
        assertThat(s.bytesUsed()).isEqualTo(cost(4096));

        // the id is reused (PoolId: "reused after destroyPool"), and the new pool starts empty
        PoolRef again = h.newPool(a, p.spec);
        assertThat(again.id).isEqualTo(p.id);
        assertThat(again.get(1, 0)).isNull();
        assertThat(again.get(1, 1)).isNull();
        assertThat(again.get(2, 0)).isNull();
        assertThat(keep.get(1, 0)).isEqualTo(page(4096, 0));
    }

    @Test
    void destroy_freesThePoolSlotUnderMaxPoolsPerClient() {
        Harness h = harness(budgetFor(8, 4096), b -> b.maxPoolsPerClient(2));
        TmemClient a = h.client("a");
        PoolRef keep = h.pool(a, Kind.PRIVATE_EPHEMERAL, 4096);
        for (int i = 0; i < 5; i++) {
            PoolRef p = h.pool(a, Kind.values()[i % 3], 4096);
            assertThat(p.put(1, 0, page(4096, i))).isTrue();
            assertThat(p.destroy()).isEqualTo(1);
        }
        assertThat(a.pools()).containsExactly(keep.id);
    }

    @ParameterizedTest(name = "pageSize={0}")
    @MethodSource("pageSizes")
    void sharedPoolDestroyedOnLastDetach(int ps) {
        Harness h = harness(budgetFor(8, ps));
        TmemClient x = h.client("x");
        TmemClient y = h.client("y");
        UUID uuid = new UUID(3, 3);
        PoolRef sx = h.newPool(x, PoolSpec.shared(uuid, ps));
        PoolRef sy = h.newPool(y, PoolSpec.shared(uuid, ps));
        assertThat(sx.put(1, 0, page(ps, 1))).isTrue();
        assertThat(sy.put(1, 1, page(ps, 2))).isTrue();

        assertThat(sx.destroy()).as("a detach that is not the last removes nothing").isZero();
        assertThat(h.engine.stats().pools()).isEqualTo(1);
        assertThat(sy.get(1, 0)).isEqualTo(page(ps, 1));
        assertThat(sy.get(1, 1)).isEqualTo(page(ps, 2));

        assertThat(sy.destroy()).as("the last detach removes every page").isEqualTo(2);
        TmemStats s = h.engine.stats();
        assertThat(s.pools()).isZero();
        assertThat(s.pages()).isZero();
        assertThat(x.stats().pagesEphemeral()).isZero();
        assertThat(y.stats().pagesEphemeral()).isZero();

        // the uuid is free again: attaching creates a new, empty pool, with any page size
        int otherSize = ps == 4096 ? 8192 : 4096;
        PoolRef fresh = h.newPool(x, PoolSpec.shared(uuid, otherSize));
        assertThat(x.poolSpec(fresh.id).pageSize()).isEqualTo(otherSize);
        assertThat(fresh.get(1, 0)).isNull();
        assertThat(fresh.get(1, 1)).isNull();
    }

    // ---------------------------------------------------------------- rule 9: isolation

    @ParameterizedTest(name = MATRIX)
    @MethodSource("kindsAndSizes")
    void isolation_clientCannotTouchAnothersPool(Kind kind, int ps) {
        Harness h = harness(budgetFor(8, ps));
        TmemClient a = h.client("a");
        TmemClient b = h.client("b");
        PoolRef a0 = h.pool(a, kind, ps);
        PoolRef a1 = h.pool(a, Kind.PRIVATE_EPHEMERAL, ps);
        PoolRef b0 = h.pool(b, Kind.PERSISTENT, ps);
        assertThat(a0.put(1, 0, page(ps, 1))).isTrue();
        assertThat(a1.put(1, 0, page(ps, 2))).isTrue();

        // an id that b also owns reaches b's own pool, never a's
        if (b0.id.equals(a0.id) || b0.id.equals(a1.id)) {
            assertThat(b0.get(1, 0)).isNull();
            assertThat(b0.flushObject(1)).isZero();
        }
        // an id that only a owns is unknown to b, whatever b does with it
        PoolId foreign = !b.pools().contains(a0.id) ? a0.id : a1.id;
        assertThat(b.pools()).doesNotContain(foreign);
        TmemStats before = h.engine.stats();
        ObjectId oid = ObjectId.of(1);
        byte[] page = page(ps, 3);
        MemorySegment dst = MemorySegment.ofArray(new byte[ps]);
        List<org.assertj.core.api.ThrowableAssert.ThrowingCallable> calls = List.of(
                () -> b.putPage(foreign, oid, 0, page),
                () -> b.putPage(foreign, oid, 0, MemorySegment.ofArray(page)),
                () -> b.getPage(foreign, oid, 0),
                () -> b.getPage(foreign, oid, 0, dst),
                () -> b.getPage(foreign, oid, 0, dst, true),
                () -> b.flushPage(foreign, oid, 0),
                () -> b.flushObject(foreign, oid),
                () -> b.pin(foreign, oid, 0),
                () -> b.poolSpec(foreign),
                () -> b.destroyPool(foreign));
        for (var call : calls) {
            assertThatThrownBy(call).isInstanceOf(UnknownPoolException.class)
                    .hasMessageContaining("pool " + foreign.value());
        }

        assertThat(h.engine.stats()).isEqualTo(before);
        assertThat(a0.get(1, 0)).isEqualTo(page(ps, 1));
        assertThat(a1.get(1, 0)).isEqualTo(page(ps, 2));
    }

    @Test
    void isolation_sharedPoolsAreFoundOnlyByTheirUuid() {
        Harness h = harness(budgetFor(8, 4096));
        PoolRef x = h.newPool(h.client("x"), PoolSpec.shared(new UUID(1, 1), 4096));
        PoolRef y = h.newPool(h.client("y"), PoolSpec.shared(new UUID(1, 2), 4096));
        PoolRef z = h.newPool(h.client("z"), PoolSpec.ephemeral(4096));
        assertThat(x.put(1, 0, page(4096, 1))).isTrue();

        assertThat(y.get(1, 0)).isNull();
        assertThat(z.get(1, 0)).isNull();
        assertThat(x.get(1, 0)).isEqualTo(page(4096, 1));
        assertThat(h.engine.stats().pools()).isEqualTo(3);
    }

    @Test
    void isolation_clientIsFoundByName() {
        Harness h = harness(budgetFor(8, 4096));
        PoolRef p = h.pool(h.client("a"), Kind.PERSISTENT, 4096);
        assertThat(p.put(1, 0, page(4096, 1))).isTrue();

        TmemClient again = h.client("a");
        assertThat(again.pools()).containsExactly(p.id);
        assertThat(again.getPage(p.id, ObjectId.of(1), 0)).isEqualTo(page(4096, 1));
        assertThat(h.engine.stats().clients()).isEqualTo(1);
    }

    // ---------------------------------------------------------------- client lifetime (TmemClient#close)

    @Test
    void clientClose_removesItsPoolsAndItsPagesInSharedPools() {
        Harness h = harness(budgetFor(8, 4096));
        TmemClient a = h.client("a");
        TmemClient b = h.client("b");
        UUID uuid = new UUID(5, 5);
        PoolRef pa = h.pool(a, Kind.PERSISTENT, 4096);
        PoolRef sa = h.newPool(a, PoolSpec.shared(uuid, 4096));
        PoolRef sb = h.newPool(b, PoolSpec.shared(uuid, 4096));
        assertThat(pa.put(1, 0, page(4096, 1))).isTrue();
        assertThat(sa.put(2, 0, page(4096, 2))).isTrue();
        assertThat(sb.put(2, 1, page(4096, 3))).isTrue();

        h.closeClient(a);
        a.close(); // idempotent

        assertThat(sb.get(2, 0)).as("a's page in the shared pool").isNull();
        assertThat(sb.get(2, 1)).isEqualTo(page(4096, 3));
        TmemStats s = h.engine.stats();
        assertThat(s.pages()).isEqualTo(1);
        assertThat(s.pools()).isEqualTo(1);
        assertThat(s.puts()).as("a's counters stay in the global ones").isEqualTo(3);
    }
}
