package dev.tmem.server;

import dev.tmem.core.spi.PageStore;
import dev.tmem.core.store.OffHeapPageStore;
import dev.tmem.zcache.ZcacheConfig;
import dev.tmem.zcache.ZcachePageStore;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Everything a {@link TmemServer} needs to start; immutable. Build one with {@link #builder()}; the
 * command line ({@link ServerOptions}) builds one from flags.
 *
 * <p><b>Store.</b> {@link #createStore()} makes the engine's page store once, at start: by default
 * zcache with lz4 ({@link Store#ZCACHE}), whose own pool limit is {@code --memory}, which stores
 * incompressible pages raw (never refuses them) and keeps same-filled pages in their handles; or the
 * raw off-heap store ({@link Store#RAW}); or whatever a {@link Builder#storeFactory} makes. zcache's
 * other parameters ({@link ZcacheConfig#KEYS}: codec, level, reject threshold) come from
 * {@link Builder#zcacheParam}.
 *
 * <p><b>Budget.</b> {@code --memory} is both the engine's budget (what pages are charged: their
 * compressed size rounded to the store's unit, plus a fixed overhead) and zcache's own limit (what it
 * holds in all, free space in its chunks and metadata included). Whichever binds first, a put evicts
 * ephemeral pages to make room, and gets NO_SPACE only when that cannot.
 */
public final class ServerConfig {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 7420;
    /** The page stores the server can make by name. */
    public enum Store {
        /** zcache (tmem-zcache): compressed, lz4 unless {@code --zcache codec=...}. The default. */
        ZCACHE,
        /** The raw off-heap store of tmem-core: pages kept as they are. */
        RAW
    }

    /** Which Netty transport carries connections. */
    public enum Transport {
        /** epoll where Netty's native library loads (Linux), NIO elsewhere. */
        AUTO,
        /** Linux epoll; fails at start where it is not available. */
        EPOLL,
        /** java.nio selectors: everywhere. */
        NIO
    }

    private final String host;
    private final int port;
    private final Path unixPath;
    private final long memoryBytes;
    private final byte[] token;
    private final Map<String, Long> clientCaps;
    private final Map<String, Integer> clientWeights;
    private final Supplier<PageStore> storeFactory;
    private final Store store;
    private final ZcacheConfig zcacheConfig;
    private final Transport transport;
    private final int ioThreads;
    private final int maxPoolsPerClient;
    private final long statusLogIntervalSeconds;
    private final int metricsPort;
    private final String metricsHost;
    private final Path tlsCert;
    private final Path tlsKey;

    private ServerConfig(Builder b) {
        this.host = b.host;
        this.port = b.port;
        this.unixPath = b.unixPath;
        this.memoryBytes = b.memoryBytes;
        this.token = b.token;
        this.clientCaps = Map.copyOf(b.clientCaps);
        this.clientWeights = Map.copyOf(b.clientWeights);
        this.storeFactory = b.storeFactory;
        this.store = b.store;
        this.zcacheConfig = b.store == Store.ZCACHE && b.storeFactory == null ? zcacheConfig(b) : null;
        this.transport = b.transport;
        this.ioThreads = b.ioThreads;
        this.maxPoolsPerClient = b.maxPoolsPerClient;
        this.statusLogIntervalSeconds = b.statusLogIntervalSeconds;
        this.metricsPort = b.metricsPort;
        this.metricsHost = b.metricsHost;
        this.tlsCert = b.tlsCert;
        this.tlsKey = b.tlsKey;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The TCP address to listen on (unused with {@link #unixPath()}). */
    public String host() {
        return host;
    }

    /** The TCP port; 0 picks a free one ({@link TmemServer#localAddress()} tells which). */
    public int port() {
        return port;
    }

    /** The Unix domain socket to listen on instead of TCP, or {@code null}. */
    public Path unixPath() {
        return unixPath;
    }

    /** The engine's memory budget in bytes. */
    public long memoryBytes() {
        return memoryBytes;
    }

    /** Whether HELLO must carry a token; without one any token is accepted. */
    public boolean hasToken() {
        return token != null;
    }

    /** A copy of the token, or {@code null}. */
    public byte[] token() {
        return token == null ? null : token.clone();
    }

    /** Page caps by client name, applied when the client first appears. */
    public Map<String, Long> clientCaps() {
        return clientCaps;
    }

    /** Weights by client name (default 1), applied when the client first appears. */
    public Map<String, Integer> clientWeights() {
        return clientWeights;
    }

    /** A new page store as configured (see the class comment); the engine owns and closes it. */
    public PageStore createStore() {
        if (storeFactory != null) {
            return storeFactory.get();
        }
        return store == Store.RAW ? new OffHeapPageStore() : new ZcachePageStore(zcacheConfig);
    }

    /** The store named by {@code --store}; {@code null} when a {@link Builder#storeFactory} makes it. */
    public Store store() {
        return storeFactory == null ? store : null;
    }

    /** zcache's parameters when the store is zcache, else {@code null}. */
    public ZcacheConfig zcacheConfig() {
        return zcacheConfig;
    }

    private static ZcacheConfig zcacheConfig(Builder b) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("max_pool_bytes", Long.toString(b.memoryBytes));
        params.put("incompressible", "raw");
        params.put("accept_threshold_percent", "100"); // the engine evicts; no hysteresis under it
        for (var e : b.zcacheParams.entrySet()) {
            if (e.getKey().startsWith("max_pool_") || e.getKey().equals("incompressible")
                    || e.getKey().equals("accept_threshold_percent")) {
                throw new IllegalArgumentException("zcache parameter " + e.getKey() + " is set by the server ("
                        + "--memory is the store's limit; incompressible pages are kept raw); set codec, level or"
                        + " reject_threshold_percent");
            }
            params.put(e.getKey(), e.getValue());
        }
        return ZcacheConfig.parse(params);
    }

    public Transport transport() {
        return transport;
    }

    /** Event-loop threads for connections; 0 lets Netty choose (twice the cores). */
    public int ioThreads() {
        return ioThreads;
    }

    public int maxPoolsPerClient() {
        return maxPoolsPerClient;
    }

    /** Seconds between the one-line status logs; 0 for none. */
    public long statusLogIntervalSeconds() {
        return statusLogIntervalSeconds;
    }

    /** The port of the Prometheus {@code /metrics} endpoint (0: any free port), or -1 for none. */
    public int metricsPort() {
        return metricsPort;
    }

    /** The address the {@code /metrics} endpoint listens on. */
    public String metricsHost() {
        return metricsHost;
    }

    /** The PEM certificate chain for TLS, or {@code null} for plain connections. */
    public Path tlsCert() {
        return tlsCert;
    }

    /** The PEM (PKCS#8) private key for TLS, or {@code null}. */
    public Path tlsKey() {
        return tlsKey;
    }

    /** "127.0.0.1:7420" or the socket path, for messages. */
    public String describeAddress() {
        return unixPath != null ? unixPath.toString() : TmemServer.formatHostPort(host, port);
    }

    /** Configures a {@link ServerConfig}; {@link #build()} checks the whole. */
    public static final class Builder {
        private String host = DEFAULT_HOST;
        private int port = DEFAULT_PORT;
        private Path unixPath;
        private long memoryBytes = defaultMemoryBytes();
        private byte[] token;
        private final Map<String, Long> clientCaps = new LinkedHashMap<>();
        private final Map<String, Integer> clientWeights = new LinkedHashMap<>();
        private Supplier<PageStore> storeFactory;
        private Store store = Store.ZCACHE;
        private final Map<String, String> zcacheParams = new LinkedHashMap<>();
        private Transport transport = Transport.AUTO;
        private int ioThreads;
        private int maxPoolsPerClient = 1024;
        private long statusLogIntervalSeconds;
        private int metricsPort = -1;
        private String metricsHost = DEFAULT_HOST;
        private Path tlsCert;
        private Path tlsKey;

        private Builder() {}

        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0 to 65535, was " + port);
            }
            this.port = port;
            return this;
        }

        public Builder unixPath(Path unixPath) {
            this.unixPath = unixPath;
            return this;
        }

        public Builder memoryBytes(long memoryBytes) {
            if (memoryBytes <= 0) {
                throw new IllegalArgumentException("memory must be > 0 bytes, was " + memoryBytes);
            }
            this.memoryBytes = memoryBytes;
            return this;
        }

        /** The token HELLO must carry, as UTF-8; {@code null} for none. */
        public Builder token(String token) {
            if (token != null && token.isEmpty()) {
                throw new IllegalArgumentException("token must not be empty");
            }
            this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
            return this;
        }

        public Builder clientCap(String name, long capPages) {
            checkName(name);
            if (capPages < 0) {
                throw new IllegalArgumentException("cap of client '" + name + "' must be >= 0 pages, was " + capPages);
            }
            clientCaps.put(name, capPages);
            return this;
        }

        public Builder clientWeight(String name, int weight) {
            checkName(name);
            if (weight < 1) {
                throw new IllegalArgumentException("weight of client '" + name + "' must be >= 1, was " + weight);
            }
            clientWeights.put(name, weight);
            return this;
        }

        /** Makes the page store at start instead of {@link #store}; the engine owns and closes it. */
        public Builder storeFactory(Supplier<PageStore> storeFactory) {
            this.storeFactory = Objects.requireNonNull(storeFactory, "storeFactory");
            return this;
        }

        /** The page store to make: zcache (the default) or raw. */
        public Builder store(Store store) {
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        /** A zcache parameter ({@code codec=zstd}, {@code level=5}, ...); checked by {@link #build}. */
        public Builder zcacheParam(String key, String value) {
            zcacheParams.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        public Builder transport(Transport transport) {
            this.transport = Objects.requireNonNull(transport, "transport");
            return this;
        }

        public Builder ioThreads(int ioThreads) {
            if (ioThreads < 0) {
                throw new IllegalArgumentException("ioThreads must be >= 0, was " + ioThreads);
            }
            this.ioThreads = ioThreads;
            return this;
        }

        public Builder maxPoolsPerClient(int maxPoolsPerClient) {
            if (maxPoolsPerClient < 1) {
                throw new IllegalArgumentException("maxPoolsPerClient must be >= 1, was " + maxPoolsPerClient);
            }
            this.maxPoolsPerClient = maxPoolsPerClient;
            return this;
        }

        public Builder statusLogIntervalSeconds(long seconds) {
            if (seconds < 0) {
                throw new IllegalArgumentException("status log interval must be >= 0 s, was " + seconds);
            }
            this.statusLogIntervalSeconds = seconds;
            return this;
        }

        /** Serves Prometheus metrics on {@code /metrics} at this port (0: any free port; -1: none). */
        public Builder metricsPort(int metricsPort) {
            if (metricsPort < -1 || metricsPort > 65535) {
                throw new IllegalArgumentException("metrics port must be 0 to 65535, was " + metricsPort);
            }
            this.metricsPort = metricsPort;
            return this;
        }

        /** The address of the {@code /metrics} endpoint; default 127.0.0.1. */
        public Builder metricsHost(String metricsHost) {
            this.metricsHost = Objects.requireNonNull(metricsHost, "metricsHost");
            return this;
        }

        /**
         * Serves TLS only, with this PEM certificate chain and PEM (PKCS#8) private key; both or
         * neither.
         */
        public Builder tls(Path certChain, Path privateKey) {
            this.tlsCert = certChain;
            this.tlsKey = privateKey;
            return this;
        }

        /**
         * @throws IllegalArgumentException if the server would listen on a non-loopback address
         *     without a token, or the host does not resolve
         */
        public ServerConfig build() {
            if ((tlsCert == null) != (tlsKey == null)) {
                throw new IllegalArgumentException("TLS needs both a certificate (--tls-cert) and a key (--tls-key)");
            }
            if (unixPath == null && token == null) {
                InetAddress address;
                try {
                    address = InetAddress.getByName(host);
                } catch (UnknownHostException e) {
                    throw new IllegalArgumentException("unknown host '" + host + "'", e);
                }
                if (!address.isLoopbackAddress()) {
                    throw new IllegalArgumentException("refusing to listen on " + host
                            + ", which is not a loopback address, without a token: set --token");
                }
            }
            if (!zcacheParams.isEmpty() && (store != Store.ZCACHE || storeFactory != null)) {
                throw new IllegalArgumentException("--zcache parameters need --store zcache");
            }
            return new ServerConfig(this);
        }

        private static void checkName(String name) {
            int bytes = Objects.requireNonNull(name, "name").getBytes(StandardCharsets.UTF_8).length;
            if (bytes < 1 || bytes > 64) {
                throw new IllegalArgumentException("client name must be 1 to 64 bytes of UTF-8, '" + name + "' is "
                        + bytes);
            }
        }
    }

    /** A quarter of the machine's memory (of the container's, where the JVM sees a limit). */
    public static long defaultMemoryBytes() {
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean();
        return Math.max(1L << 20, os.getTotalMemorySize() / 4);
    }
}
