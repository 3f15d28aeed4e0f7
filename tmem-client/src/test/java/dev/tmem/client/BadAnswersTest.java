package dev.tmem.client;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tmem.protocol.Op;
import dev.tmem.protocol.ResponseEncoder;
import dev.tmem.protocol.Status;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A server that answers wrongly: the connection is dropped with an error that says what was wrong,
 * and the call fails; nothing is matched to the wrong request.
 */
class BadAnswersTest {

    private ServerSocket listener;

    @AfterEach
    void close() throws IOException {
        listener.close();
    }

    /** Answers the first request (the HELLO) with {@code answer.apply(tag)}, or closes if that is empty. */
    private int answering(IntFunction<byte[]> answer) throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().start(() -> {
            while (!listener.isClosed()) {
                try (Socket s = listener.accept()) {
                    DataInputStream in = new DataInputStream(s.getInputStream());
                    byte[] rest = new byte[in.readInt()];
                    in.readFully(rest);
                    byte[] frame = answer.apply(ByteBuffer.wrap(rest).getInt(4));
                    if (frame.length == 0) {
                        continue; // closes the connection without an answer
                    }
                    s.getOutputStream().write(frame);
                    s.getOutputStream().flush();
                    while (in.read() >= 0) {
                        // until the client closes
                    }
                } catch (IOException e) {
                    // next
                }
            }
        });
        return listener.getLocalPort();
    }

    private static RemoteTmem.Builder client(int port) {
        return TestServers.client(port, "victim").timeout(Duration.ofSeconds(5)).connections(1);
    }

    @Test
    void anAnswerWithAnotherTagBreaksTheConnection() throws IOException {
        int port = answering(tag -> ResponseEncoder.encode(Op.HELLO.code(), Status.OK, tag + 1, 0, new byte[0]));
        assertThatThrownBy(() -> client(port).connect()).isInstanceOf(TmemUnavailableException.class)
                .hasMessageContaining("answer tag 2 op 32, expected tag 1 op 32");
    }

    @Test
    void anAnswerForAnotherOpBreaksTheConnection() throws IOException {
        int port = answering(tag -> ResponseEncoder.encode(Op.STATS.code(), Status.OK, tag, 0, new byte[0]));
        assertThatThrownBy(() -> client(port).connect()).isInstanceOf(TmemUnavailableException.class)
                .hasMessageContaining("expected tag 1 op 32");
    }

    @Test
    void anUndefinedStatusBreaksTheConnection() throws IOException {
        int port = answering(tag -> {
            byte[] frame = ResponseEncoder.encode(Op.HELLO.code(), Status.OK, tag, 0, new byte[0]);
            frame[5] = 8; // status 8 is not assigned
            return frame;
        });
        assertThatThrownBy(() -> client(port).connect()).isInstanceOf(TmemUnavailableException.class)
                .hasMessageContaining("malformed response").hasMessageContaining("status 8");
    }

    @Test
    void anOversizedLengthBreaksTheConnection() throws IOException {
        int port = answering(tag -> ByteBuffer.allocate(16).putInt(12 + 65537).put((byte) 32).put((byte) 0)
                .putShort((short) 0).putInt(tag).putInt(0).array());
        assertThatThrownBy(() -> client(port).connect()).isInstanceOf(TmemUnavailableException.class)
                .hasMessageContaining("malformed response").hasMessageContaining("length 65549");
    }

    @Test
    void aServerThatClosesAtOnceIsAClearFailure() throws IOException {
        int port = answering(tag -> new byte[0]);
        assertThatThrownBy(() -> client(port).connect()).isInstanceOf(TmemUnavailableException.class)
                .hasMessageContaining("the server closed the connection");
    }
}
