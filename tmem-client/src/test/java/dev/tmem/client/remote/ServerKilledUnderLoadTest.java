package dev.tmem.client.remote;

import static dev.tmem.client.TestServers.buffer;
import static dev.tmem.client.TestServers.page;
import static dev.tmem.client.TestServers.same;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tmem.client.TestServers;
import dev.tmem.frontend.BackendRegistry;
import dev.tmem.frontend.Frontends;
import dev.tmem.frontend.Frontswap;
import dev.tmem.frontend.file.SwapFile;
import dev.tmem.server.ServerMain;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server process is killed with SIGKILL while threads swap pages out and in through frontswap
 * over the remote backend in writethrough mode (the default of a remote backend): every page
 * swapped out is read back with its bytes afterwards, while the server is dead and again once a new
 * server (empty) listens on the same port.
 */
class ServerKilledUnderLoadTest {

    private static final int PAGE = 4096;
    private static final int THREADS = 4;
    private static final int SLOTS = 16_384;
    private static final Pattern LISTENING = Pattern.compile("listening on (\\S+):(\\d+)");

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        started.forEach(Process::destroyForcibly);
    }

    /** Starts {@code tmem server} as its own JVM and returns its port once it listens. */
    private int startServer(Process[] out, int port) throws IOException {
        List<String> cmd = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xmx96m",
                "-cp", System.getProperty("java.class.path"),
                ServerMain.class.getName(),
                "--port", Integer.toString(port), "--memory", "128m", "--status-interval", "0");
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        started.add(p);
        out[0] = p;
        BufferedReader lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = lines.readLine()) != null; ) {
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
                return Integer.parseInt(m.group(2));
            }
        }
        throw new AssertionError("the server exited with status " + waitExit(p) + " before listening");
    }

    private static int waitExit(Process p) {
        try {
            return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }


    /**
     * One swapping thread: swaps out pages with fresh seeds, now and then swaps one in (checking
     * it) or frees one, and keeps what it holds in {@code held} (slot to seed).
     */
    private static Runnable swapper(SwapFile swap, int id, AtomicBoolean stop, AtomicLong nextSeed,
            Map<Long, Long> held, ConcurrentLinkedQueue<String> failures) {
        return () -> {
            Random rnd = new Random(id);
            List<Long> mine = new ArrayList<>();
            MemorySegment dst = buffer(PAGE);
            try {
                while (!stop.get()) {
                    int action = rnd.nextInt(10);
                    if (action < 7 && mine.size() < SLOTS / THREADS - 16) {
                        long seed = nextSeed.getAndIncrement();
                        long slot = swap.swapOut(page(seed, PAGE));
                        mine.add(slot);
                        held.put(slot, seed);
                    } else if (action < 9 && !mine.isEmpty()) {
                        long slot = mine.get(rnd.nextInt(mine.size()));
                        swap.swapIn(slot, dst);
                        if (!same(dst, page(held.get(slot), PAGE))) {
                            failures.add("thread " + id + ": slot " + slot + " read back other bytes");
                        }
                    } else if (!mine.isEmpty()) {
                        long slot = mine.remove(rnd.nextInt(mine.size()));
                        held.remove(slot);
                        swap.free(slot);
                    }
                }
            } catch (IOException | RuntimeException e) {
                failures.add("thread " + id + ": " + e);
            }
        };
    }

    @Test
    void everyPageSwappedOutIsReadBackAfterTheServerIsKilled(@TempDir Path dir) throws Exception {
        Process[] server = new Process[1];
        int port = startServer(server, 0);
        try (Frontends frontends = new Frontends(BackendRegistry.fromClassPath(), PAGE)) {
            frontends.load("remote", List.of("port=" + port, "client=swapper", "timeout_ms=5000",
                    "reconnect_delay_ms=50"));
            RemoteBackend backend = (RemoteBackend) frontends.backend();
            Frontswap frontswap = frontends.frontswap();
            assertThat(frontswap.writethrough()).as("a remote backend turns writethrough on").isTrue();
            try (SwapFile swap = SwapFile.create(dir.resolve("swap"), SLOTS, frontswap, 0)) {
                AtomicBoolean stop = new AtomicBoolean();
                AtomicLong nextSeed = new AtomicLong(1);
                List<Map<Long, Long>> held = new ArrayList<>();
                ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
                List<Thread> threads = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    Map<Long, Long> h = java.util.Collections.synchronizedMap(new HashMap<>());
                    held.add(h);
                    threads.add(Thread.ofPlatform().name("swapper-" + t)
                            .start(swapper(swap, t, stop, nextSeed, h, failures)));
                }

                await().atMost(Duration.ofSeconds(60)).until(() -> frontswap.stats().succStores() >= 2_000);
                server[0].destroyForcibly(); // SIGKILL, under load
                assertThat(server[0].waitFor(30, TimeUnit.SECONDS)).isTrue();
                long storedByServer = frontswap.stats().succStores();
                long failedAtKill = frontswap.stats().failedStores();
                long seedAtKill = nextSeed.get();
                // the load goes on against the dead server: stores fall back to the file
                await().atMost(Duration.ofSeconds(60)).until(() -> nextSeed.get() >= seedAtKill + 1_000
                        || threads.stream().noneMatch(Thread::isAlive));
                stop.set(true);
                for (Thread t : threads) {
                    t.join(Duration.ofSeconds(60));
                    assertThat(t.isAlive()).as(t.getName() + " finished").isFalse();
                }
                assertThat(failures).as("reads during the load").isEmpty();
                assertThat(frontswap.stats().failedStores()).as("stores refused once the server died")
                        .isGreaterThan(failedAtKill);

                Map<Long, Long> all = new HashMap<>();
                held.forEach(all::putAll);
                assertThat(all).hasSizeGreaterThan(1_000);
                checkEvery(swap, all, "while the server is dead");

                int restarted = startServer(server, port);
                assertThat(restarted).isEqualTo(port);
                await().atMost(Duration.ofSeconds(20)).until(() -> TestServers.reachable(backend.client()));
                checkEvery(swap, all, "after a new server came up");
                assertThat(storedByServer).as("the server held pages when it died").isGreaterThanOrEqualTo(2_000);

                // swapping reaches the new server again
                long before = frontswap.stats().succStores();
                long slot = swap.swapOut(page(-1, PAGE));
                assertThat(frontswap.stats().succStores()).isEqualTo(before + 1);
                MemorySegment dst = buffer(PAGE);
                swap.swapIn(slot, dst);
                assertThat(same(dst, page(-1, PAGE))).isTrue();
            }
        }
    }

    private static void checkEvery(SwapFile swap, Map<Long, Long> slots, String when) throws IOException {
        MemorySegment dst = buffer(PAGE);
        int wrong = 0;
        for (Map.Entry<Long, Long> e : slots.entrySet()) {
            swap.swapIn(e.getKey(), dst);
            if (!same(dst, page(e.getValue(), PAGE))) {
                wrong++;
            }
        }
        assertThat(wrong).as("pages read back with other bytes %s, of %d", when, slots.size()).isZero();
    }
}
