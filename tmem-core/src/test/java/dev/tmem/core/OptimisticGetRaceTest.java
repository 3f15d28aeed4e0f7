package dev.tmem.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tmem.core.spi.PageStore;
import dev.tmem.core.store.OffHeapPageStore;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A persistent get runs as an optimistic read and copies before it knows the copy was valid. Pinned
 * down here: when a flush lands in the middle of that copy, the get reports a miss and the caller's
 * buffer holds zeros, never the (possibly foreign) bytes copied from a slot being freed.
 */
class OptimisticGetRaceTest {

    /** The raw store, with a hook that runs once inside the next load, before it copies. */
    static final class HookedStore implements PageStore {
        final OffHeapPageStore raw = new OffHeapPageStore();
        final AtomicReference<Runnable> beforeNextLoad = new AtomicReference<>();

        @Override public String name() { return "hooked"; }
        @Override public long store(MemorySegment page) { return raw.store(page); }
        @Override public boolean overwrite(long h, MemorySegment page) { return raw.overwrite(h, page); }
        @Override public MemorySegment view(long h, Arena scope) { return raw.view(h, scope); }
        @Override public long storedBytes(long h) { return raw.storedBytes(h); }
        @Override public long chargedBytes(long h) { return raw.chargedBytes(h); }
        @Override public void free(long h) { raw.free(h); }
        @Override public long reservedBytes() { return raw.reservedBytes(); }
        @Override public void close() { raw.close(); }

        @Override
        public void load(long h, MemorySegment dst) {
            Runnable hook = beforeNextLoad.getAndSet(null);
            if (hook != null) {
                hook.run();
            }
            raw.load(h, dst);
        }
    }

    @Test
    void flushDuringAnOptimisticCopy_missesAndZeroesTheBuffer() throws Exception {
        HookedStore store = new HookedStore();
        try (TmemEngine engine = TmemEngine.builder().store(store).build()) {
            TmemClient c = engine.client("a");
            PoolId pool = c.newPool(PoolSpec.persistent(4096));
            byte[] page = new byte[4096];
            java.util.Arrays.fill(page, (byte) 7);
            assertThat(c.putPage(pool, ObjectId.of(1), 0, page)).isTrue();
            // another page takes the freed slot, so the racing copy reads foreign bytes
            store.beforeNextLoad.set(() -> {
                Thread other = Thread.ofPlatform().start(() -> {
                    c.flushPage(pool, ObjectId.of(1), 0);
                    byte[] foreign = new byte[4096];
                    java.util.Arrays.fill(foreign, (byte) 9);
                    c.putPage(pool, ObjectId.of(2), 0, foreign);
                });
                try {
                    other.join();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            byte[] dst = new byte[4096];
            java.util.Arrays.fill(dst, (byte) 0x55);
            assertThat(c.getPage(pool, ObjectId.of(1), 0, MemorySegment.ofArray(dst))).isFalse();
            assertThat(dst).containsOnly((byte) 0);
            assertThat(c.getPage(pool, ObjectId.of(2), 0)).containsOnly((byte) 9);
        }
    }

    @Test
    void plainMiss_leavesTheBufferUnchanged() {
        try (TmemEngine engine = TmemEngine.builder().build()) {
            TmemClient c = engine.client("a");
            PoolId pool = c.newPool(PoolSpec.persistent(4096));
            byte[] dst = new byte[4096];
            java.util.Arrays.fill(dst, (byte) 0x55);
            assertThat(c.getPage(pool, ObjectId.of(1), 0, MemorySegment.ofArray(dst))).isFalse();
            assertThat(dst).containsOnly((byte) 0x55);
        }
    }
}
