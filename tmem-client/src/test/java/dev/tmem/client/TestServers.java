package dev.tmem.client;

import dev.tmem.server.ServerConfig;
import dev.tmem.server.TmemServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

/** Real servers on 127.0.0.1 for the tests, a cuttable TCP proxy, and page helpers. */
public final class TestServers {

    private TestServers() {}

    public static TmemServer start(int port, long memoryBytes) {
        return start(ServerConfig.builder().port(port).memoryBytes(memoryBytes).build());
    }

    public static TmemServer start(ServerConfig config) {
        try {
            return TmemServer.start(config);
        } catch (dev.tmem.server.ServerStartException e) {
            throw new IllegalStateException("test server did not start: " + e.getMessage(), e);
        }
    }

    public static TmemServer start() {
        return start(0, 16L << 20);
    }

    public static int port(TmemServer server) {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    public static RemoteTmem.Builder client(TmemServer server, String name) {
        return client(port(server), name);
    }

    public static RemoteTmem.Builder client(int port, String name) {
        return RemoteTmem.builder().host("127.0.0.1").port(port).client(name)
                .timeout(Duration.ofSeconds(5)).reconnectDelay(Duration.ofMillis(20));
    }

    /** A page of {@code size} random bytes from {@code seed}. */
    public static MemorySegment page(long seed, int size) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return MemorySegment.ofArray(b);
    }

    public static MemorySegment buffer(int size) {
        return MemorySegment.ofArray(new byte[size]);
    }

    /** Whether a PING through {@code t} gets its answer now. */
    public static boolean reachable(RemoteTmem t) {
        try {
            t.ping(new byte[0]);
            return true;
        } catch (TmemUnavailableException e) {
            return false;
        }
    }

    public static boolean same(MemorySegment a, MemorySegment b) {
        return a.byteSize() == b.byteSize() && a.mismatch(b) == -1;
    }

    /**
     * A TCP proxy on 127.0.0.1 in front of a server: {@link #cut()} breaks every connection through
     * it and refuses new ones until {@link #resume()}, while the server behind stays up.
     */
    public static final class Proxy implements AutoCloseable {
        private final ServerSocket listener;
        private final int target;
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();
        private volatile boolean refusing;

        public Proxy(int target) throws IOException {
            this.target = target;
            this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread.ofPlatform().daemon().name("test-proxy-accept").start(this::acceptLoop);
        }

        public int port() {
            return listener.getLocalPort();
        }

        private void acceptLoop() {
            while (!listener.isClosed()) {
                try {
                    Socket in = listener.accept();
                    if (refusing) {
                        in.close();
                        continue;
                    }
                    Socket out = new Socket(InetAddress.getLoopbackAddress(), target);
                    sockets.add(in);
                    sockets.add(out);
                    pump(in, out);
                    pump(out, in);
                } catch (IOException e) {
                    // listener closed, or the target refused: the client sees a closed connection
                }
            }
        }

        private static void pump(Socket from, Socket to) {
            Thread.ofPlatform().daemon().name("test-proxy-pump").start(() -> {
                byte[] buf = new byte[65536];
                try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                    for (int n; (n = in.read(buf)) >= 0; ) {
                        out.write(buf, 0, n);
                    }
                } catch (IOException e) {
                    // one side closed
                } finally {
                    closeQuietly(from);
                    closeQuietly(to);
                }
            });
        }

        /** Breaks every connection and refuses new ones. */
        public void cut() {
            refusing = true;
            for (Socket s : sockets) {
                closeQuietly(s);
            }
            sockets.clear();
        }

        public void resume() {
            refusing = false;
        }

        @Override
        public void close() throws IOException {
            cut();
            listener.close();
        }

        private static void closeQuietly(Socket s) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing only
            }
        }
    }
}
