package dev.tmem.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The flags of PROTOCOL.md "Server command line", parsed in process. */
class ServerOptionsTest {

    static ServerConfig parse(String... args) {
        ServerMain main = new ServerMain();
        new CommandLine(main).parseArgs(args);
        return main.options.toConfig();
    }

    @Test
    void defaultsAreThoseOfTheProtocol() {
        ServerConfig c = parse();
        assertThat(c.host()).isEqualTo("127.0.0.1");
        assertThat(c.port()).isEqualTo(7420);
        assertThat(c.unixPath()).isNull();
        assertThat(c.hasToken()).isFalse();
        assertThat(c.clientCaps()).isEmpty();
        assertThat(c.clientWeights()).isEmpty();
        assertThat(c.memoryBytes()).isEqualTo(ServerConfig.defaultMemoryBytes());
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean();
        assertThat(c.memoryBytes()).isEqualTo(os.getTotalMemorySize() / 4);
    }

    @Test
    void everyFlagReachesTheConfiguration() {
        ServerConfig c = parse("--host", "::1", "--port", "9000", "--memory", "512m", "--token", "t",
                "--client-cap", "a=100", "--client-cap", "b=0", "--client-weight", "a=3", "--transport", "nio",
                "--io-threads", "3", "--status-interval", "5");
        assertThat(c.host()).isEqualTo("::1");
        assertThat(c.port()).isEqualTo(9000);
        assertThat(c.memoryBytes()).isEqualTo(512L << 20);
        assertThat(c.token()).containsExactly('t');
        assertThat(c.clientCaps()).containsEntry("a", 100L).containsEntry("b", 0L);
        assertThat(c.clientWeights()).containsEntry("a", 3);
        assertThat(c.transport()).isEqualTo(ServerConfig.Transport.NIO);
        assertThat(c.ioThreads()).isEqualTo(3);
        assertThat(c.statusLogIntervalSeconds()).isEqualTo(5);
        assertThat(parse("--unix", "/tmp/x.sock").unixPath()).isEqualTo(Path.of("/tmp/x.sock"));
    }

    @Test
    void sizesTakeKMOrGSuffixes() {
        assertThat(ServerOptions.parseSize("4096")).isEqualTo(4096);
        assertThat(ServerOptions.parseSize("64k")).isEqualTo(64L << 10);
        assertThat(ServerOptions.parseSize("3M")).isEqualTo(3L << 20);
        assertThat(ServerOptions.parseSize("2g")).isEqualTo(2L << 30);
        for (String bad : new String[] {"", "k", "-1", "1.5g", "12t", "0", "0m", "1 g", "99999999999g",
            "9223372036854775808"}) {
            assertThatThrownBy(() -> ServerOptions.parseSize(bad)).as("'%s'", bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void badFlagsAreRefusedWithAMessageNamingThem() {
        assertThatThrownBy(() -> parse("--memory", "lots")).isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("lots");
        assertThatThrownBy(() -> parse("--port", "65536")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("65536");
        assertThatThrownBy(() -> parse("--client-weight", "a=0")).hasMessageContaining("weight");
        assertThatThrownBy(() -> parse("--client-cap", "a=-1")).hasMessageContaining("cap");
        assertThatThrownBy(() -> parse("--client-cap", "=5")).hasMessageContaining("client name");
        assertThatThrownBy(() -> parse("--transport", "carrier-pigeon")).hasMessageContaining("carrier-pigeon");
        assertThatThrownBy(() -> parse("--bogus")).isInstanceOf(CommandLine.UnmatchedArgumentException.class);
    }

    @Test
    void metricsAndTlsFlags() {
        ServerConfig c = parse("--metrics-port", "9100", "--tls-cert", "c.pem", "--tls-key", "k.pem");
        assertThat(c.metricsPort()).isEqualTo(9100);
        assertThat(c.metricsHost()).isEqualTo("127.0.0.1");
        assertThat(c.tlsCert()).isEqualTo(Path.of("c.pem"));
        assertThat(c.tlsKey()).isEqualTo(Path.of("k.pem"));
        assertThat(parse().metricsPort()).isEqualTo(-1);
        assertThat(parse().tlsCert()).isNull();
        assertThatThrownBy(() -> parse("--tls-cert", "c.pem")).hasMessageContaining("--tls-key");
        assertThatThrownBy(() -> parse("--metrics-port", "70000")).hasMessageContaining("70000");
    }

    @Test
    void aNonLoopbackAddressNeedsAToken() {
        assertThatThrownBy(() -> parse("--host", "0.0.0.0")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a loopback address").hasMessageContaining("--token");
        assertThat(parse("--host", "0.0.0.0", "--token", "t").host()).isEqualTo("0.0.0.0");
        assertThat(parse("--host", "localhost").host()).isEqualTo("localhost");
        assertThat(parse("--host", "::1").host()).isEqualTo("::1");
    }

    @Test
    void capsAndWeightsComeFromAConfigFileAndFlagsWin(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("clients.properties");
        Files.writeString(file, """
                # caps in pages, weights
                cap.db = 1000
                cap.cache = 50
                weight.db = 4
                zcache.codec = zstd
                zcache.level = 9
                """);
        ServerConfig c = parse("--config", file.toString(), "--client-cap", "cache=70", "--zcache", "level=2");
        assertThat(c.clientCaps()).containsEntry("db", 1000L).containsEntry("cache", 70L);
        assertThat(c.clientWeights()).containsEntry("db", 4);
        assertThat(c.zcacheConfig().codec()).isEqualTo("zstd");
        assertThat(c.zcacheConfig().codecParams()).containsEntry("level", "2");

        Files.writeString(file, "colour.db = blue\n");
        assertThatThrownBy(() -> parse("--config", file.toString())).hasMessageContaining("colour.db");
        Files.writeString(file, "cap.db = many\n");
        assertThatThrownBy(() -> parse("--config", file.toString())).hasMessageContaining("cap.db");
        assertThatThrownBy(() -> parse("--config", dir.resolve("missing").toString()))
                .hasMessageContaining("missing");
    }

    @Test
    void sizesPrintForPeople() {
        assertThat(ServerOptions.formatSize(700)).isEqualTo("700 B");
        assertThat(ServerOptions.formatSize(512L << 20)).isEqualTo("512 MiB");
        assertThat(ServerOptions.formatSize(3L << 29)).isEqualTo("1.5 GiB");
    }
}
