package dev.tmem.client.internal;

import dev.tmem.client.TmemStatusException;
import dev.tmem.client.TmemUnavailableException;
import dev.tmem.client.internal.Connection.Response;
import dev.tmem.protocol.Hello;
import dev.tmem.protocol.Op;
import dev.tmem.protocol.Status;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;

/**
 * The link of one client to one server: a fixed number of {@link Connection}s, all logged in with
 * the same name, used round robin; dropped as a whole when one breaks or a call times out, and
 * opened again by the first call after {@code reconnectDelay}.
 *
 * <pre>
 *   UP(link, owner = null) --break / timeout / close--> DOWN(lastFailure, since)
 *     ^                                                    |  a call, delay passed: open, HELLO
 *     |   onReconnect done (owner = null)                  v
 *     +------------------------------------------- RESYNCING(link, owner = that thread)
 * </pre>
 *
 * <p><b>Concurrency.</b> {@code link} is volatile; a thread reads it once per call. Only the owner
 * may send on a link that is resyncing: other threads fail fast, so nothing reaches the server
 * before {@code onReconnect} (the client's pool check) is done. {@code reconnectLock} is taken
 * with {@code tryLock} by the reconnecting thread (others fail fast rather than queue) and by
 * {@link #ifSameGeneration}. A link's connections are failed outside any lock.
 */
public final class Session implements AutoCloseable {

    /** One generation of connections. */
    public static final class Link {
        private final Connection[] connections;
        private final long generation;
        private volatile Thread owner;

        private Link(Connection[] connections, long generation, Thread owner) {
            this.connections = connections;
            this.generation = generation;
            this.owner = owner;
        }
    }

    private final InetSocketAddress address;
    /** Null: plain TCP. */
    private final SSLContext tls;
    private final String clientName;
    private final byte[] token;
    private final long timeoutMs;
    private final int connectionCount;
    private final long reconnectDelayNanos;
    private final String label;
    private final Consumer<Link> onReconnect;

    private final ReentrantLock reconnectLock = new ReentrantLock();
    private final AtomicLong roundRobin = new AtomicLong();
    private final AtomicLong reconnects = new AtomicLong();
    private volatile Link link;
    /** Guarded by reconnectLock. */
    private long generations;
    private volatile long lastFailureNanos;
    private volatile RuntimeException lastFailure;
    private volatile boolean closed;
    private volatile String serverName = "";
    private volatile int clientNumber = -1;

    /**
     * @param onReconnect runs on the reconnecting thread after every reconnect (not the first
     *     connect), before other threads may send; it may send on the link it is given. If it throws,
     *     the link is dropped and the reconnect fails.
     */
    public Session(InetSocketAddress address, SSLContext tls, String clientName, byte[] token, long timeoutMs,
            int connections, long reconnectDelayNanos, String label, Consumer<Link> onReconnect) {
        this.address = address;
        this.tls = tls;
        this.clientName = clientName;
        this.token = token.clone();
        this.timeoutMs = timeoutMs;
        this.connectionCount = connections;
        this.reconnectDelayNanos = reconnectDelayNanos;
        this.label = label;
        this.onReconnect = onReconnect;
    }

    /**
     * The first connect.
     *
     * @throws TmemUnavailableException if the server cannot be reached or does not answer
     * @throws TmemStatusException if it refuses the HELLO
     */
    public void connect() {
        reconnect(true);
    }

    /** The link to send on, reconnecting first if it is down and the delay has passed. */
    public Link acquire() {
        if (closed) {
            throw new TmemUnavailableException(label + ": closed");
        }
        Link l = link;
        if (l != null) {
            Thread owner = l.owner;
            if (owner == null || owner == Thread.currentThread()) {
                return l;
            }
            throw new TmemUnavailableException(label + ": reconnecting to " + address);
        }
        return reconnect(false);
    }

    /** Sends a request on the next connection of {@code l}; a broken connection drops the link. */
    public CompletableFuture<Response> send(Link l, Op op, int flags, int pool, long oid0, long oid1, long oid2,
            long index, byte[] payload) {
        Connection c = l.connections[(int) Long.remainderUnsigned(roundRobin.getAndIncrement(), l.connections.length)];
        try {
            return c.send(op, flags, pool, oid0, oid1, oid2, (int) index, payload, timeoutMs);
        } catch (TmemUnavailableException e) {
            fail(l, e);
            throw e;
        }
    }

    /** Waits at most the timeout for an answer; a timeout or a broken connection drops the link. */
    public Response await(Link l, CompletableFuture<Response> answer) {
        try {
            return answer.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            TmemUnavailableException t = new TmemUnavailableException(label + ": no answer within " + timeoutMs
                    + " ms; dropping the connections");
            fail(l, t);
            throw t;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            fail(l, cause instanceof TmemUnavailableException u ? u
                    : new TmemUnavailableException(label + ": " + cause, cause));
            throw new TmemUnavailableException(cause.getMessage(), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TmemUnavailableException(label + ": interrupted while waiting for an answer", e);
        }
    }

    /**
     * Runs {@code action} under the reconnect lock if no reconnect has happened since {@code l} was
     * opened (so the server that answered on {@code l} is the one the next reconnect will check).
     *
     * @return whether it ran
     */
    public boolean ifSameGeneration(Link l, Runnable action) {
        reconnectLock.lock();
        try {
            if (generations != l.generation) {
                return false;
            }
            action.run();
            return true;
        } finally {
            reconnectLock.unlock();
        }
    }

    /** Drops {@code l} if it is still the link: closes its connections, failing their waiting calls. */
    public void fail(Link l, TmemUnavailableException cause) {
        synchronized (l) {
            if (link == l) {
                link = null;
                recordFailure(cause);
            }
        }
        for (Connection c : l.connections) {
            c.fail(cause);
        }
    }

    public boolean isConnected() {
        Link l = link;
        return l != null && l.owner == null;
    }

    public long reconnects() {
        return reconnects.get();
    }

    public String serverName() {
        return serverName;
    }

    public int clientNumber() {
        return clientNumber;
    }

    public String label() {
        return label;
    }

    @Override
    public void close() {
        closed = true;
        Link l = link;
        if (l != null) {
            fail(l, new TmemUnavailableException(label + ": closed"));
        }
    }

    private Link reconnect(boolean first) {
        if (!reconnectLock.tryLock()) {
            throw new TmemUnavailableException(label + ": reconnecting to " + address, lastFailure);
        }
        try {
            Link l = link;
            if (l != null) {
                return l; // another thread reconnected meanwhile (and has published: it held the lock)
            }
            if (closed) {
                throw new TmemUnavailableException(label + ": closed");
            }
            RuntimeException last = lastFailure;
            if (!first && last != null && System.nanoTime() - lastFailureNanos < reconnectDelayNanos) {
                throw new TmemUnavailableException(label + ": server unavailable (" + last.getMessage()
                        + "); next reconnect within " + TimeUnit.NANOSECONDS.toMillis(reconnectDelayNanos) + " ms", last);
            }
            Link nl;
            try {
                nl = new Link(openConnections(), ++generations, Thread.currentThread());
            } catch (RuntimeException e) {
                recordFailure(e);
                throw first || e instanceof TmemUnavailableException ? e
                        : new TmemUnavailableException(label + ": " + e.getMessage(), e);
            }
            link = nl;
            try {
                if (!first) {
                    onReconnect.accept(nl);
                    reconnects.incrementAndGet();
                }
            } catch (RuntimeException e) {
                fail(nl, e instanceof TmemUnavailableException u ? u
                        : new TmemUnavailableException(label + ": reconnect failed: " + e, e));
                throw e;
            } finally {
                nl.owner = null;
            }
            return nl;
        } finally {
            reconnectLock.unlock();
        }
    }

    /** Opens every connection and says HELLO on each (the HELLOs pipelined). Caller holds reconnectLock. */
    private Connection[] openConnections() {
        Connection[] cs = new Connection[connectionCount];
        boolean success = false;
        try {
            for (int i = 0; i < cs.length; i++) {
                try {
                    cs[i] = Connection.open(address, tls, (int) Math.min(Integer.MAX_VALUE, timeoutMs), label + "/" + i,
                            this::connectionBroken);
                } catch (IOException e) {
                    throw new TmemUnavailableException(label + ": cannot connect to " + address + ": " + e.getMessage(), e);
                }
            }
            byte[] hello = new Hello(Hello.VERSION, clientName, token).encodePayload();
            List<CompletableFuture<Response>> answers = new ArrayList<>();
            for (Connection c : cs) {
                answers.add(c.send(Op.HELLO, 0, 0, 0, 0, 0, 0, hello, timeoutMs));
            }
            for (CompletableFuture<Response> a : answers) {
                loggedIn(helloAnswer(a));
            }
            success = true;
            return cs;
        } finally {
            if (!success) {
                for (Connection c : cs) {
                    if (c != null) {
                        c.close();
                    }
                }
            }
        }
    }

    private Response helloAnswer(CompletableFuture<Response> a) {
        try {
            return a.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new TmemUnavailableException(label + ": no answer to HELLO within " + timeoutMs + " ms");
        } catch (ExecutionException e) {
            throw new TmemUnavailableException(label + ": HELLO failed: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TmemUnavailableException(label + ": interrupted during HELLO", e);
        }
    }

    private void loggedIn(Response r) {
        if (r.status() != Status.OK) {
            throw new TmemStatusException(Op.HELLO, r.status(), r.status() == Status.DENIED
                    ? "the server refused client " + clientName + " (wrong or missing token?)" : "");
        }
        clientNumber = r.value();
        serverName = new String(r.payload(), StandardCharsets.UTF_8);
    }

    private void connectionBroken(Connection c) {
        Link l = link;
        if (l != null) {
            for (Connection x : l.connections) {
                if (x == c) {
                    fail(l, new TmemUnavailableException(c + " broke"));
                    return;
                }
            }
        }
    }

    private void recordFailure(RuntimeException cause) {
        lastFailureNanos = System.nanoTime();
        lastFailure = cause;
    }
}
