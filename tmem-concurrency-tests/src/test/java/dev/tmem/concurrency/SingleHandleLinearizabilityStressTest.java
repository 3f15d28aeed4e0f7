package dev.tmem.concurrency;

import static dev.tmem.concurrency.Outcomes.Expect.ACCEPTABLE;
import static dev.tmem.concurrency.Outcomes.Expect.FORBIDDEN;

import dev.tmem.core.ObjectId;
import dev.tmem.core.PinnedPage;
import dev.tmem.core.PoolId;
import dev.tmem.core.PoolSpec;
import dev.tmem.core.TmemClient;
import dev.tmem.core.TmemEngine;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * <b>Property:</b> operations on one handle of a persistent pool are linearizable (SEMANTICS 2.2,
 * 2.6, 2.10): the handle behaves as one atomic register.
 *
 * <p>Two writers put their own sequences 1, 2, 3, ... at one handle; three readers get it (one of
 * them through pins). Every operation takes a tick from one global atomic counter just before it
 * starts and just after it returns, so ticks order events in real time. A read that returns writer
 * {@code w}'s value {@code s} is stale if some put <i>started</i> after put (w, s) <i>returned</i>
 * and itself returned before the read started: forbidden. That covers a reader seeing an older value
 * of the same writer than one that had completed, and (per reader) going back to an older value
 * than one it already saw. The pool is persistent and never flushed, so no read that starts after
 * the first put returned may miss.
 */
class SingleHandleLinearizabilityStressTest {

    private static final int WRITERS = 2;
    private static final int READERS = 3;
    private static final int PAGE = 4096;
    /** Ticks per writer are recorded for sequences up to this; a writer stops there. */
    private static final int MAX_SEQ = 1 << 20;

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void readsOfOneHandleAreLinearizable(StoreKind kind) throws InterruptedException {
        Outcomes o = new Outcomes("single-handle linearizability")
                .declare("FRESH_VALUE", ACCEPTABLE, "a value no completed put had overwritten when the read began")
                .declare("MISS_BEFORE_FIRST_PUT", ACCEPTABLE, "no put had returned yet")
                .declare("STALE_VALUE", FORBIDDEN, "a value overwritten by a put that completed before the read began")
                .declare("GOES_BACK_IN_TIME", FORBIDDEN, "older value of a writer than this reader already saw")
                .declare("MISS_AFTER_PUT", FORBIDDEN, "a persistent page missing after a put returned")
                .declare("WRONG_PAGE", FORBIDDEN, "torn, foreign or unknown bytes")
                .declare("PUT_REFUSED", FORBIDDEN, "a put refused with the budget nearly empty");

        try (TmemEngine engine = TmemEngine.builder().store(kind.create()).budgetBytes(1L << 20).build()) {
            TmemClient client = engine.client("linearizability");
            PoolId pool = client.newPool(PoolSpec.persistent(PAGE));
            ObjectId oid = new ObjectId(7, 8, 9);
            long index = 0xFFFF_FFFEL;

            AtomicLong clock = new AtomicLong();
            // per writer: ticks at start and end of the put of seq s (index s); 0 = not yet
            AtomicLongArray[] started = new AtomicLongArray[WRITERS];
            AtomicLongArray[] ended = new AtomicLongArray[WRITERS];
            AtomicLongArray lastEnded = new AtomicLongArray(WRITERS); // seq of the last returned put
            for (int w = 0; w < WRITERS; w++) {
                started[w] = new AtomicLongArray(MAX_SEQ + 1);
                ended[w] = new AtomicLongArray(MAX_SEQ + 1);
            }
            AtomicLong firstPutEnded = new AtomicLong(Long.MAX_VALUE);

            List<Stress.Body> bodies = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                bodies.add(s -> {
                    MemorySegment page = MemorySegment.ofArray(new byte[PAGE]);
                    for (int seq = 1; seq <= MAX_SEQ && s.running(); seq++) {
                        new StressPage(0, 0, 0, writer, seq).writeTo(page);
                        started[writer].set(seq, clock.incrementAndGet());
                        boolean ok = client.putPage(pool, oid, index, page);
                        long end = clock.incrementAndGet();
                        if (!ok) {
                            o.record("PUT_REFUSED", "writer " + writer + " seq " + seq);
                            return;
                        }
                        ended[writer].set(seq, end);
                        lastEnded.set(writer, seq);
                        firstPutEnded.accumulateAndGet(end, Math::min);
                    }
                });
            }
            for (int r = 0; r < READERS; r++) {
                boolean viaPin = r == 0;
                bodies.add(s -> {
                    byte[] dst = new byte[PAGE];
                    long[] seen = new long[WRITERS]; // highest seq seen per writer by this reader
                    while (s.running()) {
                        // the last put of each writer that had returned when this read began
                        long[] doneBefore = new long[WRITERS];
                        for (int w = 0; w < WRITERS; w++) {
                            doneBefore[w] = lastEnded.get(w);
                        }
                        long readStart = clock.incrementAndGet();
                        StressPage.Decoded d;
                        if (viaPin) {
                            try (PinnedPage pin = client.pin(pool, oid, index)) {
                                d = pin == null ? null : StressPage.decode(pin.segment());
                            }
                        } else {
                            d = client.getPage(pool, oid, index, MemorySegment.ofArray(dst), false)
                                    ? StressPage.decode(dst) : null;
                        }
                        if (d == null) {
                            if (firstPutEnded.get() < readStart) {
                                o.record("MISS_AFTER_PUT", "read at tick " + readStart + ", first put ended at "
                                        + firstPutEnded.get());
                            } else {
                                o.record("MISS_BEFORE_FIRST_PUT");
                            }
                            continue;
                        }
                        StressPage p = d.page();
                        if (d.defect() != null || !p.sameHandle(0, 0, 0) || p.writer() < 0
                                || p.writer() >= WRITERS || p.seq() < 1 || p.seq() > MAX_SEQ
                                || started[(int) p.writer()].get((int) p.seq()) == 0) {
                            o.record("WRONG_PAGE", d.defect() + " " + p + " " + d.detail());
                            continue;
                        }
                        int w = (int) p.writer();
                        int seq = (int) p.seq();
                        if (seq < seen[w]) {
                            o.record("GOES_BACK_IN_TIME", "saw writer " + w + " seq " + seq + " after seq " + seen[w]);
                        }
                        seen[w] = Math.max(seen[w], seq);
                        String stale = staleness(w, seq, readStart, doneBefore, started, ended);
                        if (stale != null) {
                            o.record("STALE_VALUE", stale);
                        } else {
                            o.record("FRESH_VALUE");
                        }
                    }
                });
            }
            Stress.run("single-handle", bodies);

            // quiescent: the handle holds the last put of one of the writers
            byte[] last = client.getPage(pool, oid, index);
            if (last == null) {
                o.record("MISS_AFTER_PUT", "after all threads stopped");
            } else {
                StressPage p = StressPage.decode(last).page();
                if (p == null || p.seq() != lastEnded.get((int) p.writer())) {
                    o.record("STALE_VALUE", "final value " + p + ", last puts " + lastEnded);
                }
            }
        }
        o.assertNoForbidden();
    }

    /**
     * Why (w, seq) is stale for a read that began at {@code readStart}, or {@code null}. It is stale
     * when a put began after put (w, seq) returned and returned before the read began. Only puts
     * known to have returned before the read ({@code doneBefore}) are considered; if (w, seq) has no
     * end tick yet, it was still running and cannot be stale.
     */
    private static String staleness(int w, int seq, long readStart, long[] doneBefore,
            AtomicLongArray[] started, AtomicLongArray[] ended) {
        long end = ended[w].get(seq);
        if (end == 0) {
            return null;
        }
        for (int v = 0; v < WRITERS; v++) {
            long s = doneBefore[v];
            if (s == 0) {
                continue;
            }
            // writers are sequential: the latest put of v that returned before the read began
            // started last, so it is the one to compare
            long vEnd = ended[v].get((int) s);
            long vStart = started[v].get((int) s);
            if (vEnd < readStart && vStart > end) {
                return "writer " + w + " seq " + seq + " (put ended at tick " + end + ") read at tick "
                        + readStart + ", but writer " + v + " seq " + s + " was put from tick " + vStart
                        + " to " + vEnd;
            }
        }
        return null;
    }
}
