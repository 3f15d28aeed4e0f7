package dev.tmem.core;

import dev.tmem.core.spi.PageStore;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A heap page store for spec tests: it can refuse every store on demand (a store policy refusal,
 * the way a put fails at a handle that holds a page without any budget pressure), it can charge
 * less than a page (as a compressing store would), and it records every misuse of a handle (use
 * after free, double free) instead of crashing, so that tests can fail on them.
 *
 * <p><b>Charges.</b> With {@code sized} set, a page whose first byte {@code b} is 1..63 is charged
 * {@code b * 1024} bytes, capped at the page size; any other page is charged its full size. The
 * stored size equals the charge.
 */
final class TestPageStore implements PageStore {

    final AtomicBoolean refuse = new AtomicBoolean();
    final AtomicBoolean closed = new AtomicBoolean();
    final List<String> errors = new CopyOnWriteArrayList<>();
    private final boolean sized;
    private final AtomicLong nextHandle = new AtomicLong(1);
    private final ConcurrentHashMap<Long, byte[]> pages = new ConcurrentHashMap<>();

    TestPageStore(boolean sized) {
        this.sized = sized;
    }

    /** The charge of a page with these bytes. */
    long chargeOf(byte[] page) {
        int b = page[0];
        if (sized && b >= 1 && b <= 63) {
            return Math.min((long) b * 1024, page.length);
        }
        return page.length;
    }

    int liveHandles() {
        return pages.size();
    }

    @Override
    public String name() {
        return "test";
    }

    @Override
    public long store(MemorySegment page) {
        if (closed.get()) {
            errors.add("store after close");
        }
        if (refuse.get()) {
            return NO_HANDLE;
        }
        long h = nextHandle.getAndIncrement();
        pages.put(h, page.toArray(ValueLayout.JAVA_BYTE));
        return h;
    }

    /**
     * Rewrites in place only when the new page has the same charge, and never while refusing (so a
     * refused put at a held handle still fails, as rule 4 needs).
     */
    @Override
    public boolean overwrite(long handle, MemorySegment page) {
        byte[] old = page(handle, "overwrite");
        byte[] bytes = page.toArray(ValueLayout.JAVA_BYTE);
        if (refuse.get() || bytes.length != old.length || chargeOf(bytes) != chargeOf(old)) {
            return false;
        }
        pages.put(handle, bytes);
        return true;
    }

    private byte[] page(long handle, String op) {
        byte[] p = pages.get(handle);
        if (p == null) {
            errors.add(op + " of handle " + handle + " that is not live");
            throw new IllegalStateException(op + " of a handle that is not live: " + handle);
        }
        return p;
    }

    @Override
    public void load(long handle, MemorySegment dst) {
        byte[] p = page(handle, "load");
        if (dst.byteSize() != p.length) {
            errors.add("load into dst of " + dst.byteSize() + " bytes, page has " + p.length);
        }
        MemorySegment.copy(MemorySegment.ofArray(p), 0, dst, 0, p.length);
    }

    @Override
    public MemorySegment view(long handle, Arena scope) {
        byte[] p = page(handle, "view");
        MemorySegment v = scope.allocate(p.length);
        MemorySegment.copy(MemorySegment.ofArray(p), 0, v, 0, p.length);
        return v.asReadOnly();
    }

    @Override
    public long storedBytes(long handle) {
        return chargeOf(page(handle, "storedBytes"));
    }

    @Override
    public long chargedBytes(long handle) {
        return chargeOf(page(handle, "chargedBytes"));
    }

    @Override
    public void free(long handle) {
        if (pages.remove(handle) == null) {
            errors.add("free of handle " + handle + " that is not live (double free?)");
        }
    }

    @Override
    public long reservedBytes() {
        return pages.values().stream().mapToLong(p -> p.length).sum();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            errors.add("closed twice");
        }
        pages.clear();
    }
}
