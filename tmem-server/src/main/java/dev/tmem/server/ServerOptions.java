package dev.tmem.server;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The server's command-line flags (PROTOCOL.md, "Server command line", and a few more), as a picocli
 * mixin shared by {@code tmem server} and {@link ServerMain}; and {@link #serve}, which runs the
 * server until SIGTERM.
 *
 * <p>Exit status: 0 after SIGTERM, 2 for a bad flag, a non-loopback address without a token, or an
 * address that cannot be bound (a port taken), 1 if the server fails otherwise.
 */
public final class ServerOptions {

    /** The one-line summary of the command, for {@code --help} and command lists. */
    public static final String SUMMARY = "Runs a tmem server: processes share one memory over the wire protocol.";

    /** The rest of the command's description, for {@code --help}. */
    public static final String DETAILS = "Clients say HELLO with a name; connections with the same name share that"
            + " client's pools. Pages live off-heap within --memory; ephemeral pages are evicted when it is full,"
            + " persistent pages never (PROTOCOL.md, SEMANTICS.md).%n"
            + "Prints a line with 'listening on ADDR:PORT' once it accepts connections; stops cleanly on SIGTERM.";

    /** The exit codes, for {@code --help}. */
    public static final String EXIT_CODES_HEADING = "%nExit codes:%n";

    /** Flags at their defaults; picocli fills them in. */
    public ServerOptions() {}

    @Option(names = "--host", paramLabel = "ADDR", defaultValue = ServerConfig.DEFAULT_HOST,
            description = "Address to listen on (default: ${DEFAULT-VALUE}). A non-loopback address needs --token.")
    String host;

    @Option(names = "--port", paramLabel = "N", defaultValue = "" + ServerConfig.DEFAULT_PORT,
            description = "TCP port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = "--unix", paramLabel = "PATH",
            description = "Listen on this Unix domain socket instead of TCP.")
    Path unix;

    @Option(names = "--memory", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "Memory budget for pages, and the limit of all the store holds: bytes, or with a k, m"
                    + " or g suffix (KiB, MiB, GiB) (default: a quarter of the machine's memory).")
    Long memory;

    @Option(names = "--store", paramLabel = "KIND", defaultValue = "zcache", converter = StoreConverter.class,
            description = "Page store: zcache (compressed, the default) or raw.")
    ServerConfig.Store store;

    @Option(names = "--zcache", paramLabel = "KEY=VALUE",
            description = "A zcache parameter, repeatable: codec=lz4|zstd|deflate|none (default lz4), level=N"
                    + " (zstd 1..22, deflate 0..9), reject_threshold_percent=P (default 87.5).")
    Map<String, String> zcache = new LinkedHashMap<>();

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "Token every HELLO must carry (default: none; any token is accepted).")
    String token;

    @Option(names = "--client-cap", paramLabel = "NAME=PAGES", mapFallbackValue = Option.NULL_VALUE,
            description = "Cap on the pages client NAME may hold (repeatable; default: no cap).")
    Map<String, Long> clientCaps = new LinkedHashMap<>();

    @Option(names = "--client-weight", paramLabel = "NAME=W",
            description = "Weight of client NAME in eviction (repeatable; default: 1).")
    Map<String, Integer> clientWeights = new LinkedHashMap<>();

    @Option(names = "--config", paramLabel = "FILE",
            description = "Client caps, weights and zcache parameters as a properties file: lines"
                    + " 'cap.NAME=PAGES', 'weight.NAME=W' and 'zcache.KEY=VALUE'. Flags win over the file.")
    Path configFile;

    @Option(names = "--transport", paramLabel = "KIND", defaultValue = "auto", converter = TransportConverter.class,
            description = "auto, epoll or nio (default: ${DEFAULT-VALUE}: epoll where available).")
    ServerConfig.Transport transport;

    @Option(names = "--io-threads", paramLabel = "N", defaultValue = "0",
            description = "Event-loop threads (default: 0, twice the cores).")
    int ioThreads;

    @Option(names = "--status-interval", paramLabel = "SECONDS", defaultValue = "60",
            description = "Seconds between one-line status logs; 0 for none (default: ${DEFAULT-VALUE}).")
    long statusInterval;

    @Option(names = "--metrics-port", paramLabel = "N",
            description = "Serve Prometheus metrics on http://METRICS-HOST:N/metrics (default: off).")
    Integer metricsPort;

    @Option(names = "--metrics-host", paramLabel = "ADDR", defaultValue = ServerConfig.DEFAULT_HOST,
            description = "Address of the metrics endpoint (default: ${DEFAULT-VALUE}).")
    String metricsHost;

    @Option(names = "--tls-cert", paramLabel = "PEM",
            description = "Serve TLS only, with this certificate chain (PEM); needs --tls-key.")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", description = "The TLS private key (PEM, PKCS#8).")
    Path tlsKey;

    /**
     * The configuration these flags describe.
     *
     * @throws IllegalArgumentException naming the flag that is wrong
     */
    public ServerConfig toConfig() {
        ServerConfig.Builder b = ServerConfig.builder();
        b.store(store);
        b.host(host).port(port).unixPath(unix).token(token).transport(transport).ioThreads(ioThreads)
                .statusLogIntervalSeconds(statusInterval);
        if (memory != null) {
            b.memoryBytes(memory);
        }
        b.tls(tlsCert, tlsKey);
        if (metricsPort != null) {
            b.metricsPort(metricsPort).metricsHost(metricsHost);
        }
        if (configFile != null) {
            readConfigFile(configFile, b);
        }
        zcache.forEach(b::zcacheParam); // after the file: flags win
        clientCaps.forEach((name, cap) -> {
            if (cap == null) {
                throw new IllegalArgumentException("--client-cap needs NAME=PAGES, got '" + name + "'");
            }
            b.clientCap(name, cap);
        });
        clientWeights.forEach(b::clientWeight);
        return b.build();
    }

    /**
     * Starts the server, prints the {@code listening on} line to {@code out}, and blocks until
     * SIGTERM (or another JVM shutdown), which closes the server and ends the JVM with status 0.
     *
     * @return 2 if the flags are bad or the address cannot be bound (the reason printed to {@code err})
     */
    public int serve(CommandSpec spec, PrintStream out, PrintStream err) throws InterruptedException {
        ServerConfig config;
        try {
            config = toConfig();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        TmemServer server;
        try {
            server = TmemServer.start(config);
        } catch (ServerStartException e) {
            err.println("tmem server: " + e.getMessage());
            err.flush();
            return 2;
        }
        Thread hook = new Thread(() -> {
            server.close();
            out.println("tmem server: stopped");
            out.flush();
            err.flush();
            // SIGTERM is the normal way to stop a server: exit 0, not the JVM's 143
            Runtime.getRuntime().halt(0);
        }, "tmem-server-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        out.printf(Locale.ROOT, "tmem server %s: listening on %s (%s, store %s, memory %s%s%s)%n",
                TmemServer.version(), server.listeningOn(), server.transportName(), server.engine().store().name(),
                formatSize(config.memoryBytes()),
                (config.hasToken() ? ", token required" : "") + (config.tlsCert() != null ? ", TLS" : ""),
                server.metricsPort() >= 0 ? ", metrics on http://" + TmemServer.formatHostPort(config.metricsHost(),
                        server.metricsPort()) + "/metrics" : "");
        out.flush();
        server.awaitClose();
        return 0;
    }

    static void readConfigFile(Path file, ServerConfig.Builder b) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        } catch (IOException e) {
            throw new IllegalArgumentException("--config " + file + ": " + e.getMessage(), e);
        }
        for (String key : p.stringPropertyNames()) {
            String value = p.getProperty(key).trim();
            try {
                if (key.startsWith("cap.")) {
                    b.clientCap(key.substring(4), Long.parseLong(value));
                } else if (key.startsWith("weight.")) {
                    b.clientWeight(key.substring(7), Integer.parseInt(value));
                } else if (key.startsWith("zcache.")) {
                    b.zcacheParam(key.substring(7), value);
                } else {
                    throw new IllegalArgumentException(
                            "unknown key '" + key + "' (expected cap.NAME, weight.NAME or zcache.KEY)");
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--config " + file + ": " + key + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Parses a SIZE: a number of bytes with an optional k, m or g suffix (KiB, MiB, GiB), case
     * ignored.
     *
     * @throws IllegalArgumentException if it is malformed, not positive, or above 2^63 - 1 bytes
     */
    public static long parseSize(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        int shift = -1;
        if (!s.isEmpty()) {
            switch (s.charAt(s.length() - 1)) {
                case 'k' -> shift = 10;
                case 'm' -> shift = 20;
                case 'g' -> shift = 30;
                default -> shift = -1;
            }
        }
        String digits = shift >= 0 ? s.substring(0, s.length() - 1) : s;
        if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("'" + text + "' is not a size: expected bytes with an optional"
                    + " k, m or g suffix, e.g. 512m");
        }
        long n;
        try {
            n = Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is too large", e);
        }
        int bits = Math.max(shift, 0);
        if (n > (Long.MAX_VALUE >> bits)) {
            throw new IllegalArgumentException("'" + text + "' is too large");
        }
        if (n == 0) {
            throw new IllegalArgumentException("'" + text + "': the size must be more than 0");
        }
        return n << bits;
    }

    /** A byte count for people: "512 MiB", "1.5 GiB", "700 B". */
    public static String formatSize(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? bytes + " B"
                : (v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f %s", v, units[u])
                        : String.format(Locale.ROOT, "%.1f %s", v, units[u]));
    }

    /** picocli converter for SIZE. */
    static final class SizeConverter implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            return parseSize(value);
        }
    }

    /** picocli converter for the store kind, case ignored. */
    static final class StoreConverter implements ITypeConverter<ServerConfig.Store> {
        @Override
        public ServerConfig.Store convert(String value) {
            try {
                return ServerConfig.Store.valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + value + "' is not a store: expected zcache or raw");
            }
        }
    }

    /** picocli converter for the transport, case ignored. */
    static final class TransportConverter implements ITypeConverter<ServerConfig.Transport> {
        @Override
        public ServerConfig.Transport convert(String value) {
            try {
                return ServerConfig.Transport.valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + value + "' is not a transport: expected auto, epoll or nio");
            }
        }
    }
}
