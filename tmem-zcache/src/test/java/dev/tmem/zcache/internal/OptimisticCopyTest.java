package dev.tmem.zcache.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * {@link ObjectHeap#copyOut} copies without taking the class lock and must throw away a copy that
 * raced a writer. Readers copy a fixed set of objects over and over while a writer keeps one size
 * class churning: it frees objects, stores others with other bytes into the freed slots, and
 * compacts, which moves the readers' objects out of sparse slabs. Every object's bytes carry its
 * own id in every word, so a copy from a slot that was moved out of and reused, or torn by a
 * store, shows as a word with another id. (Without the validation this fails within a second.)
 */
class OptimisticCopyTest {

    private static final int SIZE = 4096; // the raw page class: slabs of eight
    private static final int WATCHED = 64;

    private static long word1() {
        return EntryLayout.word1(EntryLayout.KIND_RAW, 0, SIZE, false, 0);
    }

    private static void fill(MemorySegment s, long id) {
        for (long at = 0; at < SIZE; at += 8) {
            s.set(ValueLayout.JAVA_LONG_UNALIGNED, at, id);
        }
    }

    @Test
    void aCopyThatRacedAMoveOrAStoreIsNeverReturned() throws Exception {
        long millis = Long.getLong("tmem.stress.millis", 1500);
        try (ObjectHeap heap = new ObjectHeap(new MemoryBudget(256L << 20, 90)); Arena arena = Arena.ofShared()) {
            MemorySegment src = arena.allocate(SIZE);
            long[] watched = new long[WATCHED];
            List<Long> churn = new ArrayList<>();
            for (int i = 0; i < WATCHED; i++) { // watched objects spread among churning ones
                fill(src, i);
                watched[i] = heap.store(src, SIZE, word1());
                for (int k = 0; k < 7; k++) {
                    fill(src, 1_000_000 + churn.size());
                    churn.add(heap.store(src, SIZE, word1()));
                }
            }
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<String> wrong = new AtomicReference<>();
            AtomicLong copies = new AtomicLong();
            List<Thread> readers = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                readers.add(Thread.ofPlatform().start(() -> {
                    MemorySegment dst = Arena.ofAuto().allocate(65536);
                    SplittableRandom r = new SplittableRandom();
                    while (!stop.get() && wrong.get() == null) {
                        int i = r.nextInt(WATCHED);
                        try {
                            heap.copyOut(watched[i], dst);
                        } catch (RuntimeException e) { // a racy read must never escape as an error
                            wrong.compareAndSet(null, "object " + i + ": " + e);
                            break;
                        }
                        for (long at = 0; at < SIZE; at += 8) {
                            long got = dst.get(ValueLayout.JAVA_LONG_UNALIGNED, at);
                            if (got != i) {
                                wrong.compareAndSet(null, "object " + i + " read word " + got + " at byte " + at);
                                break;
                            }
                        }
                        copies.incrementAndGet();
                    }
                }));
            }
            SplittableRandom r = new SplittableRandom(7);
            long next = 2_000_000;
            long deadline = System.nanoTime() + millis * 1_000_000;
            while (System.nanoTime() < deadline && wrong.get() == null) {
                for (int k = 0; k < churn.size() / 2; k++) { // free half, at random, then refill the slots
                    int j = r.nextInt(churn.size());
                    heap.free(churn.get(j));
                    fill(src, next++);
                    churn.set(j, heap.store(src, SIZE, word1()));
                }
                for (int k = 0; k < churn.size() / 2; k++) { // leave sparse slabs for compaction to empty
                    int j = r.nextInt(churn.size());
                    if (churn.get(j) != 0L) {
                        heap.free(churn.get(j));
                        churn.set(j, 0L);
                    }
                }
                heap.compact();
                for (int j = 0; j < churn.size(); j++) {
                    if (churn.get(j) == 0L) {
                        fill(src, next++);
                        churn.set(j, heap.store(src, SIZE, word1()));
                    }
                }
            }
            stop.set(true);
            for (Thread t : readers) {
                t.join();
            }
            assertThat(wrong.get()).as("a copy with another object's bytes").isNull();
            assertThat(copies.get()).isPositive();
            assertThat(heap.totals().objectsMoved()).as("compaction moved objects meanwhile").isPositive();
        }
    }
}
