package dev.tmem.core.internal;

import static dev.tmem.core.internal.PageTable.NIL;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The stripe's leaves against a {@link HashMap}: objects spanning many leaves (so leaves grow
 * through every capacity class, turn positional at 64 entries and shrink back), whole 64-bit store
 * handles (as zcache's same-filled handles use), clients in the leaf entries, and removal of a whole
 * object while walking it, as {@code flushObject} does.
 */
class PageTableLeafTest {

    record Key(int pool, long w0, int index) {}

    @Test
    void multiLeafObjectsWithWholeLongHandlesMatchHashMap() {
        long seed = Long.getLong("tmem.seed", System.nanoTime());
        SplittableRandom rnd = new SplittableRandom(seed);
        PageTable t = new PageTable();
        Map<Key, long[]> model = new HashMap<>(); // key -> {handle, client}
        for (int step = 0; step < 300_000; step++) {
            Key k = new Key(rnd.nextInt(2), rnd.nextInt(40), index(rnd));
            long oh = PageTable.objectHash(k.pool, k.w0, 0, 0);
            int e = t.findEntry(k.pool, k.w0, 0, 0, oh, k.index);
            long[] expected = model.get(k);
            assertThat(e == NIL ? null : t.entryHandle(e)).as("seed %d step %d %s", seed, step, k)
                    .isEqualTo(expected == null ? null : expected[0]);
            int roll = rnd.nextInt(100);
            if (e == NIL && roll < 60) {
                long h = handle(rnd);
                int client = rnd.nextInt(5);
                int p = t.insertPage(k.pool, k.w0, 0, 0, oh, k.index, h, client);
                assertThat(t.handle(p)).isEqualTo(h);
                model.put(k, new long[] {h, client});
            } else if (e != NIL && roll < 70) { // replace the handle and the client in place
                int p = t.entrySlot(e);
                assertThat(t.entryClient(e)).isEqualTo((int) expected[1]);
                long h = handle(rnd);
                int client = rnd.nextInt(5);
                t.setHandle(p, h);
                t.setClient(p, client);
                model.put(k, new long[] {h, client});
            } else if (e != NIL) {
                t.removePage(t.entrySlot(e));
                model.remove(k);
            }
            if (step % 30_000 == 0) {
                checkObjects(t, model, seed);
            }
        }
        checkObjects(t, model, seed);
        assertThat(t.pageCount()).isEqualTo(model.size());
        for (int client = 0; client < 5; client++) {
            final int c = client;
            Set<Long> expected = new HashSet<>();
            model.values().stream().filter(v -> v[1] == c).forEach(v -> expected.add(v[0]));
            Set<Long> seen = new HashSet<>();
            for (int p : t.pagesOfClient(client)) {
                seen.add(t.handle(p));
            }
            assertThat(seen).as("seed %d pages of client %d", seed, client).isEqualTo(expected);
        }
        // flush every object by walking it while removing, as PageMap.removeObject does
        for (int pool = 0; pool < 2; pool++) {
            for (int obj : t.objectsOfPool(pool)) {
                for (int p = t.firstPageOf(obj); p != NIL; ) {
                    int next = t.nextInObject(p);
                    t.removePage(p);
                    p = next;
                }
            }
            assertThat(t.objectsOfPool(pool)).isEmpty();
        }
        assertThat(t.pageCount()).isZero();
    }

    /** Dense runs within a few leaves, the edges of a leaf, and the top of the index range. */
    private static int index(SplittableRandom rnd) {
        return switch (rnd.nextInt(4)) {
            case 0 -> rnd.nextInt(64);
            case 1 -> rnd.nextInt(400);
            case 2 -> 64 * rnd.nextInt(8) + (rnd.nextBoolean() ? 0 : 63);
            default -> -1 - rnd.nextInt(130); // 0xFFFFFFFF downwards: unsigned, across leaves
        };
    }

    /** Any nonzero long, often with the top bits set (zcache's same-filled handles). */
    private static long handle(SplittableRandom rnd) {
        long h = rnd.nextBoolean() ? rnd.nextLong() | Long.MIN_VALUE : rnd.nextLong();
        return h == 0 ? 1 : h;
    }

    private static void checkObjects(PageTable t, Map<Key, long[]> model, long seed) {
        Map<String, Set<Long>> byObject = new HashMap<>();
        model.forEach((k, v) -> byObject.computeIfAbsent(k.pool + ":" + k.w0, x -> new HashSet<>()).add(v[0]));
        int objects = 0;
        for (int pool = 0; pool < 2; pool++) {
            objects += t.objectsOfPool(pool).length;
        }
        assertThat(objects).as("seed %d objects", seed).isEqualTo(byObject.size());
        for (var e : byObject.entrySet()) {
            String[] parts = e.getKey().split(":");
            int pool = Integer.parseInt(parts[0]);
            long w0 = Long.parseLong(parts[1]);
            int obj = t.findObject(pool, w0, 0, 0, PageTable.objectHash(pool, w0, 0, 0));
            assertThat(obj).isNotEqualTo(NIL);
            List<Long> walked = new ArrayList<>();
            for (int p = t.firstPageOf(obj); p != NIL; p = t.nextInObject(p)) {
                walked.add(t.handle(p));
            }
            assertThat(walked).as("seed %d object %s (no page twice)", seed, e.getKey()).hasSize(e.getValue().size());
            assertThat(new HashSet<>(walked)).as("seed %d object %s", seed, e.getKey()).isEqualTo(e.getValue());
        }
    }

    @Test
    void wholeLongHandlesAndClientsRoundTripThroughEveryLeafClass() {
        PageTable t = new PageTable();
        long oh = PageTable.objectHash(3, 1, 2, 3);
        int[] slots = new int[64];
        for (int i = 0; i < 64; i++) { // 1, 2, 4, ... 64 entries: every class, then positional
            long h = Long.MIN_VALUE | ((long) i << 40) | 0xF;
            slots[i] = t.insertPage(3, 1, 2, 3, oh, 63 - i, h, 0xFFFF - i);
            for (int j = 0; j <= i; j++) {
                int e = t.findEntry(3, 1, 2, 3, oh, 63 - j);
                assertThat(t.entryHandle(e)).isEqualTo(Long.MIN_VALUE | ((long) j << 40) | 0xF);
                assertThat(t.entryClient(e)).isEqualTo(0xFFFF - j);
                assertThat(t.entrySlot(e)).isEqualTo(slots[j]);
            }
        }
        for (int i = 0; i < 63; i++) { // and shrinking back through every class
            t.removePage(slots[i]);
            assertThat(t.findPage(3, 1, 2, 3, oh, 63 - i)).isEqualTo(NIL);
            for (int j = i + 1; j < 64; j++) {
                assertThat(t.handle(slots[j])).isEqualTo(Long.MIN_VALUE | ((long) j << 40) | 0xF);
            }
        }
        assertThat(t.pageCount()).isEqualTo(1);
    }
}
