package dev.tmem.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tmem.core.TmemEngine;
import dev.tmem.protocol.Op;
import dev.tmem.protocol.RequestHeader;
import java.net.URI;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The Prometheus endpoint (--metrics-port) reports what STATS reports. */
class MetricsTest extends ServerTestBase {

    @Override
    ServerConfig.Builder configure(ServerConfig.Builder b) {
        return b.store(ServerConfig.Store.RAW).metricsPort(0);
    }

    String scrape() throws Exception {
        var http = (HttpURLConnection) URI.create("http://127.0.0.1:" + server.metricsPort() + "/metrics").toURL()
                .openConnection();
        try {
            assertThat(http.getResponseCode()).isEqualTo(200);
            return new String(http.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } finally {
            http.disconnect();
        }
    }

    @Test
    void metricsFollowTheOperations() throws Exception {
        TestClient c = login("app");
        int persistent = c.newPool(true, 4096);
        int ephemeral = c.newPool(false, 4096);
        c.put(persistent, 1, 0, TestClient.page(4096, 1));
        c.put(ephemeral, 1, 0, TestClient.page(4096, 2));
        c.get(persistent, 1, 0, false);
        c.get(persistent, 1, 1, false);
        c.call(RequestHeader.of(Op.STATS, 1, 99, 0), new byte[0]); // undefined flag
        String m = scrape();
        assertThat(m).contains("tmem_puts_total 2.0")
                .contains("tmem_succ_gets_total 1.0")
                .contains("tmem_failed_gets_total 1.0")
                .contains("tmem_pages{kind=\"ephemeral\"} 1.0")
                .contains("tmem_pages{kind=\"persistent\"} 1.0")
                .contains("tmem_bytes_used " + (double) (2 * (4096 + TmemEngine.PAGE_OVERHEAD_BYTES)))
                .contains("tmem_bytes_budget " + (double) (64L << 20))
                .contains("tmem_clients 1.0")
                .contains("tmem_pools 2.0")
                .contains("tmem_connections 1.0")
                .contains("tmem_rejects_total{rule=\"undefined_flags\"} 1.0");
    }

    @Test
    void noEndpointUnlessAsked() throws Exception {
        try (TmemServer plain = TmemServer.start(ServerConfig.builder().port(0).memoryBytes(1 << 20).build())) {
            assertThat(plain.metricsPort()).isEqualTo(-1);
        }
    }

    @Test
    void aTakenMetricsPortFailsTheStartAndLeavesNothingRunning() {
        ServerConfig clash = ServerConfig.builder().port(0).memoryBytes(1 << 20).metricsPort(server.metricsPort()).build();
        assertThatThrownBy(() -> TmemServer.start(clash)).isInstanceOf(ServerStartException.class)
                .hasMessageContaining("cannot serve metrics");
    }
}
