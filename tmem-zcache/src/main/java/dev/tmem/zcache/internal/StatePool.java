package dev.tmem.zcache.internal;

import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A small lock-free pool of codec state (library contexts, scratch buffers): one slot per stripe of
 * thread ids, so a thread normally takes back the state it returned last time and threads on
 * different stripes never touch the same slot.
 *
 * <p><b>Concurrency.</b> {@link #acquire} takes its slot's state with one CAS (slot to
 * {@code null}), or makes a new state if the slot is empty (another thread of the stripe has it, or
 * this is the first use); {@link #release} puts it back with one CAS from {@code null}, and
 * discards it if the slot was refilled meanwhile. A state is therefore held by at most one thread
 * between acquire and release, which is what lets codec state be non-thread-safe. The CAS gives the
 * happens-before edge from the releasing thread's last use to the next acquirer's first.
 *
 * <p><b>Why not a {@code ThreadLocal}.</b> It would keep one state per thread for the thread's
 * life: with many (virtual) threads that is unbounded native memory (a zstd or zlib context is
 * hundreds of KiB), and zstd contexts are never freed when a thread dies. The pool holds at most
 * {@code slots} states; extra concurrent callers pay a context creation instead.
 *
 * <p><b>Lifetime.</b> Pooled states go when the pool becomes unreachable; each state must free its
 * native memory then by itself (a {@link java.lang.ref.Cleaner}, see {@link ZstdCodec}).
 */
public final class StatePool<T> {

    private final AtomicReferenceArray<T> slots;
    private final int mask;
    private final Supplier<? extends T> factory;
    private final Consumer<? super T> discard;

    public StatePool(Supplier<? extends T> factory, Consumer<? super T> discard) {
        int n = Integer.highestOneBit(Math.max(1, Runtime.getRuntime().availableProcessors()) * 8 - 1);
        this.slots = new AtomicReferenceArray<>(n);
        this.mask = n - 1;
        this.factory = factory;
        this.discard = discard;
    }

    public T acquire() {
        int i = home();
        T t = slots.getAcquire(i);
        if (t != null && slots.compareAndSet(i, t, null)) {
            return t;
        }
        return factory.get();
    }

    public void release(T t) {
        if (!slots.compareAndSet(home(), null, t)) {
            discard.accept(t);
        }
    }

    private int home() {
        return (int) Thread.currentThread().threadId() & mask;
    }
}
