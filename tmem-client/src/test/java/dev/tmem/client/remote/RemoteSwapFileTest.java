package dev.tmem.client.remote;

import static dev.tmem.client.TestServers.buffer;
import static dev.tmem.client.TestServers.page;
import static dev.tmem.client.TestServers.same;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tmem.client.RemotePool;
import dev.tmem.client.RemoteTmem;
import dev.tmem.client.TestServers;
import dev.tmem.core.ObjectId;
import dev.tmem.frontend.BackendRegistry;
import dev.tmem.frontend.Cleancache;
import dev.tmem.frontend.Frontends;
import dev.tmem.frontend.Frontswap;
import dev.tmem.frontend.SelfShrink;
import dev.tmem.frontend.file.SwapFile;
import dev.tmem.server.ServerConfig;
import dev.tmem.server.TmemServer;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The remote backend behind {@link Frontends}, {@link Frontswap} and a real {@link SwapFile}, with a
 * real server that dies and comes back: with writethrough, every page swapped out is in the swap
 * file when the server dies; while it is away swapping goes on against the file; once it is back,
 * frontswap stores reach it again.
 */
class RemoteSwapFileTest {

    private static final int PAGE = 4096;


    private static MemorySegment readSlot(Path file, long slot) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(PAGE);
            while (b.hasRemaining() && ch.read(b, slot * PAGE + b.position()) >= 0) {
                // positional reads until the slot is in
            }
            return MemorySegment.ofArray(b.array());
        }
    }

    @Test
    void writethroughSwapPagesSurviveTheServerAndSwappingGoesOn(@TempDir Path dir) throws IOException {
        TmemServer server = TestServers.start();
        int port = TestServers.port(server);
        Path swapPath = dir.resolve("swap");
        try (Frontends frontends = new Frontends(BackendRegistry.fromClassPath(), PAGE)) {
            frontends.load("remote", List.of("port=" + port, "client=swapper", "timeout_ms=5000",
                    "reconnect_delay_ms=20"));
            RemoteBackend backend = (RemoteBackend) frontends.backend();
            Frontswap frontswap = frontends.frontswap();
            frontswap.writethrough(backend.prefersWritethrough()); // until frontswap reads it itself
            try (SwapFile swap = SwapFile.create(swapPath, 256, frontswap, 0)) {
                List<Long> slots = new ArrayList<>();
                for (int i = 0; i < 64; i++) {
                    slots.add(swap.swapOut(page(i, PAGE)));
                }
                assertThat(frontswap.currPages()).as("the server holds them").isEqualTo(64);
                for (int i = 0; i < 64; i++) {
                    MemorySegment dst = buffer(PAGE);
                    swap.swapIn(slots.get(i), dst);
                    assertThat(same(dst, page(i, PAGE))).isTrue();
                }
                assertThat(frontswap.stats().loads()).as("read back from the server").isEqualTo(64);

                server.close();
                for (int i = 0; i < 64; i++) {
                    assertThat(same(readSlot(swapPath, slots.get(i)), page(i, PAGE)))
                            .as("slot of page %d in the swap file", i).isTrue();
                }
                long failedBefore = frontswap.stats().failedStores();
                List<Long> whileAway = new ArrayList<>();
                for (int i = 100; i < 108; i++) {
                    whileAway.add(swap.swapOut(page(i, PAGE)));
                }
                assertThat(frontswap.stats().failedStores() - failedBefore).as("refused: to the file").isEqualTo(8);
                for (int i = 0; i < 8; i++) {
                    MemorySegment dst = buffer(PAGE);
                    swap.swapIn(whileAway.get(i), dst);
                    assertThat(same(dst, page(100 + i, PAGE))).isTrue();
                }

                server = TestServers.start(port, 16L << 20);
                await().atMost(Duration.ofSeconds(10)).until(() -> TestServers.reachable(backend.client()));
                long storedBefore = frontswap.stats().succStores();
                List<Long> afterReturn = new ArrayList<>();
                for (int i = 200; i < 216; i++) {
                    afterReturn.add(swap.swapOut(page(i, PAGE)));
                }
                assertThat(frontswap.stats().succStores() - storedBefore).as("the server takes pages again")
                        .isEqualTo(16);
                assertThat(server.stats().pagesPersistent()).isEqualTo(16);
                for (int i = 0; i < 16; i++) {
                    MemorySegment dst = buffer(PAGE);
                    swap.swapIn(afterReturn.get(i), dst);
                    assertThat(same(dst, page(200 + i, PAGE))).isTrue();
                    assertThat(same(readSlot(swapPath, afterReturn.get(i)), page(200 + i, PAGE))).isTrue();
                }
                // the first 64 were lost with the old server; their slots hold them (checked above).
                // Frontswap still marks them as in the backend, so free them rather than swap them in
                // (see the report: frontswap should fall back to the swap area in writethrough mode).
                for (long s : slots) {
                    swap.free(s);
                }
                whileAway.forEach(swap::free);
                afterReturn.forEach(swap::free);
            }
            assertThat(server.stats().pagesPersistent()).as("swapoff left nothing on the server").isZero();
        } finally {
            server.close();
        }
    }

    @Test
    void cleancacheOverTheRemoteBackend() {
        try (TmemServer server = TestServers.start();
                Frontends frontends = new Frontends(BackendRegistry.fromClassPath(), PAGE)) {
            Cleancache cleancache = frontends.cleancache();
            int fs = cleancache.initFs(PAGE);
            frontends.load("remote", List.of("port=" + TestServers.port(server), "client=files"));
            cleancache.putPage(fs, ObjectId.of(42), 0, page(42, PAGE));
            MemorySegment dst = buffer(PAGE);
            assertThat(cleancache.getPage(fs, ObjectId.of(42), 0, dst)).isTrue();
            assertThat(same(dst, page(42, PAGE))).isTrue();
            assertThat(cleancache.getPage(fs, ObjectId.of(42), 0, dst)).as("a private hit removes it").isFalse();
            cleancache.putPage(fs, ObjectId.of(43), 0, page(43, PAGE));
            cleancache.invalidateInode(fs, ObjectId.of(43));
            assertThat(cleancache.getPage(fs, ObjectId.of(43), 0, dst)).isFalse();
            assertThat(server.stats().pools()).isEqualTo(1);
            frontends.unload();
            assertThat(server.stats().pools()).as("unload destroyed the filesystem's pool").isZero();
        }
    }

    @Test
    void selfShrinkGivesPagesBackWhenAnotherClientFillsTheServer(@TempDir Path dir) throws IOException {
        try (TmemServer server = TestServers.start(ServerConfig.builder().port(0).memoryBytes(1L << 20).build());
                Frontends frontends = new Frontends(BackendRegistry.fromClassPath(), PAGE);
                RemoteTmem hog = TestServers.client(server, "hog").connect()) {
            frontends.load("remote", List.of("port=" + TestServers.port(server), "client=shrinker",
                    "pressure_percent=60"));
            Frontswap frontswap = frontends.frontswap();
            try (SwapFile swap = SwapFile.create(dir.resolve("swap"), 64, frontswap, 0);
                    SelfShrink shrink = new SelfShrink(frontswap, 2, 1)) {
                List<Long> slots = new ArrayList<>();
                for (int i = 0; i < 32; i++) {
                    slots.add(swap.swapOut(page(i, PAGE)));
                }
                assertThat(frontswap.currPages()).isEqualTo(32);
                assertThat(shrink.tick()).as("the server has room: no pressure").isZero();

                RemotePool hogPool = hog.newPool(true, PAGE);
                int i = 0;
                while (hog.stats().bytesFree() * 100 > hog.stats().bytesBudget() * 40) {
                    assertThat(hog.putPage(hogPool, ObjectId.of(1), i, page(1000 + i, PAGE))).isTrue();
                    i++;
                }
                assertThat(shrink.tick()).as("half of the pages go back to the swap file").isEqualTo(16);
                assertThat(frontswap.currPages()).isEqualTo(16);
                for (int k = 0; k < 32; k++) {
                    MemorySegment dst = buffer(PAGE);
                    swap.swapIn(slots.get(k), dst);
                    assertThat(same(dst, page(k, PAGE))).as("page %d", k).isTrue();
                }
                slots.forEach(swap::free);
            }
        }
    }
}
