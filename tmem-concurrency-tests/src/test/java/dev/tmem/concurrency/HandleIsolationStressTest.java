package dev.tmem.concurrency;

import static dev.tmem.concurrency.Outcomes.Expect.ACCEPTABLE;
import static dev.tmem.concurrency.Outcomes.Expect.ACCEPTABLE_INTERESTING;
import static dev.tmem.concurrency.Outcomes.Expect.FORBIDDEN;

import dev.tmem.core.ObjectId;
import dev.tmem.core.PinnedPage;
import dev.tmem.core.PoolId;
import dev.tmem.core.PoolSpec;
import dev.tmem.core.TmemClient;
import dev.tmem.core.TmemEngine;
import dev.tmem.core.TmemStats;
import dev.tmem.core.UnknownPoolException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * <b>Property:</b> under concurrent put, get, pin, flushPage, flushObject and destroy-and-recreate
 * on overlapping handles, with a budget of 32 pages so that puts evict all the time, every hit
 * returns the whole bytes of some put at <i>that</i> handle (SEMANTICS 2.2, 2.10, 7: never torn,
 * never another handle's page), and memory never exceeds the budget.
 *
 * <p>Four threads share five pool slots: a private ephemeral, a persistent, the same shared pool
 * attached by two clients, and an ephemeral pool that is destroyed and recreated most often. Each
 * slot belongs to its own client, so a reused pool id can only be the same slot's. Handles: 3 objects
 * x 8 indices per slot. Pages encode (pool, oid, index, writer, sequence) ({@link StressPage}).
 */
class HandleIsolationStressTest {

    private static final int THREADS = 4;
    private static final int OBJECTS = 3;
    private static final int INDICES = 8;
    private static final int PAGE = 4096;

    /** One pool as the test names it; its id changes when it is destroyed and recreated. */
    private static final class Slot {
        final long tag;
        final TmemClient client;
        final PoolSpec spec;
        final ReentrantLock recreating = new ReentrantLock();
        volatile PoolId id;

        Slot(long tag, TmemClient client, PoolSpec spec) {
            this.tag = tag;
            this.client = client;
            this.spec = spec;
            this.id = client.newPool(spec);
        }
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void getReturnsWholePagesOfItsOwnHandleOnly(StoreKind kind) throws InterruptedException {
        final long budget = 32L * kind.maxCost(PAGE);
        Outcomes o = new Outcomes("handle isolation")
                .declare("HIT_OWN_HANDLE", ACCEPTABLE, "whole page put at this handle")
                .declare("MISS", ACCEPTABLE, "evicted, flushed, taken, or never put")
                .declare("PIN_OWN_HANDLE", ACCEPTABLE, "pinned view of a whole page of this handle")
                .declare("UNKNOWN_POOL_RACING_RECREATE", ACCEPTABLE_INTERESTING,
                        "the pool id was destroyed by another thread meanwhile")
                .declare("PIN_REFUSED_DURING_DESTROY", ACCEPTABLE_INTERESTING,
                        "pin threw IllegalStateException: another thread was destroying the pool")
                .declare("FOREIGN_HANDLE", FORBIDDEN, "a page put at another handle")
                .declare("TORN", FORBIDDEN, "words of two different puts in one page")
                .declare("NOT_A_PAGE", FORBIDDEN, "bytes no put ever wrote")
                .declare("NEVER_PUT", FORBIDDEN, "a sequence number its writer had not reached")
                .declare("BAD_FLUSH_COUNT", FORBIDDEN, "flushPage > 1 or flushObject > indices")
                .declare("OVER_BUDGET", FORBIDDEN, "stats().bytesUsed() > budget when sampled");

        try (TmemEngine engine = TmemEngine.builder().store(kind.create()).budgetBytes(budget).stripes(4).build()) {
            UUID uuid = UUID.randomUUID();
            List<Slot> slots = List.of(
                    new Slot(1, engine.client("ephemeral"), PoolSpec.ephemeral(PAGE)),
                    new Slot(2, engine.client("persistent"), PoolSpec.persistent(PAGE)),
                    new Slot(3, engine.client("shared-1"), PoolSpec.shared(uuid, PAGE)),
                    new Slot(3, engine.client("shared-2"), PoolSpec.shared(uuid, PAGE)),
                    new Slot(4, engine.client("recreated"), PoolSpec.ephemeral(PAGE)));
            AtomicLongArray published = new AtomicLongArray(THREADS);

            List<Stress.Body> bodies = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int writer = t;
                bodies.add(s -> {
                    SplittableRandom rnd = new SplittableRandom(writer * 31L + System.nanoTime());
                    byte[] dst = new byte[PAGE];
                    long seq = 0;
                    while (s.running()) {
                        Slot slot = slots.get(rnd.nextInt(slots.size()));
                        long oid = rnd.nextInt(OBJECTS);
                        long index = rnd.nextInt(INDICES);
                        PoolId id = slot.id;
                        int r = rnd.nextInt(100);
                        try {
                            if (r < 45) {
                                published.set(writer, ++seq); // before the put: readers may see it
                                slot.client.putPage(id, oid(oid), index,
                                        new StressPage(slot.tag, oid, index, writer, seq).bytes(PAGE));
                            } else if (r < 80) {
                                if (slot.client.getPage(id, oid(oid), index, MemorySegment.ofArray(dst),
                                        rnd.nextBoolean())) {
                                    check(o, "HIT_OWN_HANDLE", StressPage.decode(dst), slot, oid, index, published);
                                } else {
                                    o.record("MISS");
                                }
                            } else if (r < 85) {
                                PinnedPage pin;
                                try {
                                    pin = slot.client.pin(id, oid(oid), index);
                                } catch (IllegalStateException e) { // documented: pool being destroyed
                                    o.record("PIN_REFUSED_DURING_DESTROY");
                                    continue;
                                }
                                try (pin) {
                                    if (pin == null) {
                                        o.record("MISS");
                                    } else {
                                        check(o, "PIN_OWN_HANDLE", StressPage.decode(pin.segment()), slot,
                                                oid, index, published);
                                    }
                                }
                            } else if (r < 92) {
                                int n = slot.client.flushPage(id, oid(oid), index);
                                if (n < 0 || n > 1) {
                                    o.record("BAD_FLUSH_COUNT", "flushPage returned " + n);
                                }
                            } else if (r < 97) {
                                long n = slot.client.flushObject(id, oid(oid));
                                if (n < 0 || n > INDICES) {
                                    o.record("BAD_FLUSH_COUNT", "flushObject returned " + n);
                                }
                            } else if (slot.tag == 4 || r == 99) {
                                recreate(slot);
                            }
                        } catch (UnknownPoolException e) {
                            o.record("UNKNOWN_POOL_RACING_RECREATE");
                        }
                    }
                });
            }
            bodies.add(s -> {
                while (s.running()) {
                    TmemStats st = engine.stats();
                    if (st.bytesUsed() > budget) {
                        o.record("OVER_BUDGET", st.toString());
                    }
                    Thread.sleep(1);
                }
            });
            Stress.run("handle-isolation", bodies);

            System.out.println("handle isolation: after the run " + engine.stats());
            // quiescent: every page left must verify too
            for (Slot slot : slots) {
                for (long oid = 0; oid < OBJECTS; oid++) {
                    for (long index = 0; index < INDICES; index++) {
                        try (PinnedPage pin = slot.client.pin(slot.id, oid(oid), index)) {
                            if (pin != null) {
                                check(o, "PIN_OWN_HANDLE", StressPage.decode(pin.segment()), slot, oid,
                                        index, published);
                            }
                        }
                    }
                }
            }
        }
        o.assertNoForbidden();
    }

    private static void recreate(Slot slot) {
        if (!slot.recreating.tryLock()) {
            return;
        }
        try {
            slot.client.destroyPool(slot.id);
            slot.id = slot.client.newPool(slot.spec);
        } finally {
            slot.recreating.unlock();
        }
    }

    static ObjectId oid(long n) {
        return new ObjectId(n, ~n, n * 0x9E37_79B9_7F4A_7C15L);
    }

    private static void check(Outcomes o, String ok, StressPage.Decoded d, Slot slot, long oid, long index,
            AtomicLongArray published) {
        String where = "pool " + slot.tag + " oid " + oid + " index " + index;
        if (d.defect() != null) {
            o.record(d.defect().name(), "at " + where + ": " + d.detail());
        } else if (!d.page().sameHandle(slot.tag, oid, index)) {
            o.record("FOREIGN_HANDLE", "at " + where + ": got " + d.page());
        } else if (d.page().writer() < 0 || d.page().writer() >= THREADS
                || d.page().seq() > published.get((int) d.page().writer())) {
            o.record("NEVER_PUT", "at " + where + ": got " + d.page());
        } else {
            o.record(ok);
        }
    }
}
