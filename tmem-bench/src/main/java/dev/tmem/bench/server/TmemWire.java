package dev.tmem.bench.server;

import dev.tmem.protocol.Hello;
import dev.tmem.protocol.NewPool;
import dev.tmem.protocol.Op;
import dev.tmem.protocol.RequestEncoder;
import dev.tmem.protocol.RequestHeader;
import dev.tmem.protocol.RequestLayout;
import dev.tmem.protocol.ResponseLayout;
import dev.tmem.protocol.Status;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.UUID;

/**
 * The tmem wire protocol (PROTOCOL.md) for the load generator: a set is a PUT_PAGE of the 4 KiB
 * value at (pool, oid = key, index 0), a get a GET_PAGE there. Every connection says HELLO with the
 * same client name, so they share the pool the first one made.
 */
final class TmemWire implements Wire {

    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;
    private final ByteBuffer header = ByteBuffer.allocate(RequestLayout.HEADER_BYTES);
    private final byte[] payload = new byte[64 << 10];
    private final int pool;

    private TmemWire(Socket socket, int pool) throws IOException {
        this.socket = socket;
        this.out = new BufferedOutputStream(socket.getOutputStream(), 128 << 10);
        this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 128 << 10));
        this.pool = pool;
    }

    /**
     * Connects as {@code client} and makes a shared ephemeral pool of 4 KiB pages; returns its id. A
     * shared pool because its gets behave as memcached's do: a hit leaves the page (and refreshes it
     * in the LRU), where a hit on a private ephemeral pool takes the page (cleancache's exclusive gets).
     */
    static int newPool(InetSocketAddress address, String client) throws IOException {
        try (TmemWire w = connect(address, client, 0)) {
            NewPool spec = NewPool.ofShared(new UUID(0x7e6d, 0xbe7c), 12);
            byte[] p = spec.encodePayload();
            w.send(RequestHeader.of(Op.NEW_POOL, spec.flags(), 1, p.length), p);
            w.flush();
            return w.answerValue();
        }
    }

    /** A connection as {@code client} (HELLO answered) working on {@code pool}. */
    static TmemWire connect(InetSocketAddress address, String client, int pool) throws IOException {
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.connect(address, 10_000);
        TmemWire w = new TmemWire(s, pool);
        byte[] hello = Hello.of(client, "").encodePayload(); // no token: the server under test needs none
        w.send(RequestHeader.of(Op.HELLO, 0, 0, hello.length), hello);
        w.flush();
        w.answerValue();
        return w;
    }

    @Override
    public void sendSet(long key, byte[] value) throws IOException {
        send(RequestHeader.of(Op.PUT_PAGE, 0, 0, pool, key, 0, 0, 0, value.length), value);
    }

    @Override
    public void sendGet(long key) throws IOException {
        send(RequestHeader.of(Op.GET_PAGE, 0, 0, pool, key, 0, 0, 0, 0), null);
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public boolean readAnswer() throws IOException {
        int length = in.readInt();
        in.readByte(); // op
        int status = in.readUnsignedByte();
        in.readShort();
        in.readInt(); // tag
        in.readInt(); // value
        int body = length - (ResponseLayout.HEADER_BYTES - ResponseLayout.LENGTH_FIELD_BYTES);
        if (body > 0) {
            in.readFully(payload, 0, body);
        }
        if (status == Status.MISS.code()) {
            return false;
        }
        if (status != Status.OK.code()) {
            throw new IOException("tmem server answered " + Status.of(status));
        }
        return true;
    }

    private int answerValue() throws IOException {
        int length = in.readInt();
        in.readByte();
        int status = in.readUnsignedByte();
        in.readShort();
        in.readInt();
        int value = in.readInt();
        in.readFully(payload, 0, length - (ResponseLayout.HEADER_BYTES - ResponseLayout.LENGTH_FIELD_BYTES));
        if (status != Status.OK.code()) {
            throw new IOException("tmem server answered " + Status.of(status));
        }
        return value;
    }

    private void send(RequestHeader h, byte[] body) throws IOException {
        header.clear();
        RequestEncoder.encodeHeader(h, header);
        out.write(header.array(), 0, RequestLayout.HEADER_BYTES);
        if (body != null) {
            out.write(body);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
