package dev.tmem.client;

import dev.tmem.client.internal.Connection.Response;
import dev.tmem.client.internal.Json;
import dev.tmem.client.internal.Session;
import dev.tmem.client.internal.Session.Link;
import dev.tmem.core.ObjectId;
import dev.tmem.protocol.Flags;
import dev.tmem.protocol.Hello;
import dev.tmem.protocol.NewPool;
import dev.tmem.protocol.Op;
import dev.tmem.protocol.Status;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A Java client of the tmem server (PROTOCOL.md, version 1): {@link #newPool}, {@link #destroyPool},
 * {@link #putPage}, {@link #getPage}, {@link #flushPage}, {@link #flushObject}, {@link #stats},
 * {@link #ping}, over a small set of connections that all say HELLO with one client name, so they
 * share that client's pools. Named {@code RemoteTmem} to keep apart from the engine's
 * {@code dev.tmem.core.TmemClient}.
 *
 * <p><b>Why blocking sockets.</b> Each connection is a plain {@link java.net.Socket} with one reader
 * thread; callers write their frame under a lock and wait for their answer. The protocol answers in
 * request order, so matching is a FIFO and a tag check, and many threads pipeline on one connection
 * without any event loop. Netty would add a second threading model (and its native library) to
 * every program that embeds the frontends, for a client that keeps at most a handful of
 * connections; the server side, which has thousands, uses Netty.
 *
 * <p><b>Contract.</b> Every call waits at most the timeout for its answer. It throws
 * {@link TmemUnavailableException} when the server cannot be asked (unreachable, connection lost,
 * no answer in time, reconnecting); the request may then have taken effect or not. It throws
 * {@link TmemStatusException} when the server refused the request ({@code NO_POOL},
 * {@code BAD_REQUEST}, ...); the request then had no effect. A put that does not fit (NO_SPACE)
 * returns {@code false} and leaves nothing at its handle; a get that misses returns {@code false}.
 * Pages are copied both ways.
 *
 * <p><b>Reconnect.</b> The connections form one <i>link</i>. When any of them breaks or a call times
 * out, the whole link is dropped (the server is taken as gone), every waiting call fails at once,
 * and so does every call for {@code reconnectDelay} after. The first call after that reconnects:
 * it opens the connections again, says HELLO on each, then — before any other thread may send —
 * checks every pool it knows with a flush of the reserved handle ({@link #RESERVED_OID},
 * {@link #RESERVED_INDEX}): a pool the server still has (it was unreachable, not restarted) keeps
 * its id and pages; a pool it lost (a restarted server keeps nothing) is created again, empty, and
 * its {@link RemotePool} takes the new id. Destroys that could not be sent are sent then, and the
 * {@code onReconnect} hooks run. Only then do other threads' calls go through, so no request ever
 * carries a pool id from before a restart (which the new server may have given to another pool).
 *
 * <p><b>Concurrency.</b> Thread-safe. The link and its reconnect live in
 * {@code internal.Session}; this class keeps the pools it knows in a concurrent set, registers a
 * new pool only if no reconnect came between its NEW_POOL and its answer (so each reconnect checks
 * every pool that might be on the server), and rewrites pool ids only on the reconnecting thread,
 * before other threads may send.
 */
public final class RemoteTmem implements AutoCloseable {

    /** The object id no caller may put a page at: the reconnect probe flushes it. */
    public static final ObjectId RESERVED_OID = new ObjectId(-1L, -1L, -1L);
    /** The page index of the reserved handle. */
    public static final long RESERVED_INDEX = 0xFFFF_FFFFL;

    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final Session session;
    private final String clientName;
    private final long timeoutMs;
    private final List<Consumer<RemoteTmem>> onReconnect;
    private final Set<RemotePool> pools = ConcurrentHashMap.newKeySet();
    private final AtomicLong poolsRecreated = new AtomicLong();

    private RemoteTmem(Builder b) {
        this.clientName = b.client;
        this.timeoutMs = b.timeout.toMillis();
        this.onReconnect = List.copyOf(b.onReconnect);
        this.session = new Session(new InetSocketAddress(b.host, b.port), b.tls, b.client,
                b.token.getBytes(StandardCharsets.UTF_8), timeoutMs, b.connections, b.reconnectDelay.toNanos(),
                b.client + "@" + b.host + ":" + b.port + "#" + INSTANCES.incrementAndGet(), this::afterReconnect);
    }

    public static Builder builder() {
        return new Builder();
    }

    // ---- operations ------------------------------------------------------------------------------

    /**
     * Creates a private pool.
     *
     * @throws IllegalArgumentException if {@code pageSize} is not a power of two from 4096 to 65536
     * @throws TmemStatusException NO_SPACE when the server is at its limit on pools
     */
    public RemotePool newPool(boolean persistent, int pageSize) {
        return newPool(NewPool.ofPrivate(persistent, pageShift(pageSize)));
    }

    /** Attaches to (creating if need be) the shared ephemeral pool of {@code uuid}. */
    public RemotePool newSharedPool(UUID uuid, int pageSize) {
        return newPool(NewPool.ofShared(Objects.requireNonNull(uuid, "uuid"), pageShift(pageSize)));
    }

    private RemotePool newPool(NewPool spec) {
        Link l = session.acquire();
        Response r = call(l, Op.NEW_POOL, spec.flags(), null, null, 0, spec.encodePayload());
        expect(r, Status.OK, "");
        RemotePool pool = new RemotePool(spec.persistent(), spec.uuid(), spec.pageShift(), r.value());
        // registered unless a reconnect came since the request: the pool may be on a server we no
        // longer talk to (the next reconnect checks only the pools registered before it)
        if (!session.ifSameGeneration(l, () -> pools.add(pool))) {
            throw new TmemUnavailableException(session.label() + ": reconnected while NEW_POOL was answered; try again");
        }
        return pool;
    }

    /**
     * Destroys (detaches from) a pool. If the server cannot be reached, the destroy is sent at the
     * next reconnect and this throws {@link TmemUnavailableException}; the pool is unusable either way.
     *
     * @return pages removed
     */
    public long destroyPool(RemotePool pool) {
        checkLive(pool);
        pool.destroyed = true;
        try {
            Link l = session.acquire();
            Response r = call(l, Op.DESTROY_POOL, 0, pool, null, 0, new byte[0]);
            pools.remove(pool);
            if (r.status() == Status.NO_POOL) {
                return 0; // gone with a restart the client has not seen yet
            }
            expect(r, Status.OK, pool.toString());
            return r.value();
        } catch (TmemUnavailableException e) {
            pool.destroyPending = true;
            throw e;
        }
    }

    /**
     * Stores a copy of {@code page} (exactly the pool's page size) at the handle.
     *
     * @return {@code true} if stored, {@code false} on NO_SPACE (the handle then holds no page)
     * @throws IllegalArgumentException for a page of the wrong size, an index beyond 32 bits, or the
     *     reserved handle
     */
    public boolean putPage(RemotePool pool, ObjectId oid, long index, MemorySegment page) {
        checkLive(pool);
        checkIndex(index);
        if (page.byteSize() != pool.pageSize()) {
            throw new IllegalArgumentException("page of " + page.byteSize() + " bytes, the pool's pages are "
                    + pool.pageSize());
        }
        if (index == RESERVED_INDEX && RESERVED_OID.equals(oid)) {
            throw new IllegalArgumentException("the handle (" + RESERVED_OID + ", " + RESERVED_INDEX
                    + ") is reserved for the client's reconnect probe");
        }
        byte[] payload = page.toArray(ValueLayout.JAVA_BYTE);
        Link l = session.acquire();
        Response r = call(l, Op.PUT_PAGE, 0, pool, oid, index, payload);
        if (r.status() == Status.NO_SPACE) {
            return false;
        }
        expect(r, Status.OK, pool.toString());
        return true;
    }

    /**
     * Copies the page at the handle into {@code dst}. With {@code exclusive} a hit on a persistent
     * pool removes the page; a hit on a private ephemeral pool always does.
     *
     * @return {@code true} on a hit; on a miss {@code dst} is unchanged
     */
    public boolean getPage(RemotePool pool, ObjectId oid, long index, MemorySegment dst, boolean exclusive) {
        checkLive(pool);
        checkIndex(index);
        if (dst.byteSize() != pool.pageSize()) {
            throw new IllegalArgumentException("dst of " + dst.byteSize() + " bytes, the pool's pages are "
                    + pool.pageSize());
        }
        Link l = session.acquire();
        Response r = call(l, Op.GET_PAGE, exclusive ? Flags.EXCLUSIVE : 0, pool, oid, index, new byte[0]);
        if (r.status() == Status.MISS) {
            return false;
        }
        expect(r, Status.OK, pool.toString());
        if (r.payload().length != pool.pageSize()) {
            TmemUnavailableException e = new TmemUnavailableException(session.label() + ": GET_PAGE answered "
                    + r.payload().length + " bytes for a page of " + pool.pageSize() + "; dropping the connections");
            session.fail(l, e);
            throw e;
        }
        MemorySegment.copy(MemorySegment.ofArray(r.payload()), 0, dst, 0, dst.byteSize());
        return true;
    }

    /** Removes the page at the handle; returns 0 or 1. */
    public int flushPage(RemotePool pool, ObjectId oid, long index) {
        checkLive(pool);
        checkIndex(index);
        Link l = session.acquire();
        Response r = call(l, Op.FLUSH_PAGE, 0, pool, oid, index, new byte[0]);
        expect(r, Status.OK, pool.toString());
        return r.value();
    }

    /** Removes every page of the object; returns how many. */
    public long flushObject(RemotePool pool, ObjectId oid) {
        checkLive(pool);
        Link l = session.acquire();
        Response r = call(l, Op.FLUSH_OBJECT, 0, pool, oid, 0, new byte[0]);
        expect(r, Status.OK, pool.toString());
        return Integer.toUnsignedLong(r.value());
    }

    /** The server's counters and this client's own (STATS). */
    public RemoteStats stats() {
        Link l = session.acquire();
        Response r = call(l, Op.STATS, 0, null, null, 0, new byte[0]);
        expect(r, Status.OK, "");
        Map<String, Object> all = Json.parseObject(new String(r.payload(), StandardCharsets.UTF_8));
        @SuppressWarnings("unchecked")
        Map<String, Object> client = all.get("client") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        return new RemoteStats(all, client);
    }

    /** Sends {@code bytes} (at most 4096) and returns the server's echo. */
    public byte[] ping(byte[] bytes) {
        if (bytes.length > Op.MAX_PING_PAYLOAD) {
            throw new IllegalArgumentException("a PING carries at most " + Op.MAX_PING_PAYLOAD + " bytes, not " + bytes.length);
        }
        Link l = session.acquire();
        Response r = call(l, Op.PING, 0, null, null, 0, bytes.clone());
        expect(r, Status.OK, "");
        return r.payload();
    }

    // ---- state -----------------------------------------------------------------------------------

    /** Whether the connections are up now (no call is needed to know it). */
    public boolean isConnected() {
        return session.isConnected();
    }

    /** Times the client reconnected after losing the server. */
    public long reconnects() {
        return session.reconnects();
    }

    /** Pools created again after reconnecting to a server that had lost them. */
    public long poolsRecreated() {
        return poolsRecreated.get();
    }

    /** The server's name and version from the last HELLO. */
    public String serverName() {
        return session.serverName();
    }

    /** The client number the server gave this client's name at the last HELLO. */
    public int clientNumber() {
        return session.clientNumber();
    }

    public String clientName() {
        return clientName;
    }

    public long timeoutMillis() {
        return timeoutMs;
    }

    /** Closes every connection; later calls throw {@link TmemUnavailableException}. Pools stay on the server. */
    @Override
    public void close() {
        session.close();
    }

    @Override
    public String toString() {
        return "RemoteTmem[" + session.label() + (isConnected() ? "" : ", disconnected") + "]";
    }

    // ---- sending and waiting ---------------------------------------------------------------------

    private Response call(Link l, Op op, int flags, RemotePool pool, ObjectId oid, long index, byte[] payload) {
        return session.await(l, send(l, op, flags, pool, oid, index, payload));
    }

    private CompletableFuture<Response> send(Link l, Op op, int flags, RemotePool pool, ObjectId oid, long index,
            byte[] payload) {
        // the pool's id is read here, on a link that has been checked against the server's pools
        return session.send(l, op, flags, pool == null ? 0 : pool.id(),
                oid == null ? 0 : oid.w0(), oid == null ? 0 : oid.w1(), oid == null ? 0 : oid.w2(), index, payload);
    }

    private static void expect(Response r, Status expected, String what) {
        if (r.status() != expected) {
            throw new TmemStatusException(r.op(), r.status(), what);
        }
    }

    /**
     * Brings the pools the client knows in line with the server after a reconnect: sends the destroys
     * that could not be sent, and creates again the pools the server has lost. Every pool is probed
     * before anything is created, since a pool created now may take an id a lost pool had. Caller
     * owns {@code l}.
     */
    private void afterReconnect(Link l) {
        resync(l);
        for (Consumer<RemoteTmem> hook : onReconnect) {
            hook.accept(this);
        }
    }

    private void resync(Link l) {
        List<RemotePool> known = List.copyOf(pools);
        List<CompletableFuture<Response>> probes = new ArrayList<>();
        for (RemotePool pool : known) {
            probes.add(send(l, Op.FLUSH_PAGE, 0, pool, RESERVED_OID, RESERVED_INDEX, new byte[0]));
        }
        List<RemotePool> lost = new ArrayList<>();
        for (int i = 0; i < known.size(); i++) {
            RemotePool pool = known.get(i);
            Response probe = session.await(l, probes.get(i));
            if (probe.status() == Status.OK) {
                if (pool.destroyPending) {
                    expect(call(l, Op.DESTROY_POOL, 0, pool, null, 0, new byte[0]), Status.OK, pool.toString());
                    pools.remove(pool);
                }
                continue;
            }
            expect(probe, Status.NO_POOL, pool.toString());
            if (pool.destroyPending) {
                pools.remove(pool); // gone with the server
            } else {
                lost.add(pool);
            }
        }
        for (RemotePool pool : lost) {
            NewPool spec = pool.shared() ? NewPool.ofShared(pool.sharedUuid(), pool.pageShift())
                    : NewPool.ofPrivate(pool.persistent(), pool.pageShift());
            Response r = call(l, Op.NEW_POOL, spec.flags(), null, null, 0, spec.encodePayload());
            expect(r, Status.OK, "recreating " + pool);
            pool.id(r.value());
            poolsRecreated.incrementAndGet();
        }
    }

    // ---- checks ----------------------------------------------------------------------------------

    private static void checkLive(RemotePool pool) {
        Objects.requireNonNull(pool, "pool");
        if (pool.destroyed) {
            throw new IllegalStateException(pool + " is destroyed");
        }
    }

    private static void checkIndex(long index) {
        if (index < 0 || index > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("page index " + index + " is not an unsigned 32-bit number");
        }
    }

    private static int pageShift(int pageSize) {
        if (pageSize < 4096 || pageSize > 65536 || Integer.bitCount(pageSize) != 1) {
            throw new IllegalArgumentException("page size " + pageSize + " is not a power of two from 4096 to 65536");
        }
        return Integer.numberOfTrailingZeros(pageSize);
    }

    /** How to reach the server, and as whom. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port = 7420;
        private String client = "java";
        private String token = "";
        private Duration timeout = Duration.ofSeconds(2);
        private int connections = 2;
        private Duration reconnectDelay = Duration.ofMillis(200);
        private SSLContext tls;
        private final List<Consumer<RemoteTmem>> onReconnect = new ArrayList<>();

        private Builder() {}

        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        public Builder port(int port) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port must be 1..65535, was " + port);
            }
            this.port = port;
            return this;
        }

        /** The client name: 1 to 64 bytes of UTF-8. Connections with one name share its pools. */
        public Builder client(String name) {
            int n = name.getBytes(StandardCharsets.UTF_8).length;
            if (n < 1 || n > Hello.MAX_NAME_BYTES) {
                throw new IllegalArgumentException("client name must be 1 to " + Hello.MAX_NAME_BYTES
                        + " bytes of UTF-8, was " + n + " bytes");
            }
            this.client = name;
            return this;
        }

        /** The server's token; empty (the default) when it has none. */
        public Builder token(String token) {
            if (token.getBytes(StandardCharsets.UTF_8).length > 0xFFFF) {
                throw new IllegalArgumentException("token longer than 65535 bytes");
            }
            this.token = token;
            return this;
        }

        /** The longest a call waits for its answer (and a connect for the server). */
        public Builder timeout(Duration timeout) {
            if (timeout.toMillis() < 1) {
                throw new IllegalArgumentException("timeout must be at least 1 ms, was " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /** How many connections calls are spread over (round robin). */
        public Builder connections(int n) {
            if (n < 1 || n > 64) {
                throw new IllegalArgumentException("connections must be 1..64, was " + n);
            }
            this.connections = n;
            return this;
        }

        /** After losing the server, calls fail at once for this long before one tries to reconnect. */
        public Builder reconnectDelay(Duration delay) {
            if (delay.isNegative()) {
                throw new IllegalArgumentException("reconnect delay must not be negative, was " + delay);
            }
            this.reconnectDelay = delay;
            return this;
        }

        /**
         * Speaks TLS to a server started with {@code --tls-cert/--tls-key}, with {@code context}'s trust
         * managers; the server's certificate must also name the host (as HTTPS checks it). Null: plain
         * TCP (the default).
         */
        public Builder tls(SSLContext context) {
            this.tls = context;
            return this;
        }

        /**
         * Speaks TLS, trusting only the certificates in the PEM file {@code certificates} (the
         * server's own self-signed certificate, or the authority that signed it).
         *
         * @throws IllegalArgumentException if the file cannot be read or holds no certificate
         */
        public Builder tlsTrusting(Path certificates) {
            return tls(trusting(certificates));
        }

        private static SSLContext trusting(Path certificates) {
            Objects.requireNonNull(certificates, "certificates");
            try (InputStream in = Files.newInputStream(certificates)) {
                Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
                if (certs.isEmpty()) {
                    throw new IllegalArgumentException("no certificate in " + certificates);
                }
                KeyStore trusted = KeyStore.getInstance("PKCS12");
                trusted.load(null, null);
                int i = 0;
                for (Certificate c : certs) {
                    trusted.setCertificateEntry("tmem-" + i++, c);
                }
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(trusted);
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, tmf.getTrustManagers(), null);
                return context;
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalArgumentException("cannot read TLS certificates from " + certificates + ": "
                        + e.getMessage(), e);
            }
        }

        /**
         * Runs {@code hook} after each reconnect, once the pools are checked and before other threads'
         * calls go through; the hook may call this client. A hook that throws fails the reconnect.
         */
        public Builder onReconnect(Consumer<RemoteTmem> hook) {
            onReconnect.add(Objects.requireNonNull(hook, "hook"));
            return this;
        }

        /**
         * Connects and says HELLO on every connection.
         *
         * @throws TmemUnavailableException if the server cannot be reached or does not answer
         * @throws TmemStatusException if it refuses the HELLO (DENIED: a wrong token)
         */
        public RemoteTmem connect() {
            RemoteTmem t = new RemoteTmem(this);
            t.session.connect();
            return t;
        }
    }
}
