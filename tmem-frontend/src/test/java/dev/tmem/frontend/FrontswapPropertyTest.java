package dev.tmem.frontend;

import static dev.tmem.frontend.TestSupport.buf;
import static dev.tmem.frontend.TestSupport.bytes;
import static dev.tmem.frontend.TestSupport.local;
import static dev.tmem.frontend.TestSupport.page;
import static dev.tmem.frontend.TestSupport.seg;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tmem.frontend.TestSupport.FlakyBackend;
import dev.tmem.frontend.TestSupport.SwapDisk;
import dev.tmem.frontend.local.LocalBackend;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded random operations on {@link Frontswap} (swapon, swapoff, store, load, invalidate, shrink,
 * mode changes, backend register, replace and unregister) against a plain model: per area, the
 * pages the backend must hold (a {@link TreeMap}) and what the caller last swapped out. The backend
 * holds a known number of pages (persistent pages are never evicted) and now and then refuses every
 * put (so duplicate stores fail too), so every outcome is predicted exactly. The caller follows frontswap's protocol: a store that returns false goes to the
 * area's disk; a page loaded exclusively is written to the disk (it is dirty in memory).
 *
 * <p>After every operation: {@code currPages()} and the touched offset's bitmap bit equal the model;
 * every few operations and at the end, every page the caller swapped out is found with its exact
 * bytes, in the backend or on its disk.
 */
class FrontswapPropertyTest {

    static LongStream seeds() {
        return LongStream.range(1, 25);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void randomOperations_matchTheModel(long seed) {
        new Run(seed).run(1500);
    }

    private static final long[] OFFSETS = {0, 1, 2, 3, 5, 8, 63, 64, 65, 4096, 32_768, 1L << 31, Frontswap.MAX_OFFSET};
    private static final int TYPES = 3;

    private static final class AreaModel {
        final SwapDisk disk = new SwapDisk();
        final TreeMap<Long, byte[]> inBackend = new TreeMap<>();
        final Map<Long, byte[]> truth = new TreeMap<>();
    }

    private static final class Run {
        final long seed;
        final SplittableRandom rnd;
        final Frontswap fsw = new Frontswap();
        final TreeMap<Integer, AreaModel> areas = new TreeMap<>();
        final List<LocalBackend> all = new ArrayList<>();
        final ArrayDeque<String> trace = new ArrayDeque<>();
        FlakyBackend backend;
        int capacity;
        long seq;

        Run(long seed) {
            this.seed = seed;
            this.rnd = new SplittableRandom(seed);
        }

        void run(int ops) {
            try {
                for (int i = 0; i < ops; i++) {
                    step(i);
                    if (i % 50 == 0) {
                        checkAllPages();
                    }
                }
                if (backend != null) {
                    note("final unregister");
                    fsw.unregister();
                    for (AreaModel a : areas.values()) {
                        a.inBackend.clear();
                    }
                }
                checkAllPages();
                assertThat(fsw.currPages()).isZero();
            } catch (Throwable t) {
                throw new AssertionError("seed " + seed + ", last operations:\n  " + String.join("\n  ", trace), t);
            } finally {
                all.forEach(LocalBackend::close);
            }
        }

        void note(String s) {
            trace.addLast(s);
            if (trace.size() > 25) {
                trace.removeFirst();
            }
        }

        long used() {
            return areas.values().stream().mapToLong(a -> a.inBackend.size()).sum();
        }

        void step(int i) {
            int type = rnd.nextInt(TYPES);
            long off = OFFSETS[rnd.nextInt(OFFSETS.length)];
            int r = rnd.nextInt(100);
            AreaModel a = areas.get(type);
            if (r < 4) {
                if (a == null) {
                    note(i + ": init " + type);
                    AreaModel m = new AreaModel();
                    fsw.init(type, m.disk);
                    areas.put(type, m);
                } else {
                    note(i + ": invalidateArea " + type);
                    fsw.invalidateArea(type);
                    areas.remove(type);
                }
            } else if (r < 6) {
                register();
            } else if (r < 7 && backend != null) {
                note(i + ": unregister");
                assertThat(fsw.unregister()).isSameAs(backend);
                backend = null;
                writtenBackAll();
            } else if (r < 9) {
                boolean on = rnd.nextBoolean();
                note(i + ": writethrough " + on);
                fsw.writethrough(on);
            } else if (r < 11) {
                boolean on = rnd.nextBoolean();
                note(i + ": exclusiveGets " + on);
                fsw.exclusiveGets(on);
            } else if (r < 13) {
                shrink(i);
            } else if (r < 15 && backend != null) {
                backend.failPuts = !backend.failPuts; // a backend that refuses every put for a while
                note(i + ": failPuts " + backend.failPuts);
            } else if (a == null) {
                return;
            } else if (r < 60) {
                store(i, type, a, off);
            } else if (r < 90) {
                load(i, type, a, off);
            } else {
                note(i + ": invalidatePage " + type + " " + off);
                fsw.invalidatePage(type, off);
                a.inBackend.remove(off);
                a.truth.remove(off);
                a.disk.slots.remove(off);
            }
            assertThat(fsw.currPages()).as("currPages").isEqualTo(used());
            if (a != null && areas.containsKey(type)) {
                assertThat(fsw.isStored(type, off)).as("bit of %d/%d", type, off).isEqualTo(a.inBackend.containsKey(off));
            }
        }

        void register() {
            LocalBackend inner = local(capacity = 4 + rnd.nextInt(12));
            all.add(inner);
            FlakyBackend next = new FlakyBackend(inner);
            note("register capacity " + capacity + (backend != null ? " (replace)" : ""));
            assertThat(fsw.register(next)).isSameAs(backend);
            if (backend != null) {
                writtenBackAll();
            }
            backend = next;
        }

        void writtenBackAll() {
            for (AreaModel a : areas.values()) {
                a.inBackend.clear(); // frontswap wrote them to a.disk; checkAllPages verifies
            }
        }

        void store(int i, int type, AreaModel a, long off) {
            byte[] p = page(++seq);
            boolean dup = a.inBackend.containsKey(off);
            boolean kept = backend != null && !backend.failPuts && (dup || used() < capacity);
            boolean expected = kept && !fsw.writethrough();
            note(i + ": store " + type + " " + off + " seq " + seq + " expect kept=" + kept);
            boolean got = fsw.store(type, off, seg(p));
            assertThat(got).as("store result").isEqualTo(expected);
            if (kept) {
                a.inBackend.put(off, p);
            } else {
                a.inBackend.remove(off);
            }
            if (!got) {
                a.disk.write(off, p);
            }
            a.truth.put(off, p);
        }

        void load(int i, int type, AreaModel a, long off) {
            boolean excl = fsw.exclusiveGets();
            note(i + ": load " + type + " " + off + (excl ? " exclusive" : ""));
            MemorySegment dst = buf();
            boolean hit = fsw.load(type, off, dst);
            assertThat(hit).as("load hit").isEqualTo(a.inBackend.containsKey(off));
            if (hit) {
                assertThat(bytes(dst)).isEqualTo(a.inBackend.get(off)).isEqualTo(a.truth.get(off));
                if (excl) {
                    a.inBackend.remove(off);
                    a.disk.write(off, bytes(dst)); // the caller now holds the only copy: it writes it out
                }
            } else if (a.truth.containsKey(off)) {
                assertThat(a.disk.read(off)).as("disk copy").isEqualTo(a.truth.get(off));
            }
        }

        void shrink(int i) {
            long used = used();
            long target = rnd.nextLong(used + 2);
            note(i + ": shrink " + target + " of " + used);
            long moved = fsw.shrink(target);
            assertThat(moved).isEqualTo(Math.max(0, used - target));
            long left = moved;
            for (AreaModel a : areas.values()) { // areas in type order, offsets ascending
                while (left > 0 && !a.inBackend.isEmpty()) {
                    a.inBackend.pollFirstEntry();
                    left--;
                }
            }
        }

        void checkAllPages() {
            for (var e : areas.entrySet()) {
                AreaModel a = e.getValue();
                for (var t : a.truth.entrySet()) {
                    long off = t.getKey();
                    if (a.inBackend.containsKey(off)) {
                        assertThat(fsw.isStored(e.getKey(), off)).isTrue();
                    } else {
                        assertThat(fsw.isStored(e.getKey(), off)).isFalse();
                        assertThat(a.disk.read(off)).as("disk %d/%d", e.getKey(), off).isEqualTo(t.getValue());
                    }
                }
            }
        }
    }
}
