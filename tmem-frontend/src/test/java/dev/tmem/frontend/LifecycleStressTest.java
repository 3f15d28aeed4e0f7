package dev.tmem.frontend;

import static dev.tmem.frontend.TestSupport.PS;
import static dev.tmem.frontend.TestSupport.buf;
import static dev.tmem.frontend.TestSupport.bytes;
import static dev.tmem.frontend.TestSupport.local;
import static dev.tmem.frontend.TestSupport.page;
import static dev.tmem.frontend.TestSupport.seg;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tmem.core.ObjectId;
import dev.tmem.frontend.TestSupport.SwapDisk;
import dev.tmem.frontend.local.LocalBackend;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * SEMANTICS.md section 5.5 and 5.6 under concurrency: threads mount, unmount, swap on, swap off
 * and do I/O while a controller registers, replaces and unloads backends. Each test runs for about
 * two seconds (a bound on the work, not a check).
 *
 * <p>Forbidden outcomes: a cleancache get returning anything but the bytes of the last put of that
 * page since it last missed (stale, foreign or resurrected page); a swap page read back (from the
 * backend or, after a refused store, an unload or a shrink, from its swap area) with other bytes
 * than the last stored (a lost or stale swap page); a backend left holding pages or pools after it
 * was unloaded; any exception in a worker.
 */
class LifecycleStressTest {

    private static final long RUN_NANOS = TimeUnit.MILLISECONDS.toNanos(2000);

    private final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong seqs = new AtomicLong();

    @Test
    void registerReplaceUnload_racingMountsSwaponsAndIo_noStaleReadsNoLostSwapPages() throws Exception {
        LocalBackend a = local(2048);
        LocalBackend b = local(2048);
        try (Frontends f = new Frontends(BackendRegistry.empty(), PS)) {
            List<SwapWorker> swappers = startWorkers(f, 2, 2);
            SplittableRandom rnd = new SplittableRandom(1);
            long cycles = 0;
            long end = System.nanoTime() + RUN_NANOS;
            while (System.nanoTime() < end && failures.isEmpty()) {
                int r = rnd.nextInt(3);
                if (r == 0 && f.backend() != null) {
                    f.unload();
                } else {
                    f.register(f.backend() == a ? b : a);
                }
                Thread.sleep(0, 200_000);
                cycles++;
            }
            finish(f, swappers);
            assertThat(cycles).isPositive();
        } finally {
            assertThat(failures).isEmpty();
            for (LocalBackend x : List.of(a, b)) {
                assertThat(x.engine().stats().pages()).as("pages left in %s", x).isZero();
                assertThat(x.client().pools()).as("pools left in %s", x).isEmpty();
                x.close();
            }
        }
    }

    @Test
    void loadAndUnloadByName_whileStoresAndLoadsRun_everySwappedOutPageReadsBackRight() throws Exception {
        try (Frontends f = new Frontends(BackendRegistry.fromClassPath(), PS)) {
            List<SwapWorker> swappers = startWorkers(f, 1, 3);
            long cycles = 0;
            long end = System.nanoTime() + RUN_NANOS;
            while (System.nanoTime() < end && failures.isEmpty()) {
                f.load("local", List.of("budget_mb=" + (1 + cycles % 3))); // replaces the loaded one
                Thread.sleep(0, 300_000);
                if (cycles % 4 == 3) {
                    f.unload();
                }
                cycles++;
            }
            finish(f, swappers);
            assertThat(cycles).isPositive();
        }
        assertThat(failures).isEmpty();
    }

    private List<SwapWorker> startWorkers(Frontends f, int cacheWorkers, int swapWorkers) {
        List<SwapWorker> swappers = new ArrayList<>();
        for (int i = 0; i < cacheWorkers; i++) {
            start(new CacheWorker(f.cleancache(), i), "cache-" + i);
        }
        for (int i = 0; i < swapWorkers; i++) {
            SwapWorker w = new SwapWorker(f.frontswap(), i);
            swappers.add(w);
            start(w, "swap-" + i);
        }
        return swappers;
    }

    private final List<Thread> threads = new ArrayList<>();

    private void start(Runnable r, String name) {
        Thread t = new Thread(() -> {
            try {
                r.run();
            } catch (Throwable e) {
                failures.add(new AssertionError(Thread.currentThread().getName() + " failed", e));
            }
        }, name);
        threads.add(t);
        t.start();
    }

    /** Stops the workers, unloads, and checks every swap page is on its disk with its last bytes. */
    private void finish(Frontends f, List<SwapWorker> swappers) throws InterruptedException {
        stop.set(true);
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(60));
            assertThat(t.isAlive()).as("%s still running", t.getName()).isFalse();
        }
        if (f.backend() != null) {
            f.unload();
        }
        assertThat(f.frontswap().currPages()).isZero();
        for (SwapWorker w : swappers) {
            for (var e : w.truth.entrySet()) {
                assertThat(w.disk.read(e.getKey())).as("swap area %d offset %d", w.type, e.getKey())
                        .isEqualTo(e.getValue());
            }
        }
    }

    /** Mounts a filesystem, does I/O on it, unmounts it, again and again; checks every get. */
    private final class CacheWorker implements Runnable {
        final Cleancache cc;
        final SplittableRandom rnd;

        CacheWorker(Cleancache cc, int n) {
            this.cc = cc;
            this.rnd = new SplittableRandom(100 + n);
        }

        @Override
        public void run() {
            MemorySegment dst = buf();
            while (!stop.get()) {
                int fs = cc.initFs(PS);
                Map<Integer, byte[]> last = new HashMap<>(); // key*4+index -> last put since the last miss
                for (int j = 0; j < 300; j++) {
                    int k = rnd.nextInt(16);
                    ObjectId key = ObjectId.of(k >> 2);
                    int index = k & 3;
                    int r = rnd.nextInt(10);
                    if (r < 5) {
                        byte[] p = page(seqs.incrementAndGet());
                        cc.putPage(fs, key, index, seg(p));
                        last.put(k, p);
                    } else if (r < 9) {
                        if (cc.getPage(fs, key, index, dst)) {
                            byte[] expected = last.get(k);
                            if (expected == null) {
                                throw new AssertionError("fs " + fs + " key " + k + ": a hit after a miss or invalidation");
                            }
                            assertThat(bytes(dst)).isEqualTo(expected);
                        }
                        last.remove(k); // exclusive hit, or a miss: nothing may come back
                    } else {
                        cc.invalidatePage(fs, key, index);
                        last.remove(k);
                    }
                }
                cc.invalidateFs(fs);
            }
        }
    }

    /** Swaps pages of its own area in and out, and now and then swaps the area off and on again. */
    private final class SwapWorker implements Runnable {
        final Frontswap fsw;
        final int type;
        final SwapDisk disk = new SwapDisk();
        final Map<Long, byte[]> truth = new HashMap<>();
        final SplittableRandom rnd;

        SwapWorker(Frontswap fsw, int n) {
            this.fsw = fsw;
            this.type = 10 + n;
            this.rnd = new SplittableRandom(200 + n);
        }

        @Override
        public void run() {
            fsw.init(type, disk);
            MemorySegment dst = buf();
            long ops = 0;
            while (!stop.get()) {
                long off = rnd.nextInt(128);
                int r = rnd.nextInt(10);
                if (r < 5) {
                    byte[] p = page(seqs.incrementAndGet());
                    if (!fsw.store(type, off, seg(p))) {
                        disk.write(off, p);
                    }
                    truth.put(off, p);
                } else if (r < 9) {
                    check(off, dst);
                } else {
                    fsw.invalidatePage(type, off);
                    truth.remove(off);
                    disk.slots.remove(off);
                }
                if (++ops % 2000 == 0) {
                    swapoffAndOn(dst);
                }
            }
        }

        void check(long off, MemorySegment dst) {
            byte[] expected = truth.get(off);
            byte[] got = fsw.load(type, off, dst) ? bytes(dst) : disk.read(off);
            if (expected != null) {
                assertThat(got).as("swap area %d offset %d", type, off).isEqualTo(expected);
            }
        }

        /** swapoff reads every page back first (the area's owner does), then forgets the area. */
        void swapoffAndOn(MemorySegment dst) {
            for (long off : truth.keySet()) {
                check(off, dst);
            }
            fsw.invalidateArea(type);
            fsw.init(type, disk);
            for (var e : truth.entrySet()) {
                if (!fsw.store(type, e.getKey(), seg(e.getValue()))) {
                    disk.write(e.getKey(), e.getValue());
                }
            }
        }
    }
}
