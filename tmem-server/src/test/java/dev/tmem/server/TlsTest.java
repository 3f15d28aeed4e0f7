package dev.tmem.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.tmem.protocol.Status;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --tls-cert/--tls-key: the server speaks the protocol over TLS only. Needs openssl to make a certificate. */
class TlsTest {

    @TempDir static Path dir;
    static Path cert;
    static Path key;

    @BeforeAll
    static void selfSignedCertificate() throws Exception {
        cert = dir.resolve("cert.pem");
        key = dir.resolve("key.pem");
        Process p;
        try {
            p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                    "-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-days", "2",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1")
                    .redirectErrorStream(true).start();
        } catch (java.io.IOException noOpenssl) {
            assumeThat(false).as("openssl on the PATH").isTrue();
            return;
        }
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
    }

    @Test
    void aTlsClientIsServed() throws Exception {
        try (TmemServer server = TmemServer.start(ServerConfig.builder().port(0).memoryBytes(8L << 20).tls(cert, key)
                .build());
                TestClient c = TestClient.connectTls((InetSocketAddress) server.localAddress(), cert)) {
            assertThat(c.hello("app", "").status()).isEqualTo(Status.OK);
            int pool = c.newPool(true, 4096);
            byte[] page = TestClient.page(4096, 1);
            assertThat(c.put(pool, 1, 0, page).status()).isEqualTo(Status.OK);
            assertThat(c.get(pool, 1, 0, false).payload()).isEqualTo(page);
        }
    }

    @Test
    void aPlainClientGetsNoAnswerAndIsClosed() throws Exception {
        try (TmemServer server = TmemServer.start(ServerConfig.builder().port(0).memoryBytes(8L << 20).tls(cert, key)
                .build());
                TestClient plain = TestClient.connect(server.localAddress())) {
            byte[] hello = dev.tmem.protocol.RequestEncoder.encode(dev.tmem.protocol.RequestHeader.of(
                    dev.tmem.protocol.Op.HELLO, 0, 1, dev.tmem.protocol.Hello.of("app", "").encodePayload().length),
                    dev.tmem.protocol.Hello.of("app", "").encodePayload());
            plain.sendRaw(hello);
            byte[] got = plain.readToEnd(); // returns once the server has closed the connection
            assertThat(got.length < 16 || got[5] != Status.OK.code()).as("no OK answer in the clear").isTrue();
        }
    }

    @Test
    void aMissingOrBadKeyFailsTheStart() throws Exception {
        Path bad = dir.resolve("bad.pem");
        Files.writeString(bad, "not a key");
        assertThatThrownBy(() -> TmemServer.start(ServerConfig.builder().port(0).memoryBytes(1 << 20).tls(cert, bad)
                .build())).isInstanceOf(ServerStartException.class).hasMessageContaining("bad.pem");
        assertThatThrownBy(() -> ServerConfig.builder().tls(cert, null).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--tls-key");
    }
}
