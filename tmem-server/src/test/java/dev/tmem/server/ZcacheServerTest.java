package dev.tmem.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tmem.core.TmemEngine;
import dev.tmem.protocol.Status;
import dev.tmem.zcache.ZcachePageStore;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The server's default store, zcache with lz4 (issue: "incompressible pages are stored raw, never
 * refused; same-filled pages take no page memory"), its parameters, and its limit: {@code --memory}
 * bounds what the store holds in all, and a put that finds the store full evicts ephemeral pages.
 */
class ZcacheServerTest extends ServerTestBase {

    static final long MEMORY = 2L << 20;

    @Override
    ServerConfig.Builder configure(ServerConfig.Builder b) {
        return b.memoryBytes(MEMORY);
    }

    /** A page of text: compresses well. */
    static byte[] textPage(int seed) {
        byte[] p = new byte[4096];
        byte[] line = ("page " + seed + ": the quick brown fox jumps over the lazy dog; tmem keeps it compressed.\n")
                .getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < p.length; i++) {
            p[i] = line[i % line.length];
        }
        return p;
    }

    @Test
    void theDefaultStoreIsZcacheWithLz4() {
        assertThat(server.engine().store()).isInstanceOf(ZcachePageStore.class);
        assertThat(server.engine().store().name()).isEqualTo("zcache-lz4");
    }

    @Test
    void compressiblePagesCostLessThanAPageAndIncompressibleOnesAreStoredRaw() {
        TestClient c = login("app");
        int pool = c.newPool(true, 4096);
        assertThat(c.put(pool, 1, 0, textPage(1)).status()).isEqualTo(Status.OK);
        Json s = c.stats();
        assertThat(s.get("bytes_stored")).isLessThan(1024);
        assertThat(s.get("bytes_used")).isLessThan(1024 + TmemEngine.PAGE_OVERHEAD_BYTES);

        byte[] random = TestClient.page(4096, 7);
        assertThat(c.put(pool, 1, 1, random).status()).isEqualTo(Status.OK); // never refused for compressing badly
        assertThat(c.get(pool, 1, 1, false).payload()).isEqualTo(random);
        assertThat(c.get(pool, 1, 0, false).payload()).isEqualTo(textPage(1));
        assertThat(c.stats().get("bytes_stored") - s.get("bytes_stored")).isEqualTo(4096);
    }

    @Test
    void sameFilledPagesCostOnlyTheOverhead() {
        TestClient c = login("app");
        int pool = c.newPool(true, 4096);
        byte[] zeros = new byte[4096];
        byte[] ones = new byte[4096];
        Arrays.fill(ones, (byte) 0xFF);
        assertThat(c.put(pool, 1, 0, zeros).status()).isEqualTo(Status.OK);
        assertThat(c.put(pool, 1, 1, ones).status()).isEqualTo(Status.OK);
        Json s = c.stats();
        assertThat(s.get("bytes_stored")).isZero();
        assertThat(s.get("bytes_used")).isEqualTo(2L * TmemEngine.PAGE_OVERHEAD_BYTES);
        assertThat(c.get(pool, 1, 1, false).payload()).isEqualTo(ones);
    }

    @Test
    void whenTheStoreFillsFirstEphemeralPutsEvictAndMemoryStaysWithinTheLimit() {
        TestClient c = login("app");
        int pool = c.newPool(false, 4096);
        for (int i = 0; i < 1500; i++) { // random pages: about 6 MiB, three times --memory
            assertThat(c.put(pool, 2, i, TestClient.page(4096, i)).status()).as("put %d", i).isEqualTo(Status.OK);
            assertThat(server.engine().store().reservedBytes()).isLessThanOrEqualTo(MEMORY);
        }
        int hits = 0;
        for (int i = 0; i < 1500; i++) {
            TestClient.Response r = c.get(pool, 2, i, false);
            if (r.status() == Status.OK) {
                assertThat(r.payload()).isEqualTo(TestClient.page(4096, i));
                hits++;
            }
        }
        assertThat(hits).isBetween(100, (int) (MEMORY / 4096));
        assertThat(c.stats().get("evictions")).isPositive();
    }

    @Test
    void persistentPagesGetNoSpaceOnceTheStoreIsFullAndEachStoredOneIsIntact() {
        TestClient c = login("app");
        int pool = c.newPool(true, 4096);
        int stored = 0;
        Status s = Status.OK;
        while (s == Status.OK && stored < 2000) {
            s = c.put(pool, 1, stored, TestClient.page(4096, stored)).status();
            if (s == Status.OK) {
                stored++;
            }
        }
        assertThat(s).isEqualTo(Status.NO_SPACE);
        assertThat(stored).isBetween(100, (int) (MEMORY / 4096));
        assertThat(c.get(pool, 1, stored, false).status()).isEqualTo(Status.MISS); // the failed put left nothing
        for (int i = 0; i < stored; i++) {
            assertThat(c.get(pool, 1, i, false).payload()).isEqualTo(TestClient.page(4096, i));
        }
        assertThat(server.engine().store().reservedBytes()).isLessThanOrEqualTo(MEMORY);
    }

    @Test
    void zcacheParametersComeFromFlagsAndBadOnesAreRefusedClearly() {
        ServerConfig zstd = ServerOptionsTest.parse("--zcache", "codec=zstd", "--zcache", "level=5");
        assertThat(zstd.zcacheConfig().codec()).isEqualTo("zstd");
        assertThat(zstd.zcacheConfig().codecParams()).containsEntry("level", "5");
        assertThat(zstd.zcacheConfig().maxPoolBytes()).isEqualTo(zstd.memoryBytes());
        assertThat(ServerOptionsTest.parse("--store", "raw").zcacheConfig()).isNull();
        assertThatThrownBy(() -> ServerOptionsTest.parse("--zcache", "codec=snappy"))
                .hasMessageContaining("unknown codec 'snappy'");
        assertThatThrownBy(() -> ServerOptionsTest.parse("--zcache", "max_pool_percent=5"))
                .hasMessageContaining("--memory is the store's limit");
        assertThatThrownBy(() -> ServerOptionsTest.parse("--store", "raw", "--zcache", "codec=zstd"))
                .hasMessageContaining("need --store zcache");
        assertThatThrownBy(() -> ServerOptionsTest.parse("--store", "disk")).hasMessageContaining("zcache or raw");
    }
}
