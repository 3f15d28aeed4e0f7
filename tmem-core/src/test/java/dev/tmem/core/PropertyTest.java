package dev.tmem.core;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tmem.core.spi.PageStore;
import dev.tmem.core.store.OffHeapPageStore;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Seeded random operation sequences against the engine, checked after every operation against a
 * {@link ReferenceModel} (see {@link PropertyRun} for the set-up and every check).
 *
 * <p>System properties: {@code tmem.seed} (the first run's seed; run {@code i} uses
 * {@code seed + i}, so a failing run is replayed with its own seed and {@code tmem.property.runs=1}),
 * {@code tmem.property.runs} (default 100) and {@code tmem.property.ops} (operations per run, default
 * 2000). Without {@code tmem.seed} the seed is random and printed.
 *
 * <p>The check itself is checked: run on stores that are broken on purpose ({@link BrokenStores}), it
 * must fail.
 */
class PropertyTest {

    private static final int RUNS = Integer.getInteger("tmem.property.runs", 100);
    private static final int OPS = Integer.getInteger("tmem.property.ops", 2000);

    @Test
    void randomOperationsAgreeWithTheReferenceModel() {
        Long fixed = Long.getLong("tmem.seed");
        long base = fixed != null ? fixed : System.nanoTime();
        System.out.println("PropertyTest: seed " + base + ", " + RUNS + " runs of " + OPS + " operations"
                + " (replay with -Dtmem.seed=" + base + ")");
        long puts = 0, failedPuts = 0, hits = 0, misses = 0, evictions = 0;
        for (int i = 0; i < RUNS; i++) {
            TmemStats s = PropertyRun.check(base + i, OPS, TestStores::create);
            puts += s.puts();
            failedPuts += s.failedPuts();
            hits += s.succGets();
            misses += s.failedGets();
            evictions += s.evictions();
        }
        System.out.printf("PropertyTest: %d puts (%d refused), %d get hits, %d misses, %d evictions%n",
                puts, failedPuts, hits, misses, evictions);
        System.out.println("PropertyTest: conditional checks applied " + PropertyRun.COVERAGE);
    }

    @Test
    void checkFailsOnAStoreThatLoadsFreedPages() {
        expectCheckToFail(BrokenStores::ghostOfFreed);
    }

    @Test
    void checkFailsOnAStoreThatSwapsHandles() {
        expectCheckToFail(BrokenStores::swapsHandles);
    }

    @Test
    void checkFailsOnAStoreWithTornLoads() {
        expectCheckToFail(BrokenStores::tornLoads);
    }

    /** Fixed seeds, so the demonstration is the same on every machine. */
    private static void expectCheckToFail(UnaryOperator<PageStore> breaker) {
        Supplier<PageStore> store = () -> breaker.apply(new OffHeapPageStore());
        assertThatThrownBy(() -> {
            for (long seed = 1; seed <= 20; seed++) {
                PropertyRun.check(seed, OPS, store);
            }
        })
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("reference model mismatch")
                .satisfies(t -> System.out.println("PropertyTest on a broken store failed as it must:\n"
                        + t.getMessage()));
    }
}
