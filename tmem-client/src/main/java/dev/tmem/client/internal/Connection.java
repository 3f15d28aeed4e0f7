package dev.tmem.client.internal;

import dev.tmem.client.TmemUnavailableException;
import dev.tmem.protocol.Op;
import dev.tmem.protocol.RequestEncoder;
import dev.tmem.protocol.RequestHeader;
import dev.tmem.protocol.RequestLayout;
import dev.tmem.protocol.ResponseDecoder;
import dev.tmem.protocol.ResponseHeader;
import dev.tmem.protocol.ResponseLayout;
import dev.tmem.protocol.Status;
import dev.tmem.protocol.Violation;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One pipelined connection to a tmem server over a blocking {@link Socket}.
 *
 * <pre>
 *  callers (any thread)                          reader thread (one per connection)
 *   lock writeLock                                 loop: read a whole response frame
 *     tag = nextTag++; pending.add(p)                    p = pending.poll()   (the oldest)
 *     write the frame, flush                             p.tag must equal the frame's tag
 *   unlock                                               complete p
 *   wait on p (with a timeout)
 * </pre>
 *
 * <p><b>Concurrency.</b> The server answers the requests of a connection in the order it received
 * them (PROTOCOL.md, Framing), so a FIFO of pending requests is all the matching needed: a request
 * joins {@code pending} and is written under {@code writeLock}, so the queue's order is the order
 * on the wire; the single reader thread takes the head for each answer and checks its tag. A tag or
 * op that does not match, a malformed frame, an I/O error or end of stream breaks the connection:
 * the socket is closed and every pending request fails with a {@link TmemUnavailableException}.
 * A request that arrives after that fails at once.
 *
 * <p>Writes block: a writer whose server stopped reading holds {@code writeLock} in
 * {@code write}; the next caller that cannot get the lock within the timeout, or any caller's
 * answer timeout, breaks the connection, and closing the socket releases the writer.
 *
 * <p><b>Lifetime.</b> {@link #fail} (or {@link #close}) is idempotent and may come from any thread;
 * closing the socket unblocks the reader and any writer. The owner is told once, through the
 * {@code onBroken} callback, when the connection breaks by itself (not when it is closed).
 */
public final class Connection implements AutoCloseable {

    /** An answer. {@code payload} is empty unless the op returns bytes. */
    public record Response(Op op, Status status, int value, byte[] payload) {}

    private record Pending(int tag, Op op, CompletableFuture<Response> answer) {}

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final String label;
    private final Consumer<Connection> onBroken;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final ConcurrentLinkedQueue<Pending> pending = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Guarded by writeLock. */
    private int nextTag = 1;
    private volatile TmemUnavailableException failure;

    private Connection(Socket socket, String label, Consumer<Connection> onBroken) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = new BufferedInputStream(socket.getInputStream(), 2 * ResponseLayout.MAX_LENGTH);
        this.label = label;
        this.onBroken = onBroken;
    }

    /**
     * Connects (within {@code timeoutMs}), over TLS when {@code tls} is not null (the handshake,
     * with the server's certificate checked against {@code host}, within the timeout too), and
     * starts the reader thread.
     *
     * @throws IOException if the server cannot be reached, or the TLS handshake fails
     */
    public static Connection open(InetSocketAddress address, SSLContext tls, int timeoutMs, String label,
            Consumer<Connection> onBroken) throws IOException {
        Socket plain = new Socket();
        Socket socket = plain;
        boolean success = false;
        try {
            plain.setTcpNoDelay(true);
            plain.setKeepAlive(true);
            plain.connect(address, timeoutMs);
            if (tls != null) {
                SSLSocket secure = (SSLSocket) tls.getSocketFactory()
                        .createSocket(plain, address.getHostString(), address.getPort(), true);
                socket = secure;
                SSLParameters params = secure.getSSLParameters();
                params.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the host
                secure.setSSLParameters(params);
                secure.setSoTimeout(timeoutMs);
                secure.startHandshake();
                secure.setSoTimeout(0);
            }
            Connection c = new Connection(socket, label, onBroken);
            Thread.ofPlatform().daemon().name("tmem-client-reader " + label).start(c::readLoop);
            success = true;
            return c;
        } finally {
            if (!success) {
                socket.close();
                plain.close();
            }
        }
    }

    /**
     * Sends one request; the answer completes the returned future (or it fails with a
     * {@link TmemUnavailableException} when the connection breaks first).
     *
     * @param lockTimeoutMs how long to wait for the turn to write; on expiry the connection is
     *     broken (the server stopped reading from it)
     * @throws TmemUnavailableException if the connection is broken
     */
    public CompletableFuture<Response> send(Op op, int flags, int pool, long oid0, long oid1, long oid2, int index,
            byte[] payload, long lockTimeoutMs) {
        checkOpen();
        byte[] frame = new byte[RequestLayout.HEADER_BYTES + payload.length];
        System.arraycopy(payload, 0, frame, RequestLayout.HEADER_BYTES, payload.length);
        CompletableFuture<Response> answer = new CompletableFuture<>();
        try {
            if (!writeLock.tryLock(lockTimeoutMs, TimeUnit.MILLISECONDS)) {
                fail(new TmemUnavailableException(label + ": could not send within " + lockTimeoutMs
                        + " ms (the server is not reading)"));
                checkOpen();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TmemUnavailableException(label + ": interrupted while waiting to send", e);
        }
        try {
            checkOpen();
            int tag = nextTag++;
            RequestEncoder.encodeHeader(
                    RequestHeader.of(op, flags, tag, pool, oid0, oid1, oid2, index, payload.length),
                    ByteBuffer.wrap(frame));
            pending.add(new Pending(tag, op, answer));
            out.write(frame);
            out.flush();
        } catch (IOException e) {
            fail(new TmemUnavailableException(label + ": connection lost while sending: " + e.getMessage(), e));
        } finally {
            writeLock.unlock();
        }
        if (failure != null) {
            drain(failure); // broken between our check and our add: the drain in fail may have missed it
        }
        return answer;
    }

    private void checkOpen() {
        TmemUnavailableException f = failure;
        if (f != null) {
            throw new TmemUnavailableException(f.getMessage(), f);
        }
    }

    /** Whether the connection has broken or been closed. */
    public boolean isBroken() {
        return failure != null;
    }

    private void readLoop() {
        byte[] header = new byte[ResponseLayout.HEADER_BYTES];
        Pending p = null;
        try {
            while (true) {
                readFully(header, ResponseLayout.HEADER_BYTES);
                ResponseHeader h = ResponseDecoder.decodeHeader(ByteBuffer.wrap(header));
                Violation v = ResponseDecoder.checkHeader(h);
                if (v != null) {
                    throw new IOException("malformed response: " + v);
                }
                byte[] payload = new byte[h.payloadLength()];
                readFully(payload, payload.length);
                p = pending.poll();
                if (p == null) {
                    throw new IOException("an answer (tag " + h.tag() + ") to no request");
                }
                if (p.tag != h.tag() || p.op.code() != h.op()) {
                    throw new IOException("answer tag " + h.tag() + " op " + h.op() + ", expected tag " + p.tag
                            + " op " + p.op.code() + " (answers must come in request order)");
                }
                p.answer.complete(new Response(p.op, h.statusCode(), h.value(), payload));
                p = null;
            }
        } catch (IOException | RuntimeException e) {
            String why = e instanceof EOFException ? "the server closed the connection" : e.toString();
            TmemUnavailableException cause = new TmemUnavailableException(label + ": connection lost: " + why, e);
            if (p != null) {
                p.answer.completeExceptionally(cause); // taken off the queue, so no drain will see it
            }
            if (fail(cause)) {
                onBroken.accept(this);
            }
        }
    }

    private void readFully(byte[] dst, int n) throws IOException {
        int done = 0;
        while (done < n) {
            int r = in.read(dst, done, n - done);
            if (r < 0) {
                throw new EOFException();
            }
            done += r;
        }
    }

    /**
     * Breaks the connection: closes the socket and fails every pending request with {@code cause}.
     *
     * @return {@code true} for the call that broke it, {@code false} if it was broken already
     */
    public boolean fail(TmemUnavailableException cause) {
        if (!closed.compareAndSet(false, true)) {
            return false;
        }
        failure = cause;
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing is all we want; the socket is unusable either way
        }
        drain(cause);
        return true;
    }

    private void drain(TmemUnavailableException cause) {
        for (Pending p; (p = pending.poll()) != null; ) {
            p.answer.completeExceptionally(cause);
        }
    }

    @Override
    public void close() {
        fail(new TmemUnavailableException(label + ": closed"));
    }

    @Override
    public String toString() {
        return "Connection[" + label + (failure != null ? ", broken" : "") + "]";
    }
}
