package dev.tmem.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tmem.protocol.Op;
import dev.tmem.protocol.ResponseEncoder;
import dev.tmem.protocol.Status;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Servers that stop answering: every call ends with a {@link TmemUnavailableException} after the
 * timeout, never hangs, and later calls fail fast until a reconnect is due.
 */
class TimeoutTest {

    private final List<Socket> accepted = new CopyOnWriteArrayList<>();
    private ServerSocket listener;

    @AfterEach
    void close() throws IOException {
        if (listener != null) {
            listener.close();
        }
        for (Socket s : accepted) {
            s.close();
        }
    }

    /** Accepts connections and, if {@code answerHello}, answers the HELLO and then nothing more. */
    private int silentServer(boolean answerHello) throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().start(() -> {
            while (!listener.isClosed()) {
                try {
                    Socket s = listener.accept();
                    accepted.add(s);
                    if (answerHello) {
                        Thread.ofPlatform().daemon().start(() -> answerHelloOnly(s));
                    }
                } catch (IOException e) {
                    return;
                }
            }
        });
        return listener.getLocalPort();
    }

    private static void answerHelloOnly(Socket s) {
        try {
            DataInputStream in = new DataInputStream(s.getInputStream());
            int length = in.readInt();
            byte[] rest = new byte[length];
            in.readFully(rest);
            int tag = java.nio.ByteBuffer.wrap(rest).getInt(4);
            s.getOutputStream().write(ResponseEncoder.encode(Op.HELLO.code(), Status.OK, tag, 7,
                    "silent-server".getBytes(StandardCharsets.UTF_8)));
            s.getOutputStream().flush();
            while (in.read() >= 0) {
                // read and never answer
            }
        } catch (IOException e) {
            // closed by the test or the client
        }
    }

    @Test
    void helloWithoutAnswerFailsConnect() throws IOException {
        int port = silentServer(false);
        assertThatThrownBy(() -> TestServers.client(port, "waiting").timeout(Duration.ofMillis(200)).connect())
                .isInstanceOf(TmemUnavailableException.class)
                .hasMessageContaining("no answer to HELLO within 200 ms");
    }

    @Test
    void callsWithoutAnswerTimeOutAllOfThemAndLaterCallsFailFast() throws Exception {
        int port = silentServer(true);
        try (RemoteTmem t = TestServers.client(port, "waiting").timeout(Duration.ofMillis(300))
                .reconnectDelay(Duration.ofMinutes(10)).connections(2).connect()) {
            assertThat(t.serverName()).isEqualTo("silent-server");
            assertThat(t.clientNumber()).isEqualTo(7);
            ExecutorService threads = Executors.newFixedThreadPool(4);
            try {
                List<Future<Throwable>> outcomes = new java.util.ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    outcomes.add(threads.submit(() -> {
                        try {
                            t.newPool(true, 4096);
                            return null;
                        } catch (Throwable e) {
                            return e;
                        }
                    }));
                }
                for (Future<Throwable> f : outcomes) {
                    assertThat(f.get()).isInstanceOf(TmemUnavailableException.class);
                }
            } finally {
                threads.shutdownNow();
            }
            assertThat(t.isConnected()).isFalse();
            // within the reconnect delay: no connect attempt, an immediate clear failure
            int before = accepted.size();
            assertThatThrownBy(() -> t.ping(new byte[1]))
                    .isInstanceOf(TmemUnavailableException.class)
                    .hasMessageContaining("server unavailable")
                    .hasMessageContaining("no answer within 300 ms");
            assertThat(accepted).hasSize(before);
        }
    }

    @Test
    void aReconnectAfterTheDelayReachesTheServerAgain() throws Exception {
        int port = silentServer(true);
        try (RemoteTmem t = TestServers.client(port, "retrying").timeout(Duration.ofMillis(200))
                .reconnectDelay(Duration.ZERO).connections(1).connect()) {
            assertThatThrownBy(() -> t.stats()).isInstanceOf(TmemUnavailableException.class)
                    .hasMessageContaining("no answer within 200 ms");
            assertThat(accepted).hasSize(1);
            // the next call reconnects (HELLO answered), then times out again on its own request
            assertThatThrownBy(() -> t.stats()).isInstanceOf(TmemUnavailableException.class)
                    .hasMessageContaining("no answer within 200 ms");
            assertThat(accepted).hasSize(2);
            assertThat(t.reconnects()).isEqualTo(1);
        }
    }
}
