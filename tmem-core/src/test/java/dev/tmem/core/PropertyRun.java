package dev.tmem.core;

import static dev.tmem.core.OperationChecks.ANY;
import static dev.tmem.core.OperationChecks.FAILED_GETS;
import static dev.tmem.core.OperationChecks.FAILED_PUTS;
import static dev.tmem.core.OperationChecks.FLUSHES;
import static dev.tmem.core.OperationChecks.PUTS;
import static dev.tmem.core.OperationChecks.SUCC_GETS;
import static dev.tmem.core.OperationChecks.snap;
import static dev.tmem.core.ReferenceModel.cost;

import dev.tmem.core.OperationChecks.Effect;
import dev.tmem.core.OperationChecks.Snap;
import dev.tmem.core.ReferenceModel.Client;
import dev.tmem.core.ReferenceModel.HeldPin;
import dev.tmem.core.ReferenceModel.Key;
import dev.tmem.core.ReferenceModel.Page;
import dev.tmem.core.ReferenceModel.Pool;
import dev.tmem.core.ReferenceModel.Presence;
import dev.tmem.core.spi.PageStore;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * One seeded run of random operations against a real engine and a {@link ReferenceModel}, checking
 * after every operation. Any disagreement throws an {@link AssertionError} whose message names the
 * seed, the operation number and the last operations.
 *
 * <p>Set-up: budget of 12 to 40 pages, so eviction happens on most puts; clients {@code A} (weight
 * 1) and {@code B} (weight 2) with private ephemeral, shared (one uuid, so both attach the same pool)
 * and persistent pools of 4 KiB pages; client {@code C} with private ephemeral and persistent pools of
 * 8 KiB pages. Caps and weights change as the run goes. Handles come from a small set (3 object ids
 * with all three words used, indices 0 to 5 and {@link PageIndex#MAX}), so they collide often.
 */
final class PropertyRun {

    private static final ObjectId[] OIDS = {
        ObjectId.of(0), ObjectId.of(1), new ObjectId(-1L, Long.MIN_VALUE, 0x0123_4567_89ab_cdefL),
    };
    private static final long[] INDICES = {0, 1, 2, 3, 4, 5, PageIndex.MAX};
    private static final int MAX_POOLS_PER_CLIENT = 4;
    private static final int MAX_HELD_PINS = 2;
    private static final byte SENTINEL = (byte) 0xA5;
    private static final int TRACE = 40;

    /**
     * How often the conditional checks applied, summed over runs in this JVM, so a reader can see
     * that they fire (names: "put must succeed", "put must fail", "weighted share", "MAYBE settled",
     * "pin held", "destroy timed out on a pin").
     */
    static final Map<String, LongAdder> COVERAGE = new ConcurrentSkipListMap<>();

    static void covered(String what) {
        COVERAGE.computeIfAbsent(what, k -> new LongAdder()).increment();
    }

    private final SplittableRandom rnd;
    private final TmemEngine engine;
    private final ReferenceModel model;
    private final OperationChecks checks;
    private final ArrayDeque<String> trace = new ArrayDeque<>();
    private final Arena arena = Arena.ofConfined();
    private final Map<Integer, MemorySegment> offHeap = new HashMap<>();
    private int opNo;

    private PropertyRun(long seed, Supplier<PageStore> store) {
        this.rnd = new SplittableRandom(seed);
        int budgetPages = 12 + rnd.nextInt(29);
        long budget = budgetPages * Harness.cost(4096) + rnd.nextInt(4096);
        int[] stripes = {1, 2, 64};
        this.engine = TmemEngine.builder()
                .budgetBytes(budget)
                .store(store.get())
                .stripes(stripes[rnd.nextInt(stripes.length)])
                .pinTimeout(Duration.ofMillis(5))
                .build();
        this.model = new ReferenceModel(budget);
        this.checks = new OperationChecks(model);
        UUID sharedUuid = new UUID(seed, 0x7e3e);
        List<PoolSpec> small = List.of(
                PoolSpec.ephemeral(4096), PoolSpec.shared(sharedUuid, 4096), PoolSpec.persistent(4096));
        List<PoolSpec> large = List.of(PoolSpec.ephemeral(8192), PoolSpec.persistent(8192));
        Client a = model.addClient("A", engine.client("A"), small);
        Client b = model.addClient("B", engine.client("B"), small);
        Client c = model.addClient("C", engine.client("C"), large);
        setWeight(b, 2);
        for (Client cl : List.of(a, b, c)) {
            for (PoolSpec spec : cl.kinds) {
                newPool(cl, spec);
            }
        }
        newPool(a, PoolSpec.ephemeral(4096));
    }

    /** Runs {@code ops} random operations from {@code seed}; throws AssertionError on a mismatch. */
    static TmemStats check(long seed, int ops, Supplier<PageStore> store) {
        PropertyRun run = null;
        try {
            run = new PropertyRun(seed, store);
            for (int i = 0; i < ops; i++) {
                run.opNo = i;
                run.step();
            }
            run.opNo = ops;
            return run.finish();
        } catch (Throwable t) {
            StringBuilder msg = new StringBuilder("reference model mismatch: seed=").append(seed);
            if (run != null) {
                msg.append(", op #").append(run.opNo);
            }
            msg.append(": ").append(t).append("\n  reproduce: -Dtmem.seed=").append(seed)
                    .append(" -Dtmem.property.runs=1 -Dtmem.property.ops=").append(ops);
            if (run != null) {
                msg.append("\n  budget ").append(run.model.budget).append(" bytes; last operations:");
                for (String s : run.trace) {
                    msg.append("\n    ").append(s);
                }
            }
            throw new AssertionError(msg.toString(), t);
        } finally {
            if (run != null) {
                run.arena.close();
                run.closeQuietly();
            }
        }
    }

    // =========================================================================================
    // operations
    // =========================================================================================

    private void step() {
        Snap before = snap(engine);
        Effect e = new Effect();
        int r = rnd.nextInt(100);
        Client c = model.clients.get(rnd.nextInt(model.clients.size()));
        e.actor = c;
        e.actorPagesBefore = before.pages(c);
        if (r < 4 || c.pools.isEmpty()) {
            if (c.pools.size() < MAX_POOLS_PER_CLIENT) {
                newPool(c, c.kinds.get(rnd.nextInt(c.kinds.size())));
            } else {
                destroyPool(c, e);
            }
        } else if (r < 7) {
            destroyPool(c, e);
        } else if (r < 9) {
            changeWeightOrCap(c);
        } else if (r < 13) {
            if (model.pins.isEmpty()) {
                pin(c, e);
            } else {
                release(model.pins.get(rnd.nextInt(model.pins.size())));
            }
        } else if (r < 18) {
            pin(c, e);
        } else if (r < 26) {
            flushPage(c, e);
        } else if (r < 30) {
            flushObject(c, e);
        } else if (r < 60) {
            get(c, e);
        } else {
            put(c, e);
        }
        checks.afterOp(before, snap(engine), e);
    }

    private Pool pickPool(Client c, int[] idOut) {
        if (c.pools.isEmpty()) {
            return null;
        }
        List<Integer> ids = new ArrayList<>(c.pools.keySet());
        idOut[0] = ids.get(rnd.nextInt(ids.size()));
        return c.pools.get(idOut[0]);
    }

    private Key pickKey() {
        return new Key(OIDS[rnd.nextInt(OIDS.length)], INDICES[rnd.nextInt(INDICES.length)]);
    }

    /** Half the time a key the model holds a page for (so reads hit often), else any key. */
    private Key pickKey(Pool p) {
        if (p.pages.isEmpty() || rnd.nextBoolean()) {
            return pickKey();
        }
        int i = rnd.nextInt(p.pages.size());
        for (Key k : p.pages.keySet()) {
            if (i-- == 0) {
                return k;
            }
        }
        throw new AssertionError();
    }

    private void put(Client c, Effect e) {
        int[] id = new int[1];
        Pool p = pickPool(c, id);
        Key k = pickKey();
        long seq = model.nextSeq();
        int ps = p.spec.pageSize();
        byte[] bytes = PageContent.of(p.uid, k.oid(), k.index(), seq, ps);
        Page old = model.page(p, k);

        // What the budget and the cap allow, from what the model knows for sure.
        long persistentOthers = model.persistentBytes()
                - (old != null && p.persistent() ? old.charge() : 0);
        long charge = cost(bytes);
        boolean budgetRoom = persistentOthers + charge <= model.budget;
        // Cap: replacing one of the client's own pages adds none, so the cap cannot refuse it;
        // otherwise the client needs room for one more page beside its persistent ones.
        long ownPersistent = model.counts(c)[0];
        boolean replacesOwn = old != null && old.owner == c && old.presence == Presence.PRESENT;
        boolean mayReplaceOwn = old != null && old.owner == c;
        boolean capRoom = !c.capped() || replacesOwn || ownPersistent + 1 <= c.cap;
        boolean capNoRoom = c.capped() && !mayReplaceOwn && ownPersistent + 1 > c.cap;
        boolean mustFail = !budgetRoom || capNoRoom;
        boolean mustSucceed = budgetRoom && capRoom && model.pinsHeld() == 0;

        boolean ok;
        PoolId pool = PoolId.of(id[0]);
        if (rnd.nextBoolean()) {
            ok = c.api.putPage(pool, k.oid(), k.index(), bytes);
            Arrays.fill(bytes, (byte) 0x5A); // copy semantics: the engine must not keep our array
        } else {
            MemorySegment seg = offHeap.computeIfAbsent(ps, arena::allocate);
            MemorySegment.copy(MemorySegment.ofArray(bytes), 0, seg, 0, ps);
            ok = c.api.putPage(pool, k.oid(), k.index(), seg);
            seg.fill((byte) 0x5A);
        }
        log(c, "put " + p + " " + k + " seq " + seq + (ok ? " -> stored" : " -> refused")
                + " (was " + old + "; persistent bytes of others " + persistentOthers
                + ", own persistent " + ownPersistent + ", cap " + c.cap + ")");
        if (ok && mustFail) {
            throw new AssertionError("put succeeded where it cannot fit: " + (!budgetRoom
                    ? "persistent pages (never evicted) leave no room in the budget"
                    : c + "'s persistent pages already fill its cap " + c.cap));
        }
        if (!ok && mustSucceed) {
            throw new AssertionError("put refused although evicting ephemeral pages makes room"
                    + " (persistent bytes " + persistentOthers + " + " + charge + " <= budget "
                    + model.budget + "; " + c + " own persistent " + ownPersistent + ", cap "
                    + c.cap + ")");
        }
        if (mustSucceed) {
            covered("put must succeed");
        }
        if (mustFail) {
            covered("put must fail");
        }
        e.put = true;
        e.putOk = ok;
        if (ok) {
            model.stored(p, k, seq, c);
            e.placed = model.page(p, k);
            e.counters[PUTS] = 1;
        } else {
            model.remove(p, k); // a failed put leaves nothing, not even the old page
            e.counters[FAILED_PUTS] = 1;
        }
    }

    private void get(Client c, Effect e) {
        int[] id = new int[1];
        Pool p = pickPool(c, id);
        Key k = pickKey(p);
        Page page = model.page(p, k);
        boolean exclusive = rnd.nextInt(3) == 0;
        byte[] got;
        if (!exclusive && rnd.nextInt(4) == 0) {
            got = c.api.getPage(PoolId.of(id[0]), k.oid(), k.index());
        } else {
            byte[] dst = new byte[p.spec.pageSize()];
            Arrays.fill(dst, SENTINEL);
            boolean hit = c.api.getPage(PoolId.of(id[0]), k.oid(), k.index(),
                    MemorySegment.ofArray(dst), exclusive);
            if (!hit) {
                checkUnchanged(dst, "getPage miss wrote into dst");
            }
            got = hit ? dst : null;
        }
        log(c, "get" + (exclusive ? "(exclusive) " : " ") + p + " " + k + " -> "
                + (got == null ? "miss" : PageContent.describe(got)) + " (model " + page + ")");
        if (got != null) {
            checkHit(p, k, page, got, "get");
            if (p.getRemoves(exclusive)) {
                model.remove(p, k);
            } else {
                page.presence = Presence.PRESENT;
            }
            e.counters[SUCC_GETS] = 1;
        } else {
            checkMiss(p, k, page, "get");
            model.remove(p, k); // no resurrection: it stays gone until the next put
            e.counters[FAILED_GETS] = 1;
        }
    }

    private void checkHit(Pool p, Key k, Page page, byte[] got, String op) {
        if (page == null) {
            throw new AssertionError(op + " hit at " + p + " " + k + " where no page can be"
                    + " (never put, flushed, refused, taken or missed since): got "
                    + PageContent.describe(got));
        }
        byte[] want = page.bytes();
        if (!Arrays.equals(want, got)) {
            throw new AssertionError(op + " at " + p + " " + k + " returned the wrong bytes: want "
                    + "seq " + page.seq + ", got " + PageContent.describe(got));
        }
    }

    private static void checkMiss(Pool p, Key k, Page page, String op) {
        if (page != null && page.presence == Presence.PRESENT) {
            throw new AssertionError(op + " missed at " + p + " " + k + " but the page must be there: "
                    + (p.persistent() ? "persistent pages are never evicted"
                            : page.pins > 0 ? "it is pinned"
                                    : "no eviction of " + page.owner + "'s pages since it was known")
                    + " (model " + page + ")");
        }
    }

    private void flushPage(Client c, Effect e) {
        int[] id = new int[1];
        Pool p = pickPool(c, id);
        Key k = pickKey(p);
        Page page = model.page(p, k);
        int n = c.api.flushPage(PoolId.of(id[0]), k.oid(), k.index());
        log(c, "flushPage " + p + " " + k + " -> " + n + " (model " + page + ")");
        long min = page != null && page.presence == Presence.PRESENT ? 1 : 0;
        long max = page != null ? 1 : 0;
        checkRange("flushPage count", n, min, max);
        model.remove(p, k);
        e.counters[FLUSHES] = 1;
    }

    private void flushObject(Client c, Effect e) {
        int[] id = new int[1];
        Pool p = pickPool(c, id);
        ObjectId oid = OIDS[rnd.nextInt(OIDS.length)];
        long[] range = new long[2];
        List<Key> keys = new ArrayList<>();
        for (Page page : p.pages.values()) {
            if (page.key.oid().equals(oid)) {
                keys.add(page.key);
                range[1]++;
                range[0] += page.presence == Presence.PRESENT ? 1 : 0;
            }
        }
        long n = c.api.flushObject(PoolId.of(id[0]), oid);
        log(c, "flushObject " + p + " " + oid + " -> " + n + " (model " + range[0] + ".." + range[1] + ")");
        checkRange("flushObject count", n, range[0], range[1]);
        keys.forEach(k -> model.remove(p, k));
        e.counters[FLUSHES] = 1;
    }

    private void newPool(Client c, PoolSpec spec) {
        PoolId id = c.api.newPool(spec);
        log(c, "newPool " + spec + " -> " + id.value());
        model.attach(c, id.value(), spec);
        if (!c.api.poolSpec(id).equals(spec)) {
            throw new AssertionError("poolSpec(" + id + ") is " + c.api.poolSpec(id) + ", want " + spec);
        }
    }

    private void destroyPool(Client c, Effect e) {
        int[] id = new int[1];
        Pool p = pickPool(c, id);
        if (p == null) {
            return;
        }
        PoolId pool = PoolId.of(id[0]);
        if (p.pins > 0) {
            if (p.shared()) {
                return; // the spec does not say whether a detach that is not the last waits
            }
            try {
                long n = c.api.destroyPool(pool);
                throw new AssertionError("destroyPool of " + p + " with " + p.pins
                        + " live pin(s) returned " + n + " instead of waiting and timing out");
            } catch (PinTimeoutException expected) {
                covered("destroy timed out on a pin");
                log(c, "destroyPool " + p + " while pinned -> PinTimeoutException (as it must)");
                return;
            }
        }
        long min = 0, max = 0;
        if (p.attachments == 1) {
            for (Page page : p.pages.values()) {
                max++;
                min += page.presence == Presence.PRESENT ? 1 : 0;
            }
        }
        long n = c.api.destroyPool(pool);
        log(c, "destroyPool " + p + " id " + id[0] + " -> " + n + " (model " + min + ".." + max
                + (p.attachments > 1 ? ", not the last attachment" : "") + ")");
        checkRange("destroyPool count", n, min, max);
        model.detach(c, id[0]);
    }

    private void changeWeightOrCap(Client c) {
        int r = rnd.nextInt(4);
        if (r == 0) {
            setWeight(c, 1 + rnd.nextInt(4));
        } else if (r == 1) {
            c.api.clearCap();
            c.cap = -1;
            log(c, "clearCap");
        } else {
            long cap = rnd.nextInt(10) == 0 ? 0 : 2 + rnd.nextInt(c.pageSize() == 4096 ? 15 : 8);
            c.api.setCapPages(cap);
            c.cap = cap;
            log(c, "setCapPages " + cap);
        }
    }

    private void setWeight(Client c, int w) {
        c.api.setWeight(w);
        c.weight = w;
        log(c, "setWeight " + w);
    }

    private void pin(Client c, Effect e) {
        int[] id = new int[1];
        Pool p = pickPool(c, id);
        Key k = pickKey(p);
        Page page = model.page(p, k);
        PinnedPage pin = c.api.pin(PoolId.of(id[0]), k.oid(), k.index());
        e.counters[SUCC_GETS] = ANY; // whether a pin counts as a get is not specified
        e.counters[FAILED_GETS] = ANY;
        if (pin == null) {
            log(c, "pin " + p + " " + k + " -> miss (model " + page + ")");
            checkMiss(p, k, page, "pin");
            model.remove(p, k);
            return;
        }
        MemorySegment seg = pin.segment();
        byte[] got = seg.toArray(ValueLayout.JAVA_BYTE);
        log(c, "pin " + p + " " + k + " -> " + PageContent.describe(got) + " (model " + page + ")");
        checkHit(p, k, page, got, "pin");
        if (!seg.isReadOnly()) {
            throw new AssertionError("pinned view is writable");
        }
        page.presence = Presence.PRESENT; // pinning never removes the page
        HeldPin held = new HeldPin(pin, page, got);
        if (model.pins.size() < MAX_HELD_PINS && rnd.nextBoolean()) {
            page.pins++;
            page.pool.pins++;
            model.pins.add(held);
            covered("pin held");
            log(c, "  holding the pin");
        } else {
            checkRelease(held);
        }
    }

    private void release(HeldPin held) {
        model.pins.remove(held);
        held.page().pins--;
        held.page().pool.pins--;
        log(held.page().owner, "release pin on " + held.page().pool + " " + held.page().key
                + " (" + (held.page().orphan ? "flushed or replaced meanwhile" : "still at its handle")
                + ")");
        checkRelease(held);
    }

    private static void checkRelease(HeldPin held) {
        MemorySegment seg = held.pin().segment();
        byte[] now = seg.toArray(ValueLayout.JAVA_BYTE);
        if (!Arrays.equals(now, held.bytes())) {
            throw new AssertionError("pinned view changed under the pin: now "
                    + PageContent.describe(now) + ", pinned " + PageContent.describe(held.bytes()));
        }
        held.pin().close();
        try {
            seg.get(ValueLayout.JAVA_BYTE, 0);
            throw new AssertionError("pinned view still readable after release");
        } catch (IllegalStateException expected) {
            // the view's scope is closed
        }
        try {
            held.pin().close();
            throw new AssertionError("second release of a pin did not throw OverReleaseException");
        } catch (OverReleaseException expected) {
            // over-release is detected
        }
    }

    /**
     * Releases every pin (sometimes first checking that close refuses), then tears down.
     *
     * @return the engine's counters just before it closed
     */
    private TmemStats finish() {
        if (!model.pins.isEmpty() && rnd.nextBoolean()) {
            try {
                engine.close();
                throw new AssertionError("engine.close() with live pins did not time out");
            } catch (PinTimeoutException expected) {
                log(null, "engine.close() while pinned -> PinTimeoutException (as it must)");
            }
            checks.afterOp(snap(engine), snap(engine), new Effect());
        }
        while (!model.pins.isEmpty()) {
            release(model.pins.getFirst());
        }
        for (Client c : model.clients) {
            while (!c.pools.isEmpty()) {
                Effect e = new Effect();
                e.actor = c;
                Snap before = snap(engine);
                int id = c.pools.firstKey();
                Pool p = c.pools.get(id);
                long min = 0, max = 0;
                if (p.attachments == 1) {
                    max = p.pages.size();
                    min = p.pages.values().stream().filter(x -> x.presence == Presence.PRESENT).count();
                }
                long n = c.api.destroyPool(PoolId.of(id));
                log(c, "destroyPool (teardown) " + p + " -> " + n);
                checkRange("destroyPool count", n, min, max);
                model.detach(c, id);
                checks.afterOp(before, snap(engine), e);
            }
        }
        TmemStats s = engine.stats();
        if (s.pages() != 0 || s.bytesUsed() != 0 || s.bytesStored() != 0 || s.pools() != 0) {
            throw new AssertionError("pages or memory left after every pool was destroyed: " + s);
        }
        engine.close();
        try {
            engine.stats();
            model.clients.getFirst().api.getPage(PoolId.of(0), OIDS[0], 0);
            throw new AssertionError("engine usable after close()");
        } catch (IllegalStateException expected) {
            // closed
        }
        return s;
    }

    // =========================================================================================
    // helpers
    // =========================================================================================

    private static void checkRange(String what, long n, long min, long max) {
        OperationChecks.check(n >= min && n <= max, what + " " + n + ", model allows " + min + ".." + max);
    }

    private static void checkUnchanged(byte[] dst, String message) {
        for (byte b : dst) {
            OperationChecks.check(b == SENTINEL, message);
        }
    }

    private void log(Client c, String s) {
        if (trace.size() == TRACE) {
            trace.removeFirst();
        }
        trace.addLast("#" + opNo + " " + (c == null ? "" : c + ": ") + s);
    }

    private void closeQuietly() {
        for (HeldPin h : model.pins) {
            try {
                h.pin().close();
            } catch (RuntimeException ignored) {
                // already failing; free what we can
            }
        }
        try {
            engine.close();
        } catch (RuntimeException ignored) {
            // closed already, or failing for the reason being reported
        }
    }
}
