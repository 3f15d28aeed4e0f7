package dev.tmem.client;

import static dev.tmem.client.TestServers.buffer;
import static dev.tmem.client.TestServers.page;
import static dev.tmem.client.TestServers.same;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.tmem.core.ObjectId;
import dev.tmem.frontend.BackendRegistry;
import dev.tmem.frontend.Frontends;
import dev.tmem.frontend.Frontswap;
import dev.tmem.frontend.spi.BackendConfigException;
import dev.tmem.server.ServerConfig;
import dev.tmem.server.TmemServer;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client over TLS to a server started with a certificate: it trusts only the certificates it is
 * given, checks that the certificate names the host, and fails as unavailable (never in the clear)
 * otherwise. Needs openssl to make the certificates.
 */
class TlsClientTest {

    @TempDir static Path dir;
    /** Names 127.0.0.1, as the tests connect. */
    static Path cert;
    static Path key;
    /** Another self-signed certificate, also naming 127.0.0.1. */
    static Path otherCert;
    /** Names only other.example. */
    static Path wrongHostCert;
    static Path wrongHostKey;

    @BeforeAll
    static void certificates() throws Exception {
        cert = dir.resolve("cert.pem");
        key = dir.resolve("key.pem");
        otherCert = dir.resolve("other.pem");
        wrongHostCert = dir.resolve("wrong-host.pem");
        wrongHostKey = dir.resolve("wrong-host-key.pem");
        selfSigned(cert, key, "IP:127.0.0.1");
        selfSigned(otherCert, dir.resolve("other-key.pem"), "IP:127.0.0.1");
        selfSigned(wrongHostCert, wrongHostKey, "DNS:other.example");
    }

    private static void selfSigned(Path certOut, Path keyOut, String altName) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                    "-nodes", "-keyout", keyOut.toString(), "-out", certOut.toString(), "-days", "2",
                    "-subj", "/CN=tmem-test", "-addext", "subjectAltName=" + altName)
                    .redirectErrorStream(true).start();
        } catch (IOException noOpenssl) {
            assumeThat(false).as("openssl on the PATH").isTrue();
            return;
        }
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
    }

    private static TmemServer tlsServer(Path certificate, Path privateKey) {
        return TestServers.start(ServerConfig.builder().port(0).memoryBytes(8L << 20).tls(certificate, privateKey)
                .build());
    }

    @Test
    void operationsOverTls() {
        try (TmemServer server = tlsServer(cert, key);
                RemoteTmem tmem = TestServers.client(server, "app").tlsTrusting(cert).connections(2).connect()) {
            RemotePool pool = tmem.newPool(true, 4096);
            for (int i = 0; i < 32; i++) {
                assertThat(tmem.putPage(pool, ObjectId.of(1), i, page(i, 4096))).isTrue();
            }
            for (int i = 0; i < 32; i++) {
                MemorySegment dst = buffer(4096);
                assertThat(tmem.getPage(pool, ObjectId.of(1), i, dst, false)).isTrue();
                assertThat(same(dst, page(i, 4096))).as("page %d", i).isTrue();
            }
            assertThat(server.stats().pagesPersistent()).isEqualTo(32);
        }
    }

    @Test
    void aCertificateItDoesNotTrustIsRefused() {
        try (TmemServer server = tlsServer(cert, key)) {
            assertThatThrownBy(() -> TestServers.client(server, "app").tlsTrusting(otherCert).connect())
                    .isInstanceOf(TmemUnavailableException.class).hasMessageContaining("cannot connect");
            assertThat(server.stats().clients()).isZero();
        }
    }

    @Test
    void aCertificateThatDoesNotNameTheHostIsRefused() {
        try (TmemServer server = tlsServer(wrongHostCert, wrongHostKey)) {
            assertThatThrownBy(() -> TestServers.client(server, "app").tlsTrusting(wrongHostCert).connect())
                    .isInstanceOf(TmemUnavailableException.class).hasMessageContaining("127.0.0.1");
            assertThat(server.stats().clients()).isZero();
        }
    }

    @Test
    void aPlainClientIsNotServedByATlsServer() {
        try (TmemServer server = tlsServer(cert, key)) {
            assertThatThrownBy(() -> TestServers.client(server, "app").timeout(Duration.ofMillis(500)).connect())
                    .isInstanceOf(TmemUnavailableException.class);
            assertThat(server.stats().clients()).isZero();
        }
    }

    @Test
    void aFileWithoutACertificateIsAClearError() throws IOException {
        Path notPem = dir.resolve("not.pem");
        Files.writeString(notPem, "not a certificate");
        assertThatThrownBy(() -> RemoteTmem.builder().tlsTrusting(notPem))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not.pem");
        assertThatThrownBy(() -> RemoteTmem.builder().tlsTrusting(dir.resolve("missing.pem")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing.pem");
    }

    @Test
    void theRemoteBackendSpeaksTlsWithTlsCa() {
        try (TmemServer server = tlsServer(cert, key);
                Frontends frontends = new Frontends(BackendRegistry.fromClassPath(), 4096)) {
            String port = "port=" + TestServers.port(server);
            assertThatThrownBy(() -> frontends.load("remote", List.of(port, "tls_ca=" + dir.resolve("missing.pem"))))
                    .isInstanceOf(BackendConfigException.class).hasMessageContaining("tls_ca")
                    .hasMessageContaining("missing.pem");
            assertThat(frontends.backend()).as("nothing loaded").isNull();

            frontends.load("remote", List.of(port, "tls_ca=" + cert, "client=swapper"));
            Frontswap frontswap = frontends.frontswap();
            frontswap.init(0, (offset, page) -> { });
            assertThat(frontswap.store(0, 5, page(5, 4096))).as("writethrough: the caller writes too").isFalse();
            assertThat(frontswap.isStored(0, 5)).isTrue();
            MemorySegment dst = buffer(4096);
            assertThat(frontswap.load(0, 5, dst)).isTrue();
            assertThat(same(dst, page(5, 4096))).isTrue();
            assertThat(server.stats().pagesPersistent()).isEqualTo(1);
        }
    }
}
