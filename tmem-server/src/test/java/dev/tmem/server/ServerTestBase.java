package dev.tmem.server;

import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** Starts a fresh server on 127.0.0.1 and an ephemeral port for each test, and closes it after. */
abstract class ServerTestBase {

    TmemServer server;
    private final List<TestClient> clients = new ArrayList<>();

    /** Tests override to change the configuration. */
    ServerConfig.Builder configure(ServerConfig.Builder b) {
        return b;
    }

    @BeforeEach
    void startServer() throws ServerStartException {
        server = TmemServer.start(configure(ServerConfig.builder()
                        .host("127.0.0.1").port(0).memoryBytes(64L << 20).ioThreads(2).statusLogIntervalSeconds(0))
                .build());
    }

    @AfterEach
    void stopServer() {
        clients.forEach(TestClient::close);
        server.close();
    }

    SocketAddress address() {
        return server.localAddress();
    }

    /** A connection without HELLO; closed after the test. */
    TestClient connect() {
        TestClient c = TestClient.connect(address());
        clients.add(c);
        return c;
    }

    /** A connection that said HELLO as {@code name}; closed after the test. */
    TestClient login(String name) {
        TestClient c = TestClient.login(address(), name);
        clients.add(c);
        return c;
    }
}
