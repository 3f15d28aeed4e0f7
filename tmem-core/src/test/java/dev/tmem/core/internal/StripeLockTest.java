package dev.tmem.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class StripeLockTest {

    @Test
    void writeLockExcludesWritersAndOptimisticReaders() {
        StripeLock lock = new StripeLock();
        long w = lock.writeLock();
        assertThat(w).isNotZero();
        assertThat(lock.tryWriteLock()).isZero();
        assertThat(lock.tryOptimisticRead()).isZero();
        lock.unlockWrite(w);
        long r = lock.tryOptimisticRead();
        assertThat(r).isNotZero();
        assertThat(lock.validate(r)).isTrue();
        lock.unlockWrite(lock.writeLock());
        assertThat(lock.validate(r)).as("a write since the stamp").isFalse();
    }

    @Test
    void unlockWithAStaleOrReadStamp_throws() {
        StripeLock lock = new StripeLock();
        long read = lock.tryOptimisticRead();
        assertThatThrownBy(() -> lock.unlockWrite(read)).isInstanceOf(IllegalMonitorStateException.class);
        long w = lock.writeLock();
        lock.unlockWrite(w);
        assertThatThrownBy(() -> lock.unlockWrite(w)).isInstanceOf(IllegalMonitorStateException.class);
    }

    /** Forbidden: a validated optimistic read that saw the two fields differ (a torn read). */
    static final class Pair {
        long a;
        long b;
    }

    @Test
    void validatedOptimisticReadsNeverSeeAHalfDoneWrite() throws Exception {
        StripeLock lock = new StripeLock();
        Pair pair = new Pair();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong torn = new AtomicLong();
        AtomicLong validated = new AtomicLong();
        AtomicLong writes = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            threads.add(Thread.ofPlatform().start(() -> {
                long mine = 0;
                while (!stop.get()) {
                    long s = lock.writeLock();
                    pair.a++;
                    Thread.onSpinWait();
                    pair.b++;
                    lock.unlockWrite(s);
                    mine++;
                }
                writes.addAndGet(mine);
            }));
        }
        for (int r = 0; r < 2; r++) {
            threads.add(Thread.ofPlatform().start(() -> {
                while (!stop.get()) {
                    long s = lock.tryOptimisticRead();
                    if (s == 0) {
                        continue;
                    }
                    long a = pair.a;
                    long b = pair.b;
                    if (lock.validate(s)) {
                        validated.incrementAndGet();
                        if (a != b) {
                            torn.incrementAndGet();
                        }
                    }
                }
            }));
        }
        Thread.sleep(1500);
        stop.set(true);
        for (Thread t : threads) {
            t.join();
        }
        long s = lock.writeLock();
        assertThat(pair.a).as("no increment lost: writers excluded each other").isEqualTo(writes.get());
        assertThat(pair.b).isEqualTo(writes.get());
        lock.unlockWrite(s);
        assertThat(validated.get()).isPositive();
        assertThat(torn.get()).isZero();
    }
}
