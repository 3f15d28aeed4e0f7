package dev.tmem.bench.server;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * memcached's text protocol for the load generator: {@code set k<key> 0 0 4096} with the value,
 * answered {@code STORED}; {@code get k<key>}, answered {@code VALUE ... END} or {@code END}.
 */
final class MemcachedWire implements Wire {

    private static final byte[] CRLF = {'\r', '\n'};

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final byte[] line = new byte[256];
    private final byte[] value = new byte[64 << 10];

    MemcachedWire(InetSocketAddress address) throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(address, 10_000);
        out = new BufferedOutputStream(socket.getOutputStream(), 128 << 10);
        in = new BufferedInputStream(socket.getInputStream(), 128 << 10);
    }

    @Override
    public void sendSet(long key, byte[] v) throws IOException {
        out.write(("set k" + key + " 0 0 " + v.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(v);
        out.write(CRLF);
    }

    @Override
    public void sendGet(long key) throws IOException {
        out.write(("get k" + key + "\r\n").getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public boolean readAnswer() throws IOException {
        String first = readLine();
        if (first.equals("STORED")) {
            return true;
        }
        if (first.equals("END")) {
            return false;
        }
        if (first.startsWith("VALUE ")) {
            int bytes = Integer.parseInt(first.substring(first.lastIndexOf(' ') + 1));
            readFully(value, bytes + 2); // the value and its CRLF
            String end = readLine();
            if (!end.equals("END")) {
                throw new IOException("memcached: expected END after a value, got '" + end + "'");
            }
            return true;
        }
        throw new IOException("memcached answered '" + first + "'");
    }

    private String readLine() throws IOException {
        int n = 0;
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) {
                throw new IOException("memcached closed the connection");
            }
            if (n < line.length) {
                line[n++] = (byte) b;
            }
        }
        if (n > 0 && line[n - 1] == '\r') {
            n--;
        }
        return new String(line, 0, n, StandardCharsets.US_ASCII);
    }

    private void readFully(byte[] dst, int n) throws IOException {
        for (int off = 0; off < n; ) {
            int r = in.read(dst, off, n - off);
            if (r < 0) {
                throw new IOException("memcached closed the connection");
            }
            off += r;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
