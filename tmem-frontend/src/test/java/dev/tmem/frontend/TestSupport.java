package dev.tmem.frontend;

import dev.tmem.core.ObjectId;
import dev.tmem.core.PoolId;
import dev.tmem.core.PoolSpec;
import dev.tmem.core.TmemEngine;
import dev.tmem.core.store.OffHeapPageStore;
import dev.tmem.frontend.local.LocalBackend;
import dev.tmem.frontend.spi.TmemBackend;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Pages, backends and swap areas for the frontend tests. */
final class TestSupport {

    static final int PS = 4096;
    /** What one page costs against an engine's budget (raw store). */
    static final long PAGE_COST = PS + TmemEngine.PAGE_OVERHEAD_BYTES;

    private TestSupport() {}

    /**
     * A page unique to {@code seq}: the sequence number at offset 0 and its complement at 8, then
     * bytes drawn from it, so a stale or foreign page is told apart by content.
     */
    static byte[] page(long seq) {
        return page(seq, PS);
    }

    static byte[] page(long seq, int size) {
        byte[] p = new byte[size];
        new SplittableRandom(seq * 0x9E37_79B9_7F4A_7C15L + 7).nextBytes(p);
        ByteBuffer.wrap(p).order(ByteOrder.LITTLE_ENDIAN).putLong(0, seq).putLong(8, ~seq);
        return p;
    }

    static MemorySegment seg(byte[] page) {
        return MemorySegment.ofArray(page);
    }

    static MemorySegment buf() {
        return MemorySegment.ofArray(new byte[PS]);
    }

    static byte[] bytes(MemorySegment s) {
        return s.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
    }

    /** A local backend owning an engine whose budget holds {@code pages} raw 4 KiB pages. */
    static LocalBackend local(long pages) {
        return LocalBackend.create(new OffHeapPageStore(), pages * PAGE_COST, "test");
    }

    /** A swap area's own storage: what was written back, by offset. */
    static final class SwapDisk implements SwapWriteback {
        final Map<Long, byte[]> slots = new ConcurrentHashMap<>();
        final AtomicLong writes = new AtomicLong();
        /** Fail the write of this offset (-1: none). */
        volatile long failAt = -1;

        @Override
        public void writePage(long offset, MemorySegment page) throws IOException {
            if (offset == failAt) {
                throw new IOException("disk error at " + offset);
            }
            slots.put(offset, bytes(page));
            writes.incrementAndGet();
        }

        void write(long offset, byte[] page) {
            slots.put(offset, page.clone());
        }

        byte[] read(long offset) {
            return slots.get(offset);
        }
    }

    /** A backend that delegates, and can be told to fail pool creation or puts, and counts calls. */
    static class FlakyBackend implements TmemBackend {
        final TmemBackend inner;
        final AtomicInteger failNewPools = new AtomicInteger();
        volatile boolean failPuts;
        volatile boolean throwOnGet;
        final AtomicInteger newPools = new AtomicInteger();
        final AtomicInteger destroyed = new AtomicInteger();
        final AtomicInteger flushes = new AtomicInteger();
        volatile boolean closed;

        FlakyBackend(TmemBackend inner) {
            this.inner = inner;
        }

        @Override
        public String name() {
            return "flaky(" + inner.name() + ")";
        }

        @Override
        public PoolId newPool(PoolSpec spec) {
            if (failNewPools.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new IllegalStateException("newPool refused (test)");
            }
            newPools.incrementAndGet();
            return inner.newPool(spec);
        }

        @Override
        public long destroyPool(PoolId pool) {
            destroyed.incrementAndGet();
            return inner.destroyPool(pool);
        }

        @Override
        public boolean putPage(PoolId pool, ObjectId oid, long index, MemorySegment page) {
            if (failPuts) {
                inner.flushPage(pool, oid, index); // a failed put leaves nothing (section 2.4)
                return false;
            }
            return inner.putPage(pool, oid, index, page);
        }

        @Override
        public boolean getPage(PoolId pool, ObjectId oid, long index, MemorySegment dst, boolean exclusive) {
            if (throwOnGet) {
                throw new IllegalStateException("connection lost (test)");
            }
            return inner.getPage(pool, oid, index, dst, exclusive);
        }

        @Override
        public int flushPage(PoolId pool, ObjectId oid, long index) {
            flushes.incrementAndGet();
            return inner.flushPage(pool, oid, index);
        }

        @Override
        public long flushObject(PoolId pool, ObjectId oid) {
            return inner.flushObject(pool, oid);
        }

        @Override
        public void close() {
            closed = true;
            inner.close();
        }
    }
}
