package dev.tmem.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tmem.protocol.Flags;
import dev.tmem.protocol.Hello;
import dev.tmem.protocol.NewPool;
import dev.tmem.protocol.Op;
import dev.tmem.protocol.RequestEncoder;
import dev.tmem.protocol.RequestHeader;
import dev.tmem.protocol.ResponseDecoder;
import dev.tmem.protocol.ResponseHeader;
import dev.tmem.protocol.ResponseLayout;
import dev.tmem.protocol.Status;
import dev.tmem.protocol.Violation;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * A small blocking client for tests: java.net sockets and the protocol's encoder and decoder. Every
 * response it reads is checked against the protocol (length, reserved, status) and against the tag
 * and op of the request it answers, in order.
 */
final class TestClient implements AutoCloseable {

    /** One response. */
    record Response(ResponseHeader header, byte[] payload) {
        Status status() {
            return header.statusCode();
        }

        int value() {
            return header.value();
        }

        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    private final AutoCloseable socket;
    private final DataInputStream in;
    private final OutputStream out;
    private int nextTag = 1;

    private TestClient(AutoCloseable socket, InputStream in, OutputStream out) {
        this.socket = socket;
        this.in = new DataInputStream(in);
        this.out = new BufferedOutputStream(out, 1 << 16);
    }

    static TestClient connect(SocketAddress address) {
        try {
            if (address instanceof InetSocketAddress inet) {
                Socket s = new Socket();
                s.connect(inet);
                s.setTcpNoDelay(true);
                s.setSoTimeout(30_000); // a hung server fails the test instead of hanging it
                return new TestClient(s, s.getInputStream(), s.getOutputStream());
            }
            SocketChannel ch = SocketChannel.open(address);
            return new TestClient(ch, Channels.newInputStream(ch), Channels.newOutputStream(ch));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Connects over TLS, trusting only {@code trusted} (a PEM certificate). */
    static TestClient connectTls(InetSocketAddress address, java.nio.file.Path trusted) {
        try {
            java.security.KeyStore ks = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
            ks.load(null, null);
            try (InputStream in = java.nio.file.Files.newInputStream(trusted)) {
                ks.setCertificateEntry("server",
                        java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
            }
            var tmf = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            var ssl = javax.net.ssl.SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            Socket s = ssl.getSocketFactory().createSocket(address.getAddress(), address.getPort());
            s.setSoTimeout(30_000);
            return new TestClient(s, s.getInputStream(), s.getOutputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Everything the server sends until it closes the connection. */
    byte[] readToEnd() {
        try {
            return in.readAllBytes();
        } catch (SocketException e) {
            return new byte[0]; // reset: closed too
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Connects and says HELLO as {@code name} with no token; asserts OK. */
    static TestClient login(SocketAddress address, String name) {
        TestClient c = connect(address);
        assertThat(c.hello(name, "").status()).isEqualTo(Status.OK);
        return c;
    }

    int nextTag() {
        return nextTag++;
    }

    // ----- raw I/O -----

    void sendRaw(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Buffers a request without flushing (for pipelining); {@link #flush()} sends. */
    void write(RequestHeader h, byte[] payload) {
        try {
            out.write(RequestEncoder.encode(h, payload));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads one response and checks it is well formed. */
    Response read() {
        try {
            int length = in.readInt();
            Violation v = ResponseDecoder.checkLength(Integer.toUnsignedLong(length));
            assertThat(v).as("response length").isNull();
            byte[] frame = new byte[4 + length];
            ByteBuffer.wrap(frame).putInt(length);
            in.readFully(frame, 4, length);
            ResponseHeader h = ResponseDecoder.decodeHeader(ByteBuffer.wrap(frame));
            assertThat(ResponseDecoder.checkHeader(h)).as("response header").isNull();
            byte[] payload = new byte[h.payloadLength()];
            System.arraycopy(frame, ResponseLayout.HEADER_BYTES, payload, 0, payload.length);
            return new Response(h, payload);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads the answer to a request of {@code op} and {@code tag}. */
    Response readFor(int op, int tag) {
        Response r = read();
        assertThat(r.header().tag()).as("tag").isEqualTo(tag);
        assertThat(r.header().op()).as("op").isEqualTo(op);
        return r;
    }

    /** True once the server has closed the connection (EOF or reset), reading nothing else. */
    boolean closedByServer() {
        try {
            return in.read() < 0;
        } catch (EOFException | SocketException e) {
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Response call(RequestHeader h, byte[] payload) {
        write(h, payload);
        flush();
        return readFor(h.op(), h.tag());
    }

    // ----- operations -----

    Response hello(String name, String token) {
        byte[] p = Hello.of(name, token).encodePayload();
        return call(RequestHeader.of(Op.HELLO, 0, nextTag(), p.length), p);
    }

    Response newPool(int flags, int pageShift, UUID uuid) {
        byte[] p = new NewPool(false, uuid != null, pageShift, uuid).encodePayload();
        return call(RequestHeader.of(Op.NEW_POOL, flags, nextTag(), p.length), p);
    }

    /** A new private pool; asserts OK and returns its id. */
    int newPool(boolean persistent, int pageSize) {
        Response r = newPool(persistent ? Flags.PERSIST : 0, Integer.numberOfTrailingZeros(pageSize), null);
        assertThat(r.status()).isEqualTo(Status.OK);
        assertThat(r.value()).isNotNegative();
        return r.value();
    }

    Response attachShared(UUID uuid, int pageSize) {
        return newPool(Flags.SHARED, Integer.numberOfTrailingZeros(pageSize), uuid);
    }

    Response destroyPool(int pool) {
        return call(RequestHeader.of(Op.DESTROY_POOL, 0, nextTag(), pool, 0, 0, 0, 0, 0), new byte[0]);
    }

    Response put(int pool, long oid, int index, byte[] page) {
        return call(RequestHeader.of(Op.PUT_PAGE, 0, nextTag(), pool, oid, 0, 0, index, page.length), page);
    }

    Response get(int pool, long oid, int index, boolean exclusive) {
        return call(RequestHeader.of(Op.GET_PAGE, exclusive ? Flags.EXCLUSIVE : 0, nextTag(), pool, oid, 0, 0, index, 0),
                new byte[0]);
    }

    Response flushPage(int pool, long oid, int index) {
        return call(RequestHeader.of(Op.FLUSH_PAGE, 0, nextTag(), pool, oid, 0, 0, index, 0), new byte[0]);
    }

    Response flushObject(int pool, long oid) {
        return call(RequestHeader.of(Op.FLUSH_OBJECT, 0, nextTag(), pool, oid, 0, 0, 0, 0), new byte[0]);
    }

    /** STATS; asserts OK and returns the JSON. */
    Json stats() {
        Response r = call(RequestHeader.of(Op.STATS, 0, nextTag(), 0), new byte[0]);
        assertThat(r.status()).isEqualTo(Status.OK);
        return new Json(r.text());
    }

    Response ping(byte[] payload) {
        return call(RequestHeader.of(Op.PING, 0, nextTag(), payload.length), payload);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A page of {@code size} bytes whose content depends on {@code seed}. */
    static byte[] page(int size, long seed) {
        byte[] p = new byte[size];
        new java.util.SplittableRandom(seed).nextBytes(p);
        return p;
    }
}
