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
 * The stripe's tables against a {@link HashMap}: random inserts and removals across many growth
 * and backward-shift deletions, with object lists and LRU lists checked after every step batch.
 */
class PageTableTest {

    record Key(int pool, long w0, int index) {}

    @Test
    void randomInsertRemoveMatchesHashMap() {
        long seed = Long.getLong("tmem.seed", System.nanoTime());
        SplittableRandom rnd = new SplittableRandom(seed);
        PageTable t = new PageTable();
        Map<Key, Long> model = new HashMap<>();
        long nextHandle = 1;
        for (int step = 0; step < 200_000; step++) {
            Key k = new Key(rnd.nextInt(3), rnd.nextInt(200), rnd.nextInt(64));
            long oh = PageTable.objectHash(k.pool, k.w0, 0, 0);
            int p = t.findPage(k.pool, k.w0, 0, 0, oh, k.index);
            Long expected = model.get(k);
            assertThat(p == NIL ? null : t.handle(p)).as("seed %d step %d %s", seed, step, k).isEqualTo(expected);
            if (p == NIL && rnd.nextInt(100) < 55) {
                long h = nextHandle++;
                int slot = t.insertPage(k.pool, k.w0, 0, 0, oh, k.index, h, k.pool);
                t.lruLinkHead(slot, (int) h);
                model.put(k, h);
            } else if (p != NIL) {
                t.removePage(p);
                model.remove(k);
            }
            if (step % 20_000 == 0) {
                checkLists(t, model, seed);
            }
        }
        checkLists(t, model, seed);
        assertThat(t.pageCount()).isEqualTo(model.size());
    }

    private static void checkLists(PageTable t, Map<Key, Long> model, long seed) {
        // every object's list holds exactly its pages
        Map<String, Set<Long>> byObject = new HashMap<>();
        model.forEach((k, h) -> byObject.computeIfAbsent(k.pool + ":" + k.w0, x -> new HashSet<>()).add(h));
        for (var e : byObject.entrySet()) {
            String[] parts = e.getKey().split(":");
            int pool = Integer.parseInt(parts[0]);
            long w0 = Long.parseLong(parts[1]);
            int obj = t.findObject(pool, w0, 0, 0, PageTable.objectHash(pool, w0, 0, 0));
            Set<Long> seen = new HashSet<>();
            for (int p = t.firstPageOf(obj); p != NIL; p = t.nextInObject(p)) {
                seen.add(t.handle(p));
            }
            assertThat(seen).as("seed %d object %s", seed, e.getKey()).isEqualTo(e.getValue());
        }
        // each client's LRU list, walked from the tail, is in increasing stamp (= handle) age order
        for (int client = 0; client < 3; client++) {
            final int c = client;
            List<Long> expected = new ArrayList<>(model.entrySet().stream()
                    .filter(x -> x.getKey().pool == c).map(Map.Entry::getValue).sorted().toList());
            List<Long> walked = new ArrayList<>();
            int p = t.lruTail(client);
            while (p != NIL) {
                walked.add(t.handle(p));
                p = prevOf(t, p);
            }
            assertThat(walked).as("seed %d lru of client %d", seed, client).isEqualTo(expected);
            if (!expected.isEmpty()) {
                assertThat(t.tailStampHint(client)).isEqualTo((int) (long) expected.getFirst());
            }
        }
    }

    /** Walks toward the head: the tail's predecessor via a scan (test only). */
    private static int prevOf(PageTable t, int p) {
        return t.lruPrevForTest(p);
    }

    @Test
    void objectsAreFreedWhenTheirLastPageGoes() {
        PageTable t = new PageTable();
        long oh = PageTable.objectHash(1, 7, 8, 9);
        int a = t.insertPage(1, 7, 8, 9, oh, 0, 11, 0);
        int b = t.insertPage(1, 7, 8, 9, oh, 1, 12, 0);
        assertThat(t.objectsOfPool(1)).hasSize(1);
        t.removePage(a);
        assertThat(t.findObject(1, 7, 8, 9, oh)).isNotEqualTo(NIL);
        t.removePage(b);
        assertThat(t.findObject(1, 7, 8, 9, oh)).isEqualTo(NIL);
        assertThat(t.objectsOfPool(1)).isEmpty();
    }

    @Test
    void indexIsUnsigned32Bits() {
        PageTable t = new PageTable();
        long oh = PageTable.objectHash(0, 1, 0, 0);
        int hi = t.insertPage(0, 1, 0, 0, oh, -1, 5, 0); // index 0xFFFFFFFF
        int lo = t.insertPage(0, 1, 0, 0, oh, 0x7FFF_FFFF, 6, 0);
        assertThat(t.findPage(0, 1, 0, 0, oh, -1)).isEqualTo(hi);
        assertThat(t.findPage(0, 1, 0, 0, oh, 0x7FFF_FFFF)).isEqualTo(lo);
        assertThat(t.findPage(0, 1, 0, 0, oh, 0)).isEqualTo(NIL);
    }
}
