package dev.tmem.frontend;

import dev.tmem.frontend.spi.TmemBackend;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Self-shrinking, an optional policy (off unless started): while the backend reports memory
 * pressure ({@link TmemBackend#underPressure()}), frontswap pages are moved back to their swap
 * areas in steps.
 *
 * <p>Each {@link #tick()}: with no pressure (or no pages, or no backend) the inertia counter is
 * reset and nothing happens. Pressure must last {@code inertia} ticks in a row before a step; a step
 * shrinks frontswap to {@code currPages - currPages / hysteresis} pages (all of them once at most
 * {@code hysteresis} remain), so each step gives back a fixed share and steps slow down as pages
 * go; after a step the counter starts again. {@link #start} ticks on a daemon thread.
 *
 * <p><b>Concurrency.</b> {@link #tick()} is synchronized; the shrink it runs holds frontswap's
 * lifecycle lock (see {@link Frontswap#shrink}).
 */
public final class SelfShrink implements AutoCloseable {

    private final Frontswap frontswap;
    private final int hysteresis;
    private final int inertia;
    /** Guarded by this. */
    private int inertiaCounter;
    private final LongAdder steps = new LongAdder();
    private final LongAdder pagesMoved = new LongAdder();
    private final LongAdder failures = new LongAdder();
    /** Guarded by this. */
    private ScheduledExecutorService timer;

    /**
     * @param hysteresis each step gives back {@code 1/hysteresis} of the pages (at least 1)
     * @param inertia ticks of pressure in a row before a step (at least 1)
     */
    public SelfShrink(Frontswap frontswap, int hysteresis, int inertia) {
        this.frontswap = Objects.requireNonNull(frontswap, "frontswap");
        if (hysteresis < 1) {
            throw new IllegalArgumentException("hysteresis must be >= 1, was " + hysteresis);
        }
        if (inertia < 1) {
            throw new IllegalArgumentException("inertia must be >= 1, was " + inertia);
        }
        this.hysteresis = hysteresis;
        this.inertia = inertia;
        this.inertiaCounter = inertia;
    }

    /**
     * One step of the policy.
     *
     * @return pages moved back to their swap areas
     */
    public synchronized long tick() {
        TmemBackend b = frontswap.backend();
        long cur = frontswap.currPages();
        if (b == null || cur == 0 || !b.underPressure()) {
            inertiaCounter = inertia;
            return 0;
        }
        if (--inertiaCounter > 0) {
            return 0;
        }
        inertiaCounter = inertia;
        long target = cur <= hysteresis ? 0 : cur - cur / hysteresis;
        long moved = frontswap.shrink(target);
        steps.increment();
        pagesMoved.add(moved);
        return moved;
    }

    /** Ticks every {@code interval} on a daemon thread until {@link #close()}. A failed tick is counted. */
    public synchronized void start(Duration interval) {
        Objects.requireNonNull(interval, "interval");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be > 0, was " + interval);
        }
        if (timer != null) {
            throw new IllegalStateException("self-shrinking is already started");
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tmem-selfshrink");
            t.setDaemon(true);
            return t;
        });
        long nanos = interval.toNanos();
        timer.scheduleWithFixedDelay(() -> {
            try {
                tick();
            } catch (RuntimeException e) {
                failures.increment(); // a write-back failed: the pages stay in the backend, try again later
            }
        }, nanos, nanos, TimeUnit.NANOSECONDS);
    }

    /** Stops the timer, if started, and waits for a tick under way (keeping an interrupt for the caller). */
    @Override
    public void close() {
        ScheduledExecutorService t;
        synchronized (this) {
            t = timer;
            timer = null;
        }
        if (t != null) {
            t.shutdown();
            try {
                t.awaitTermination(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Steps taken. */
    public long steps() {
        return steps.sum();
    }

    /** Pages moved back by all steps. */
    public long pagesMoved() {
        return pagesMoved.sum();
    }

    /** Ticks that failed (a write-back error). */
    public long failures() {
        return failures.sum();
    }
}
