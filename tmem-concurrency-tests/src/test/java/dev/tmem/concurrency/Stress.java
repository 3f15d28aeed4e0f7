package dev.tmem.concurrency;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;

/**
 * Runs test threads together for a bounded time. The duration of each stress test comes from the
 * system property {@code tmem.stress.millis} (default 3000); threads start together behind a latch
 * and check {@link #running()} between operations.
 */
final class Stress {

    static final long MILLIS = Long.getLong("tmem.stress.millis", 3000);

    private final long deadline;
    private volatile boolean stopped;

    private Stress(long millis) {
        this.deadline = System.nanoTime() + Duration.ofMillis(millis).toNanos();
    }

    /** A body that runs on one thread; it loops while {@link Stress#running()}. */
    @FunctionalInterface
    interface Body {
        void run(Stress stress) throws Exception;
    }

    boolean running() {
        return !stopped && System.nanoTime() < deadline;
    }

    /**
     * Runs every body on its own thread for about {@code millis}, then joins them. Fails with the
     * first exception any thread threw (the others added as suppressed), or if a thread does not
     * finish within ten seconds after the deadline (with its stack).
     */
    static void run(String name, long millis, List<Body> bodies) throws InterruptedException {
        Stress s = new Stress(millis);
        Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < bodies.size(); i++) {
            Body body = bodies.get(i);
            Thread t = new Thread(() -> {
                try {
                    start.await();
                    body.run(s);
                } catch (Throwable e) {
                    failures.add(e);
                    s.stopped = true;
                }
            }, name + "-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        start.countDown();
        long joinUntil = System.nanoTime() + Duration.ofMillis(millis + 10_000).toNanos();
        for (Thread t : threads) {
            t.join(Math.max(1, (joinUntil - System.nanoTime()) / 1_000_000));
            if (t.isAlive()) {
                s.stopped = true;
                AssertionError hung = new AssertionError(t.getName() + " did not finish; stuck at:\n  "
                        + String.join("\n  ", Arrays.stream(t.getStackTrace()).map(String::valueOf).toList()));
                failures.forEach(hung::addSuppressed);
                throw hung;
            }
        }
        Throwable first = failures.poll();
        if (first != null) {
            AssertionError e = new AssertionError(name + ": a thread failed: " + first, first);
            failures.forEach(e::addSuppressed);
            throw e;
        }
    }

    static void run(String name, List<Body> bodies) throws InterruptedException {
        run(name, MILLIS, bodies);
    }
}
