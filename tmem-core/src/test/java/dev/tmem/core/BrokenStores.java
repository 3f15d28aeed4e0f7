package dev.tmem.core;

import dev.tmem.core.spi.PageStore;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Deliberately broken {@link PageStore}s, for showing that the property check can fail. Each wraps
 * a working store and maps its own handles to the delegate's, so it can misbehave in one precise
 * way while keeping charges and frees correct (the engine's accounting stays sane and only page
 * contents go wrong). Deterministic: the misbehaviour is driven by counters, not by chance.
 */
final class BrokenStores {

    private BrokenStores() {}

    /** Every 5th load returns the bytes of the most recently freed page of that size. */
    static PageStore ghostOfFreed(PageStore delegate) {
        return new Wrapper(delegate, "ghost-of-freed") {
            private final Map<Long, byte[]> lastFreed = new HashMap<>();
            private long loads;

            @Override
            public synchronized void load(long handle, MemorySegment dst) {
                byte[] ghost = lastFreed.get(dst.byteSize());
                if (++loads % 5 == 0 && ghost != null) {
                    MemorySegment.copy(MemorySegment.ofArray(ghost), 0, dst, 0, ghost.length);
                } else {
                    super.load(handle, dst);
                }
            }

            @Override
            public synchronized void free(long handle) {
                Entry e = entries.get(handle);
                byte[] bytes = new byte[e.size];
                delegate.load(e.handle, MemorySegment.ofArray(bytes));
                lastFreed.put((long) e.size, bytes);
                super.free(handle);
            }
        };
    }

    /** Every 7th store swaps the new page's storage with the previous live page of that size. */
    static PageStore swapsHandles(PageStore delegate) {
        return new Wrapper(delegate, "swaps-handles") {
            private final Map<Integer, Long> lastStored = new HashMap<>();
            private long stores;

            @Override
            public synchronized long store(MemorySegment page) {
                long h = super.store(page);
                if (h == NO_HANDLE) {
                    return h;
                }
                int size = (int) page.byteSize();
                Long other = lastStored.put(size, h);
                if (++stores % 7 == 0 && other != null && entries.containsKey(other)) {
                    Entry a = entries.get(h), b = entries.get(other);
                    entries.put(h, b);
                    entries.put(other, a);
                }
                return h;
            }
        };
    }

    /** Every 6th load tears: the second half of the page comes from the previous page loaded. */
    static PageStore tornLoads(PageStore delegate) {
        return new Wrapper(delegate, "torn-loads") {
            private final Map<Long, byte[]> previous = new HashMap<>();
            private long loads;

            @Override
            public synchronized void load(long handle, MemorySegment dst) {
                super.load(handle, dst);
                byte[] now = dst.toArray(ValueLayout.JAVA_BYTE);
                byte[] prev = previous.put(dst.byteSize(), now);
                if (++loads % 6 == 0 && prev != null) {
                    int half = prev.length / 2;
                    MemorySegment.copy(MemorySegment.ofArray(prev), half, dst, half, half);
                }
            }
        };
    }

    /** Maps this store's handles to the delegate's; subclasses break one thing. */
    private static class Wrapper implements PageStore {
        record Entry(long handle, int size) {}

        final PageStore delegate;
        final Map<Long, Entry> entries = new ConcurrentHashMap<>();
        private final AtomicLong next = new AtomicLong();
        private final String name;

        Wrapper(PageStore delegate, String name) {
            this.delegate = delegate;
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public long store(MemorySegment page) {
            long h = delegate.store(page);
            if (h == NO_HANDLE) {
                return NO_HANDLE;
            }
            long mine = next.incrementAndGet();
            entries.put(mine, new Entry(h, (int) page.byteSize()));
            return mine;
        }

        /** Never in place: every put goes through store and free, where the breakage lives. */
        @Override
        public boolean overwrite(long handle, MemorySegment page) {
            return false;
        }

        @Override
        public void load(long handle, MemorySegment dst) {
            delegate.load(entries.get(handle).handle(), dst);
        }

        @Override
        public MemorySegment view(long handle, Arena scope) {
            return delegate.view(entries.get(handle).handle(), scope);
        }

        @Override
        public long storedBytes(long handle) {
            return delegate.storedBytes(entries.get(handle).handle());
        }

        @Override
        public long chargedBytes(long handle) {
            return delegate.chargedBytes(entries.get(handle).handle());
        }

        @Override
        public void free(long handle) {
            delegate.free(entries.remove(handle).handle());
        }

        @Override
        public long reservedBytes() {
            return delegate.reservedBytes();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
