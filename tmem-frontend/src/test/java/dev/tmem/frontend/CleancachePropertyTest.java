package dev.tmem.frontend;

import static dev.tmem.frontend.TestSupport.PS;
import static dev.tmem.frontend.TestSupport.buf;
import static dev.tmem.frontend.TestSupport.bytes;
import static dev.tmem.frontend.TestSupport.local;
import static dev.tmem.frontend.TestSupport.page;
import static dev.tmem.frontend.TestSupport.seg;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tmem.core.ObjectId;
import dev.tmem.frontend.local.LocalBackend;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded random operations on {@link Cleancache} (mount, shared mount, unmount, put, get,
 * invalidations, backend register, replace and unregister) against a plain model: per pool (a
 * private filesystem, or a uuid while any filesystem of it is mounted), the pages a get may return.
 *
 * <p>With a roomy backend nothing is evicted, so every get is predicted exactly (hit or miss, and
 * the bytes). With a tight one a predicted hit may miss (eviction), but a hit must return exactly
 * the model's bytes, and once a page missed it never comes back until it is put again. Counters
 * are checked against the model's counts at the end.
 */
class CleancachePropertyTest {

    static LongStream seeds() {
        return LongStream.range(1, 21);
    }

    @ParameterizedTest(name = "roomy, seed {0}")
    @MethodSource("seeds")
    void randomOperations_roomyBackend_matchTheModelExactly(long seed) {
        new Run(seed, true).run(1500);
    }

    @ParameterizedTest(name = "tight, seed {0}")
    @MethodSource("seeds")
    void randomOperations_tightBackend_neverStaleNeverResurrected(long seed) {
        new Run(seed, false).run(1500);
    }

    private static final ObjectId[] KEYS = {
        ObjectId.of(0), ObjectId.of(1), new ObjectId(1, 0, 1), new ObjectId(-1, Long.MIN_VALUE, 42),
    };
    private static final long[] INDICES = {0, 1, 2, 7, 0xFFFF_FFFFL};
    private static final UUID[] UUIDS = {new UUID(1, 1), new UUID(2, 2)};

    record Key(ObjectId oid, long index) {}

    /** A pool of the model: a private filesystem's, or a uuid's. */
    static final class PoolModel {
        final boolean shared;
        final Map<Key, byte[]> pages = new HashMap<>();

        PoolModel(boolean shared) {
            this.shared = shared;
        }
    }

    private static final class Run {
        final long seed;
        final boolean exact;
        final SplittableRandom rnd;
        final Cleancache cc = new Cleancache();
        final TreeMap<Integer, PoolModel> fsPools = new TreeMap<>();
        final Map<UUID, PoolModel> sharedPools = new HashMap<>();
        final Map<Integer, UUID> fsUuid = new HashMap<>();
        final List<LocalBackend> all = new ArrayList<>();
        final ArrayDeque<String> trace = new ArrayDeque<>();
        LocalBackend backend;
        long seq;
        long succGets;
        long failedGets;
        long puts;
        long putsNoBackend;
        long invalidates;

        Run(long seed, boolean exact) {
            this.seed = seed;
            this.exact = exact;
            this.rnd = new SplittableRandom(seed);
        }

        void run(int ops) {
            try {
                for (int i = 0; i < ops; i++) {
                    step(i);
                }
                CleancacheStats s = cc.stats();
                assertThat(s.succGets()).isEqualTo(succGets);
                assertThat(s.failedGets()).isEqualTo(failedGets);
                assertThat(s.puts()).isEqualTo(puts);
                assertThat(s.putsNoBackend()).isEqualTo(putsNoBackend);
                assertThat(s.invalidates()).isEqualTo(invalidates);
                assertThat(s.filesystems()).isEqualTo(fsPools.size());
                if (backend != null) {
                    cc.unregister();
                    assertThat(backend.engine().stats().pages()).isZero();
                    assertThat(backend.client().pools()).isEmpty();
                }
            } catch (Throwable t) {
                throw new AssertionError("seed " + seed + (exact ? " roomy" : " tight") + ", last operations:\n  "
                        + String.join("\n  ", trace), t);
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

        void step(int i) {
            int r = rnd.nextInt(100);
            if (r < 3 || fsPools.isEmpty()) {
                mount(i);
                return;
            }
            if (r < 5) {
                int fs = anyFs();
                note(i + ": invalidateFs " + fs);
                cc.invalidateFs(fs);
                fsPools.remove(fs);
                UUID u = fsUuid.remove(fs);
                if (u != null && !fsUuid.containsValue(u)) {
                    sharedPools.remove(u); // the last mount of the uuid: the shared pool goes
                }
                return;
            }
            if (r < 7) {
                register(i);
                return;
            }
            if (r < 8 && backend != null) {
                note(i + ": unregister");
                assertThat(cc.unregister()).isSameAs(backend);
                backend = null;
                clearAll();
                return;
            }
            int fs = anyFs();
            PoolModel pool = fsPools.get(fs);
            Key k = new Key(KEYS[rnd.nextInt(KEYS.length)], INDICES[rnd.nextInt(INDICES.length)]);
            if (r < 50) {
                byte[] p = page(++seq);
                note(i + ": put " + fs + " " + k + " seq " + seq);
                cc.putPage(fs, k.oid(), k.index(), seg(p));
                if (backend != null) {
                    pool.pages.put(k, p);
                    puts++;
                } else {
                    putsNoBackend++;
                }
            } else if (r < 85) {
                note(i + ": get " + fs + " " + k);
                MemorySegment dst = buf();
                boolean hit = cc.getPage(fs, k.oid(), k.index(), dst);
                byte[] expected = pool.pages.get(k);
                if (hit) {
                    assertThat(expected).as("a hit on a page the model does not hold").isNotNull();
                    assertThat(bytes(dst)).isEqualTo(expected);
                    succGets++;
                    if (!pool.shared) {
                        pool.pages.remove(k); // private: the hit was exclusive
                    }
                } else {
                    if (exact) {
                        assertThat(expected).as("a miss on a page the model holds").isNull();
                    }
                    failedGets++;
                    pool.pages.remove(k); // no resurrection from here on
                }
            } else if (r < 93) {
                note(i + ": invalidatePage " + fs + " " + k);
                cc.invalidatePage(fs, k.oid(), k.index());
                pool.pages.remove(k);
                invalidates += backend != null ? 1 : 0;
            } else {
                note(i + ": invalidateInode " + fs + " " + k.oid());
                cc.invalidateInode(fs, k.oid());
                pool.pages.keySet().removeIf(x -> x.oid().equals(k.oid()));
                invalidates += backend != null ? 1 : 0;
            }
        }

        int anyFs() {
            List<Integer> ids = new ArrayList<>(fsPools.keySet());
            return ids.get(rnd.nextInt(ids.size()));
        }

        void mount(int i) {
            if (fsPools.size() >= 6) {
                return;
            }
            if (rnd.nextInt(3) == 0) {
                UUID u = UUIDS[rnd.nextInt(UUIDS.length)];
                int fs = cc.initSharedFs(u, PS);
                note(i + ": initSharedFs " + u + " -> " + fs);
                fsPools.put(fs, sharedPools.computeIfAbsent(u, x -> new PoolModel(true)));
                fsUuid.put(fs, u);
            } else {
                int fs = cc.initFs(PS);
                note(i + ": initFs -> " + fs);
                fsPools.put(fs, new PoolModel(false));
            }
        }

        void register(int i) {
            LocalBackend next = local(exact ? 1024 : 3 + rnd.nextInt(6));
            all.add(next);
            note(i + ": register" + (backend != null ? " (replace)" : ""));
            assertThat(cc.register(next)).isSameAs(backend);
            backend = next;
            clearAll(); // a new backend starts empty: nothing of the old one comes back
        }

        void clearAll() {
            fsPools.values().forEach(p -> p.pages.clear());
        }
    }
}
