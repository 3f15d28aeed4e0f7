package dev.tmem.client.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tmem.client.TestServers;
import dev.tmem.client.TmemStatusException;
import dev.tmem.client.TmemUnavailableException;
import dev.tmem.frontend.BackendRegistry;
import dev.tmem.frontend.spi.BackendConfigException;
import dev.tmem.frontend.spi.TmemBackend;
import dev.tmem.protocol.Status;
import dev.tmem.server.ServerConfig;
import dev.tmem.server.TmemServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The {@code remote} backend module: found by name, its parameters, and its errors. */
class RemoteBackendProviderTest {

    private static TmemServer server;
    private static BackendRegistry registry;

    @BeforeAll
    static void start() {
        server = TestServers.start();
        registry = BackendRegistry.fromClassPath();
    }

    @AfterAll
    static void stop() {
        registry.close();
        server.close();
    }

    @Test
    void foundByNameBesideLocal() {
        assertThat(registry.names()).contains("remote", "local");
        assertThat(registry.provider("remote")).isInstanceOf(RemoteBackendProvider.class);
    }

    @Test
    void createsAConnectedBackendFromParameters() {
        try (TmemBackend b = registry.create("remote", List.of("host=127.0.0.1", "port=" + TestServers.port(server),
                "client=provider-test", "timeout_ms=3000", "connections=3", "pressure_percent=75"))) {
            assertThat(b).isInstanceOf(RemoteBackend.class);
            RemoteBackend rb = (RemoteBackend) b;
            assertThat(rb.name()).contains("provider-test").contains("tmem-server");
            assertThat(rb.client().clientName()).isEqualTo("provider-test");
            assertThat(rb.client().timeoutMillis()).isEqualTo(3000);
            assertThat(rb.client().isConnected()).isTrue();
            assertThat(rb.prefersWritethrough()).isTrue();
        }
    }

    @Test
    void badValuesAreNamedAndEveryParameterIsListed() {
        assertThatThrownBy(() -> registry.create("remote", List.of("port=99999")))
                .isInstanceOf(BackendConfigException.class)
                .hasMessageContaining("parameter port: bad value '99999', expected integer 1..65535")
                .hasMessageContaining("backend remote accepts:")
                .hasMessageContaining("host=<text> (default 127.0.0.1)")
                .hasMessageContaining("timeout_ms=<integer 1..600000> (default 2000)")
                .hasMessageContaining("connections=<integer 1..64> (default 2)")
                .hasMessageContaining("pressure_percent=<integer 1..100> (default 90)")
                .hasMessageContaining("token=<text> (optional)");
        assertThatThrownBy(() -> registry.create("remote", List.of("colour=blue")))
                .isInstanceOf(BackendConfigException.class)
                .hasMessageContaining("unknown parameter 'colour'")
                .hasMessageContaining("client=<text> (default frontends)");
        assertThatThrownBy(() -> registry.create("remote", List.of("client=")))
                .isInstanceOf(BackendConfigException.class)
                .hasMessageContaining("parameter client must be 1 to 64 bytes")
                .hasMessageContaining("backend remote accepts:");
        assertThatThrownBy(() -> registry.create("remote", List.of("client=" + "x".repeat(65))))
                .isInstanceOf(BackendConfigException.class).hasMessageContaining("1 to 64 bytes");
        assertThatThrownBy(() -> registry.create("remote", List.of("timeout_ms=0")))
                .isInstanceOf(BackendConfigException.class).hasMessageContaining("timeout_ms");
    }

    @Test
    void anUnreachableServerOrAWrongTokenFailsTheLoadClearly() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        assertThatThrownBy(() -> registry.create("remote", List.of("port=" + closedPort, "timeout_ms=500")))
                .isInstanceOf(TmemUnavailableException.class)
                .hasMessageContaining("cannot connect to")
                .hasMessageContaining(":" + closedPort);
        try (TmemServer guarded = TestServers.start(
                ServerConfig.builder().port(0).memoryBytes(4L << 20).token("s3cret").build())) {
            assertThatThrownBy(() -> registry.create("remote", List.of("port=" + TestServers.port(guarded), "token=nope")))
                    .isInstanceOfSatisfying(TmemStatusException.class,
                            e -> assertThat(e.status()).isEqualTo(Status.DENIED));
            try (TmemBackend ok = registry.create("remote", List.of("port=" + TestServers.port(guarded), "token=s3cret"))) {
                assertThat(ok.name()).startsWith("remote(");
            }
        }
    }
}
