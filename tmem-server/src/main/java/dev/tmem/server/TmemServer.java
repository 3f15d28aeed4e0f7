package dev.tmem.server;

import dev.tmem.core.TmemEngine;
import dev.tmem.core.TmemStats;
import dev.tmem.server.internal.ClientRegistry;
import dev.tmem.server.internal.ConnectionHandler;
import dev.tmem.server.internal.Metrics;
import dev.tmem.server.internal.RequestProcessor;
import dev.tmem.server.internal.ServerCounters;
import dev.tmem.server.internal.Transports;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.Map;
import javax.management.JMException;
import javax.management.ObjectName;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running tmem server: one {@link TmemEngine} shared over the wire protocol by every client that
 * connects (PROTOCOL.md).
 *
 * <pre>{@code
 * try (TmemServer server = TmemServer.start(ServerConfig.builder().port(0).memoryBytes(64L << 20).build())) {
 *     System.out.println("listening on " + server.listeningOn());
 *     server.awaitClose();
 * }
 * }</pre>
 *
 * <p><b>Threading.</b> One acceptor thread and {@link ServerConfig#ioThreads()} event loops (Netty;
 * epoll where available). Each connection stays on one event loop, which decodes its frames, runs
 * each request on the engine and writes the answer, so answers leave in request order. Engine
 * operations are short (a page copy under a stripe lock); a DESTROY_POOL or FLUSH_OBJECT of a large
 * pool or object holds its event loop while it sweeps.
 *
 * <p><b>Memory.</b> Pages live in the engine's store, off-heap, within {@link ServerConfig#memoryBytes()}
 * plus the engine's per-page metadata; each connection adds a bounded buffer (see
 * {@code ConnectionHandler}): about 450 KiB at most, some KiB when idle.
 *
 * <p><b>Lifetime.</b> {@link #close()} stops accepting, closes every connection, stops the event loops
 * and then closes the engine, freeing all pages. It is idempotent and thread-safe.
 */
public final class TmemServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TmemServer.class);

    /** Unsent answers above which a connection stops reading; below the low mark it reads again. */
    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(64 << 10, 256 << 10);

    private final ServerConfig config;
    private final TmemEngine engine;
    private final ServerCounters counters;
    private final ClientRegistry registry;
    private final Transports transport;
    private final EventLoopGroup acceptor;
    private final EventLoopGroup workers;
    private final ChannelGroup channels;
    private final Channel serverChannel;
    /** The /metrics endpoint, or {@code null}; set once at start. */
    private Metrics metrics;
    /** The JMX name of {@link ServerAdminMXBean}, or {@code null}; set once at start. */
    private ObjectName adminName;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch terminated = new CountDownLatch(1);
    /** The status log's previous figures; confined to the one event loop that runs it. */
    private long lastPuts;
    private long lastGets;
    private long lastNanos = System.nanoTime();

    private TmemServer(ServerConfig config, TmemEngine engine, Transports transport, EventLoopGroup acceptor,
            EventLoopGroup workers, ServerCounters counters, ClientRegistry registry, ChannelGroup channels,
            Channel serverChannel) {
        this.channels = channels;
        this.config = config;
        this.engine = engine;
        this.transport = transport;
        this.acceptor = acceptor;
        this.workers = workers;
        this.counters = counters;
        this.registry = registry;
        this.serverChannel = serverChannel;
    }

    /**
     * Starts a server and returns once it accepts connections.
     *
     * @throws ServerStartException if the address is taken or cannot be bound, or the transport asked
     *     for is not available; nothing is left running
     */
    public static TmemServer start(ServerConfig config) throws ServerStartException {
        Transports transport;
        try {
            transport = Transports.choose(config.transport());
        } catch (IllegalStateException e) {
            throw new ServerStartException(e.getMessage(), e);
        }
        SslContext tls = config.tlsCert() == null ? null : tlsContext(config);
        TmemEngine engine = TmemEngine.builder()
                .store(config.createStore())
                .budgetBytes(config.memoryBytes())
                .maxPoolsPerClient(config.maxPoolsPerClient())
                .build();
        EventLoopGroup acceptor = transport.newGroup(1, "tmem-accept");
        EventLoopGroup workers = transport.newGroup(config.ioThreads(), "tmem-io");
        boolean success = false;
        try {
            ServerCounters counters = new ServerCounters();
            ClientRegistry registry = new ClientRegistry(engine, config.clientCaps(), config.clientWeights());
            RequestProcessor processor = new RequestProcessor(engine, registry, counters, config.token(), version());
            ChannelGroup channels = new DefaultChannelGroup("tmem-connections", GlobalEventExecutor.INSTANCE);
            ServerBootstrap b = new ServerBootstrap()
                    .group(acceptor, workers)
                    .channel(transport.serverChannel(config.unixPath() != null))
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            channels.add(ch);
                            if (tls != null) {
                                ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                            }
                            ch.pipeline().addLast(new ConnectionHandler(processor, registry, counters));
                        }
                    });
            if (config.unixPath() == null) {
                b.childOption(ChannelOption.TCP_NODELAY, true);
            }
            SocketAddress address = config.unixPath() != null ? transport.unixAddress(config.unixPath())
                    : new InetSocketAddress(config.host(), config.port());
            ChannelFuture bound = b.bind(address).awaitUninterruptibly();
            if (!bound.isSuccess()) {
                Throwable cause = bound.cause();
                throw new ServerStartException("cannot listen on " + config.describeAddress() + ": "
                        + (cause.getMessage() != null ? cause.getMessage() : cause.toString()), cause);
            }
            TmemServer server = new TmemServer(config, engine, transport, acceptor, workers, counters, registry,
                    channels, bound.channel());
            boolean started = false;
            try {
                if (config.metricsPort() >= 0) {
                    server.metrics = Metrics.start(config.metricsHost(), config.metricsPort(), engine, counters);
                }
                server.scheduleStatusLog();
                server.registerAdmin();
                started = true;
            } catch (IOException e) {
                throw new ServerStartException("cannot serve metrics on "
                        + formatHostPort(config.metricsHost(), config.metricsPort()) + ": " + e.getMessage(), e);
            } finally {
                if (!started) {
                    bound.channel().close().awaitUninterruptibly();
                }
            }
            success = true;
            return server;
        } finally {
            if (!success) {
                acceptor.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
                workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
                engine.close();
            }
        }
    }

    private static SslContext tlsContext(ServerConfig config) throws ServerStartException {
        try {
            return SslContextBuilder.forServer(config.tlsCert().toFile(), config.tlsKey().toFile()).build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new ServerStartException("cannot use TLS certificate " + config.tlsCert() + " and key "
                    + config.tlsKey() + ": " + e.getMessage(), e);
        }
    }

    /** The bound address: an {@link InetSocketAddress} (with the real port when 0 was asked) or a socket path. */
    public SocketAddress localAddress() {
        return serverChannel.localAddress();
    }

    /** {@code ADDR:PORT} for TCP ({@code [v6]:PORT} for IPv6), or the socket's path. */
    public String listeningOn() {
        if (config.unixPath() != null) {
            return config.unixPath().toString();
        }
        InetSocketAddress a = (InetSocketAddress) serverChannel.localAddress();
        String host = a.getAddress().getHostAddress();
        return (a.getAddress() instanceof Inet6Address ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    /** The port of the {@code /metrics} endpoint, or -1 if it has none. */
    public int metricsPort() {
        return metrics == null ? -1 : metrics.port();
    }

    /** "epoll" or "nio". */
    public String transportName() {
        return transport.name().toLowerCase(Locale.ROOT);
    }

    /** The engine's global counters. */
    public TmemStats stats() {
        return engine.stats();
    }

    /** The engine behind the server (for an admin interface); its lifetime is the server's. */
    public TmemEngine engine() {
        return engine;
    }

    public ServerConfig config() {
        return config;
    }

    /** Connections open now. */
    public long connections() {
        return counters.connectionsOpen();
    }

    /**
     * For tests: each open connection's {unsent answer bytes, received bytes not yet handled, 1 if
     * reading is paused else 0}, read on the connection's event loop.
     */
    java.util.List<long[]> connectionBuffers() throws Exception {
        java.util.List<long[]> all = new java.util.ArrayList<>();
        for (Channel ch : channels) {
            if (ch instanceof io.netty.channel.ServerChannel) {
                continue;
            }
            all.add(ch.eventLoop().submit(() -> {
                var out = ch.unsafe().outboundBuffer();
                ConnectionHandler h = ch.pipeline().get(ConnectionHandler.class);
                return new long[] {out == null ? 0 : out.totalPendingWriteBytes(),
                    h == null ? 0 : h.bufferedInputBytes(), ch.config().isAutoRead() ? 0 : 1};
            }).get());
        }
        return all;
    }

    /** Blocks until {@link #close()} has finished. */
    public void awaitClose() throws InterruptedException {
        terminated.await();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            awaitCloseUninterruptibly();
            return;
        }
        try {
            serverChannel.close().awaitUninterruptibly();
            if (metrics != null) {
                metrics.close();
            }
            unregisterAdmin();
            channels.close().awaitUninterruptibly();
            workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
            acceptor.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
            engine.close();
            if (config.unixPath() != null) {
                try {
                    Files.deleteIfExists(config.unixPath());
                } catch (IOException e) {
                    LOG.warn("could not remove {}: {}", config.unixPath(), e.toString());
                }
            }
        } finally {
            terminated.countDown();
        }
    }

    /** Sets the cap of client {@code name} in pages, now and when the name comes back. */
    public void setClientCap(String name, long pages) {
        registry.setCap(name, pages);
    }

    /** Lifts the cap of client {@code name}. */
    public void clearClientCap(String name) {
        registry.setCap(name, null);
    }

    /** Sets the weight of client {@code name} (>= 1), now and when the name comes back. */
    public void setClientWeight(String name, int weight) {
        registry.setWeight(name, weight);
    }

    /** The JMX name of this server's {@link ServerAdminMXBean}. */
    public ObjectName adminName() {
        return adminName;
    }

    private void registerAdmin() {
        try {
            ObjectName name = new ObjectName("dev.tmem:type=Server,address=" + ObjectName.quote(listeningOn()));
            ManagementFactory.getPlatformMBeanServer().registerMBean(new Admin(), name);
            adminName = name;
        } catch (JMException e) {
            LOG.warn("no JMX administration: {}", e.toString());
        }
    }

    private void unregisterAdmin() {
        if (adminName != null) {
            try {
                ManagementFactory.getPlatformMBeanServer().unregisterMBean(adminName);
            } catch (JMException e) {
                LOG.warn("could not unregister {}: {}", adminName, e.toString());
            }
        }
    }

    /** The MXBean: a view of this server. */
    private final class Admin implements ServerAdminMXBean {
        @Override
        public String getListeningOn() {
            return listeningOn();
        }

        @Override
        public String getStore() {
            return engine.store().name();
        }

        @Override
        public long getMemoryBytes() {
            return config.memoryBytes();
        }

        @Override
        public long getBytesUsed() {
            return engine.stats().bytesUsed();
        }

        @Override
        public long getBytesStored() {
            return engine.stats().bytesStored();
        }

        @Override
        public long getPages() {
            return engine.stats().pages();
        }

        @Override
        public int getClients() {
            return engine.stats().clients();
        }

        @Override
        public Map<String, Long> getClientCaps() {
            return registry.caps();
        }

        @Override
        public Map<String, Integer> getClientWeights() {
            return registry.weights();
        }

        @Override
        public void setClientCap(String name, long pages) {
            TmemServer.this.setClientCap(name, pages);
        }

        @Override
        public void clearClientCap(String name) {
            TmemServer.this.clearClientCap(name);
        }

        @Override
        public void setClientWeight(String name, int weight) {
            TmemServer.this.setClientWeight(name, weight);
        }
    }

    private void awaitCloseUninterruptibly() {
        boolean interrupted = false;
        while (true) {
            try {
                terminated.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void scheduleStatusLog() {
        long every = config.statusLogIntervalSeconds();
        if (every > 0) {
            workers.next().scheduleAtFixedRate(this::logStatus, every, every, TimeUnit.SECONDS);
        }
    }

    /** The periodic one-line log of the main figures (runs on one event loop only). */
    private void logStatus() {
        if (closed.get()) {
            return;
        }
        TmemStats s = engine.stats();
        long now = System.nanoTime();
        double secs = Math.max(1e-9, (now - lastNanos) / 1e9);
        long gets = s.succGets() + s.failedGets();
        LOG.info(String.format(Locale.ROOT,
                "clients %d (%d connected), connections %d, pools %d, pages %,d eph + %,d pers, used %s of %s,"
                        + " puts %.0f/s, gets %.0f/s (hits %d%%), evictions %,d, failed puts %,d",
                s.clients(), registry.connectedClients(), counters.connectionsOpen(), s.pools(), s.pagesEphemeral(),
                s.pagesPersistent(), ServerOptions.formatSize(s.bytesUsed()), ServerOptions.formatSize(s.bytesBudget()),
                (s.puts() - lastPuts) / secs, (gets - lastGets) / secs,
                gets == 0 ? 0 : 100 * s.succGets() / gets, s.evictions(), s.failedPuts()));
        lastPuts = s.puts();
        lastGets = gets;
        lastNanos = now;
    }

    /** The version of this build, from the jar manifest when packaged. */
    public static String version() {
        String v = TmemServer.class.getPackage() != null ? TmemServer.class.getPackage().getImplementationVersion() : null;
        return v != null ? v : "0.1.0-SNAPSHOT";
    }

    static String formatHostPort(String host, int port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
