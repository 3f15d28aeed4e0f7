package dev.tmem.client;

import static dev.tmem.client.TestServers.buffer;
import static dev.tmem.client.TestServers.page;
import static dev.tmem.client.TestServers.same;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tmem.core.ObjectId;
import dev.tmem.frontend.BackendRegistry;
import dev.tmem.frontend.Frontends;
import dev.tmem.frontend.file.SwapFile;
import dev.tmem.frontend.spi.BackendConfigException;
import dev.tmem.server.TmemServer;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The examples of the section "Client and remote backend" of docs/SERVER.md, run and checked. The
 * last test makes sure the document shows exactly these lines (and the error listing this code
 * produces): change both together.
 */
class ServerDocExampleTest {

    private static final String SECTION = "## Client and remote backend";

    @Test
    void theClientExample() {
        try (TmemServer server = TestServers.start()) {
            int port = TestServers.port(server);
            MemorySegment page = page(1, 4096);
            MemorySegment dst = buffer(4096);
            RemoteTmem tmem = RemoteTmem.builder().host("127.0.0.1").port(port).client("my-service")
                    .token("").timeout(Duration.ofSeconds(2)).connections(2).connect();
            try (tmem) {
                RemotePool swap = tmem.newPool(true, 4096);                      // persistent: stays until flushed
                boolean stored = tmem.putPage(swap, ObjectId.of(7), 42, page);    // false only on NO_SPACE
                boolean hit = tmem.getPage(swap, ObjectId.of(7), 42, dst, false); // not exclusive: the page stays
                long removed = tmem.flushObject(swap, ObjectId.of(7));            // 1
                RemoteStats stats = tmem.stats();                                 // the STATS counters
                long free = stats.bytesFree();                                    // what the server can still give
                assertThat(stored).isTrue();
                assertThat(hit).isTrue();
                assertThat(same(dst, page)).isTrue();
                assertThat(removed).isEqualTo(1);
                assertThat(free).isEqualTo(stats.bytesBudget() - stats.bytesUsed());
            }
        }
    }

    @Test
    void theRemoteBackendExample(@TempDir Path dir) throws IOException {
        try (TmemServer server = TestServers.start()) {
            int port = TestServers.port(server);
            MemorySegment page = page(2, 4096);
            MemorySegment dst = buffer(4096);
            try (Frontends frontends = new Frontends(BackendRegistry.fromClassPath(), 4096)) {
                frontends.load("remote", List.of("host=127.0.0.1", "port=" + port, "client=my-service"));
                assertThat(frontends.frontswap().writethrough()).as("a remote backend turns it on").isTrue();
                try (SwapFile swap = SwapFile.create(dir.resolve("swap"), 1024, frontends.frontswap(), 0)) {
                    long slot = swap.swapOut(page);                              // to the server and to the file
                    swap.swapIn(slot, dst);                                      // from the server
                    assertThat(same(dst, page)).isTrue();
                    assertThat(server.stats().pagesPersistent()).isEqualTo(1);
                    swap.free(slot);
                }
            }
        }
    }

    @Test
    void theDocumentShowsExactlyTheseLines() throws IOException {
        String doc = Files.readString(Path.of("../docs/SERVER.md"));
        int section = doc.indexOf(SECTION);
        assertThat(section).as("SERVER.md has the section").isNotNegative();
        int next = doc.indexOf("\n## ", section + SECTION.length());
        String text = doc.substring(section, next < 0 ? doc.length() : next);
        List<String> test = Files.readAllLines(Path.of("src/test/java/dev/tmem/client/ServerDocExampleTest.java"))
                .stream().map(String::strip).toList();
        int blocks = 0;
        for (int start = text.indexOf("```java\n"); start >= 0; start = text.indexOf("```java\n", start + 8)) {
            int end = text.indexOf("```", start + 8);
            for (String line : text.substring(start + 8, end).lines().map(String::strip).toList()) {
                if (!line.isEmpty() && !line.equals("}")) {
                    assertThat(test).as("ServerDocExampleTest runs the documented line").contains(line);
                }
            }
            blocks++;
        }
        assertThat(blocks).as("java blocks in the section").isEqualTo(2);

        int listing = text.indexOf("backend remote: unknown parameter 'colour'");
        assertThat(listing).as("the section shows the parameter listing").isNotNegative();
        String shown = text.substring(listing, text.indexOf("```", listing)).strip();
        try (BackendRegistry registry = BackendRegistry.fromClassPath()) {
            assertThatThrownBy(() -> registry.create("remote", List.of("colour=blue")))
                    .isInstanceOf(BackendConfigException.class)
                    .hasMessage(shown);
        }
    }
}
