package dev.tmem.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tmem.protocol.Status;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server as a process (PROTOCOL.md "Server command line"): the {@code listening on} line, exit
 * status 2 for bad flags, a taken port and a non-loopback address without a token, and exit status
 * 0 on SIGTERM.
 */
class ServerProcessTest {

    private static final Pattern LISTENING = Pattern.compile("listening on (\\S+):(\\d+)");
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        started.forEach(Process::destroyForcibly);
    }

    Process start(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xmx64m",
                "-cp", System.getProperty("java.class.path"),
                ServerMain.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
        started.add(p);
        return p;
    }

    static String all(java.io.InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    /** Reads stdout until the listening line and returns it. */
    static String awaitListening(Process p) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = out.readLine()) != null; ) {
            if (line.contains("listening on ")) {
                return line;
            }
        }
        throw new AssertionError("no listening line; stderr: " + all(p.getErrorStream()));
    }

    @Test
    void printsTheListeningLineServesAndStopsWithStatus0OnSigterm() throws Exception {
        Process p = start("--port", "0", "--memory", "16m", "--status-interval", "1");
        String line = awaitListening(p);
        Matcher m = LISTENING.matcher(line);
        assertThat(m.find()).as(line).isTrue();
        assertThat(m.group(1)).isEqualTo("127.0.0.1");
        try (TestClient c = TestClient.login(new InetSocketAddress("127.0.0.1", Integer.parseInt(m.group(2))), "app")) {
            int pool = c.newPool(true, 4096);
            assertThat(c.put(pool, 1, 0, TestClient.page(4096, 1)).status()).isEqualTo(Status.OK);
            assertThat(c.stats().get("bytes_budget")).isEqualTo(16L << 20);
        }
        // the periodic one-line status log (stderr) shows the page
        BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
        String status;
        do {
            status = err.readLine();
            assertThat(status).as("a status line before stderr ends").isNotNull();
        } while (!status.contains("+ 1 pers"));
        // a random page, stored raw by zcache: 4096 bytes, its slot map cell and entry, the engine's overhead
        assertThat(status).contains("clients 1").contains("used 4.1 KiB of 16 MiB");
        p.destroy(); // SIGTERM
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
    }

    @Test
    void aTakenPortIsExitStatus2WithAMessage() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Process p = start("--port", Integer.toString(taken.getLocalPort()), "--memory", "16m");
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isEqualTo(2);
            assertThat(all(p.getErrorStream())).contains("cannot listen on 127.0.0.1:" + taken.getLocalPort())
                    .containsIgnoringCase("address already in use");
        }
    }

    @Test
    void badFlagsAreExitStatus2WithAMessage() throws Exception {
        String[][] cases = {{"--memory", "lots"}, {"--port", "x"}, {"--bogus"}, {"--client-weight", "a=0"}};
        for (String[] args : cases) {
            Process p = start(args);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(all(p.getErrorStream())).isNotBlank();
        }
    }

    @Test
    void aNonLoopbackAddressWithoutATokenIsRefusedWithStatus2() throws Exception {
        Process p = start("--host", "0.0.0.0", "--port", "0");
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(all(p.getErrorStream())).contains("not a loopback address");
    }

    @Test
    void listensOnAUnixSocket(@TempDir Path dir) throws Exception {
        Path sock = dir.resolve("tmem.sock");
        Process p = start("--unix", sock.toString(), "--memory", "16m", "--status-interval", "0");
        assertThat(awaitListening(p)).contains("listening on " + sock);
        try (TestClient c = TestClient.login(UnixDomainSocketAddress.of(sock), "app")) {
            assertThat(c.ping(new byte[] {1}).payload()).containsExactly(1);
        }
        p.destroy();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        assertThat(Files.exists(sock)).as("socket file removed").isFalse();
    }
}
