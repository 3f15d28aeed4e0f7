package dev.tmem.frontend.file;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tmem.core.store.OffHeapPageStore;
import dev.tmem.frontend.Cleancache;
import dev.tmem.frontend.local.LocalBackend;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Threads read and write their own unaligned regions of one cached file (so they share pages and
 * the page buffer) through their own channels, while the cleancache backend is registered and
 * unregistered. Forbidden: a read that differs from what its thread last wrote there (a stale page
 * from the buffer or from cleancache), and a file whose final bytes differ from the writes.
 * About two seconds of work.
 */
class CachedFileStressTest {

    private static final int PS = 4096;
    private static final int REGION = 3 * PS / 2 + 7; // regions straddle pages, neighbours share them

    @TempDir
    Path tmp;

    @Test
    void concurrentReadersAndWritersOfOneFile_acrossBackendLoadsAndUnloads_neverReadStaleBytes() throws Exception {
        Cleancache cc = new Cleancache();
        Path file = tmp.resolve("shared");
        int threads = 3;
        byte[][] model = new byte[threads][REGION];
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        List<LocalBackend> backends = new ArrayList<>();
        try (CachedFileSystem cfs = new CachedFileSystem(cc, PS, 2)) {
            try (FileChannel init = cfs.open(file, CREATE, READ, WRITE)) {
                init.write(ByteBuffer.allocate(threads * REGION), 0);
            }
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int me = t;
                Thread w = new Thread(() -> {
                    SplittableRandom rnd = new SplittableRandom(me);
                    long base = (long) me * REGION;
                    try (FileChannel ch = cfs.open(file, READ, WRITE)) {
                        while (!stop.get()) {
                            int off = rnd.nextInt(REGION);
                            int len = 1 + rnd.nextInt(REGION - off);
                            if (rnd.nextBoolean()) {
                                byte[] data = new byte[len];
                                rnd.nextBytes(data);
                                ch.write(ByteBuffer.wrap(data), base + off);
                                System.arraycopy(data, 0, model[me], off, len);
                            } else {
                                ByteBuffer b = ByteBuffer.allocate(len);
                                ch.read(b, base + off);
                                byte[] expected = Arrays.copyOfRange(model[me], off, off + len);
                                if (!Arrays.equals(b.array(), expected)) {
                                    throw new AssertionError("thread " + me + " read stale bytes at " + (base + off));
                                }
                            }
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }, "file-" + t);
                workers.add(w);
                w.start();
            }
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (System.nanoTime() < end && failures.isEmpty()) {
                if (cc.backend() == null) {
                    LocalBackend b = LocalBackend.create(new OffHeapPageStore(), 64L * (PS + 48), "stress");
                    backends.add(b);
                    cc.register(b);
                } else {
                    cc.unregister();
                }
                Thread.sleep(5);
            }
            stop.set(true);
            for (Thread w : workers) {
                w.join(TimeUnit.SECONDS.toMillis(60));
                assertThat(w.isAlive()).isFalse();
            }
            assertThat(failures).isEmpty();
            byte[] all = Files.readAllBytes(file);
            for (int t = 0; t < threads; t++) {
                assertThat(Arrays.copyOfRange(all, t * REGION, (t + 1) * REGION)).isEqualTo(model[t]);
            }
            assertThat(cfs.cleancacheHits()).as("cleancache was used").isPositive();
        } finally {
            if (cc.backend() != null) {
                cc.unregister();
            }
            backends.forEach(LocalBackend::close);
        }
    }
}
