package dev.tmem.client.remote;

import dev.tmem.client.RemoteTmem;
import dev.tmem.frontend.spi.BackendConfigException;
import dev.tmem.frontend.spi.BackendParameter;
import dev.tmem.frontend.spi.BackendParameters;
import dev.tmem.frontend.spi.BackendProvider;
import dev.tmem.frontend.spi.TmemBackend;
import dev.tmem.protocol.Hello;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The {@code remote} backend: a {@link RemoteBackend} over a new {@link RemoteTmem}. Parameters:
 * {@code host}, {@code port}, {@code token}, {@code tls_ca}, {@code client} (the name pools live under on the
 * server), {@code timeout_ms}, {@code connections}, {@code reconnect_delay_ms},
 * {@code pressure_percent}. Creating it connects: it fails with a
 * {@link dev.tmem.client.TmemUnavailableException} if the server cannot be reached, and with a
 * {@link dev.tmem.client.TmemStatusException} if it refuses the token.
 */
public final class RemoteBackendProvider implements BackendProvider {

    public static final String NAME = "remote";

    private static final List<BackendParameter> PARAMETERS = List.of(
            BackendParameter.ofString("host", "127.0.0.1", "address of the tmem server"),
            BackendParameter.ofLong("port", 7420, 1, 65535, "TCP port of the tmem server"),
            BackendParameter.ofString("token", "", "the server's token (empty: none)"),
            BackendParameter.ofString("tls_ca", "",
                    "PEM file of the certificates to trust: speak TLS to a server with --tls-cert (empty: plain TCP)"),
            BackendParameter.ofString("client", "frontends",
                    "client name on the server (1 to 64 bytes); pools live under it"),
            BackendParameter.ofLong("timeout_ms", 2000, 1, 600_000,
                    "longest wait for an answer or a connect, in milliseconds"),
            BackendParameter.ofLong("connections", 2, 1, 64, "connections the requests are spread over"),
            BackendParameter.ofLong("reconnect_delay_ms", 200, 0, 600_000,
                    "after losing the server, operations fail at once for this long before one reconnects"),
            BackendParameter.ofLong("pressure_percent", RemoteBackend.DEFAULT_PRESSURE_PERCENT, 1, 100,
                    "server memory in use, in percent of its budget, from which the backend reports pressure"));

    /** For {@link java.util.ServiceLoader}. */
    public RemoteBackendProvider() {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "pages kept by a tmem server (tmem server), over the wire protocol";
    }

    @Override
    public List<BackendParameter> parameters() {
        return PARAMETERS;
    }

    @Override
    public TmemBackend create(BackendParameters params) {
        String client = params.getString("client");
        int n = client.getBytes(StandardCharsets.UTF_8).length;
        if (n < 1 || n > Hello.MAX_NAME_BYTES) {
            throw new BackendConfigException("backend remote: parameter client must be 1 to " + Hello.MAX_NAME_BYTES
                    + " bytes, was '" + client + "'" + BackendParameters.listing(NAME, PARAMETERS));
        }
        String host = params.getString("host").strip();
        if (host.isEmpty()) {
            throw new BackendConfigException("backend remote: parameter host is empty"
                    + BackendParameters.listing(NAME, PARAMETERS));
        }
        RemoteTmem.Builder builder = RemoteTmem.builder()
                .host(host)
                .port((int) params.getLong("port"))
                .client(client)
                .token(params.getString("token"))
                .timeout(Duration.ofMillis(params.getLong("timeout_ms")))
                .connections((int) params.getLong("connections"))
                .reconnectDelay(Duration.ofMillis(params.getLong("reconnect_delay_ms")));
        String tlsCa = params.getString("tls_ca").strip();
        if (!tlsCa.isEmpty()) {
            try {
                builder.tlsTrusting(Path.of(tlsCa));
            } catch (IllegalArgumentException e) { // an InvalidPathException too
                throw new BackendConfigException("backend remote: parameter tls_ca: " + e.getMessage()
                        + BackendParameters.listing(NAME, PARAMETERS), e);
            }
        }
        return RemoteBackend.connect(builder, (int) params.getLong("pressure_percent"));
    }
}
