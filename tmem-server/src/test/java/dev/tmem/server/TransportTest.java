package dev.tmem.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.tmem.protocol.Status;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Both Netty transports, over TCP and Unix domain sockets, serve the same protocol. */
class TransportTest {

    @ParameterizedTest
    @EnumSource(value = ServerConfig.Transport.class, names = {"EPOLL", "NIO"})
    void tcpAndUnixSocketsServeOnEachTransport(ServerConfig.Transport transport, @TempDir Path dir) throws Exception {
        if (transport == ServerConfig.Transport.EPOLL) {
            assumeThat(io.netty.channel.epoll.Epoll.isAvailable()).as("epoll available").isTrue();
        }
        ServerConfig tcp = ServerConfig.builder().port(0).memoryBytes(8L << 20).ioThreads(1).transport(transport).build();
        ServerConfig unix = ServerConfig.builder().unixPath(dir.resolve("s.sock")).memoryBytes(8L << 20).ioThreads(1)
                .transport(transport).build();
        for (ServerConfig config : new ServerConfig[] {tcp, unix}) {
            try (TmemServer server = TmemServer.start(config)) {
                assertThat(server.transportName()).isEqualTo(transport.name().toLowerCase(java.util.Locale.ROOT));
                var address = config.unixPath() != null ? UnixDomainSocketAddress.of(config.unixPath())
                        : server.localAddress();
                try (TestClient c = TestClient.login(address, "app")) {
                    int pool = c.newPool(true, 16384);
                    byte[] page = TestClient.page(16384, 1);
                    assertThat(c.put(pool, 1, 0, page).status()).isEqualTo(Status.OK);
                    assertThat(c.get(pool, 1, 0, false).payload()).isEqualTo(page);
                }
            }
        }
    }

    @org.junit.jupiter.api.Test
    void autoPicksEpollWhereAvailable() throws Exception {
        try (TmemServer server = TmemServer.start(ServerConfig.builder().port(0).memoryBytes(1L << 20).build())) {
            assertThat(server.transportName())
                    .isEqualTo(io.netty.channel.epoll.Epoll.isAvailable() ? "epoll" : "nio");
            assertThat(server.listeningOn()).startsWith("127.0.0.1:");
        }
    }
}
