package dev.tmem.server.internal;

import dev.tmem.core.TmemEngine;
import dev.tmem.core.TmemStats;
import dev.tmem.protocol.Rule;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.util.Locale;
import java.util.function.ToLongFunction;

/**
 * The Prometheus {@code /metrics} endpoint: the STATS counters as counters and gauges, read from the
 * engine and the server's counters at each scrape (callbacks; nothing is updated on the request
 * path). Served by the JDK's HTTP server on its own thread, apart from the event loops.
 */
public final class Metrics implements AutoCloseable {

    private final HTTPServer http;

    private Metrics(HTTPServer http) {
        this.http = http;
    }

    /**
     * Registers the metrics in a registry of their own and serves them on {@code host:port}
     * ({@code port} 0 picks a free one).
     */
    public static Metrics start(String host, int port, TmemEngine engine, ServerCounters counters)
            throws IOException {
        PrometheusRegistry registry = new PrometheusRegistry();
        counter(registry, "tmem_puts", "PUT_PAGE requests that stored a page", engine, TmemStats::puts);
        counter(registry, "tmem_failed_puts", "PUT_PAGE requests refused with NO_SPACE", engine, TmemStats::failedPuts);
        counter(registry, "tmem_succ_gets", "GET_PAGE hits", engine, TmemStats::succGets);
        counter(registry, "tmem_failed_gets", "GET_PAGE misses", engine, TmemStats::failedGets);
        counter(registry, "tmem_flushes", "FLUSH_PAGE and FLUSH_OBJECT requests answered OK", engine,
                TmemStats::flushes);
        counter(registry, "tmem_evictions", "ephemeral pages evicted to make room", engine, TmemStats::evictions);
        gauge(registry, "tmem_bytes_stored", "bytes of page data held, after compression", engine,
                TmemStats::bytesStored);
        gauge(registry, "tmem_bytes_used", "memory charged against the budget", engine, TmemStats::bytesUsed);
        gauge(registry, "tmem_bytes_budget", "the memory budget", engine, TmemStats::bytesBudget);
        gauge(registry, "tmem_clients", "client names known (with a connection or something stored)", engine,
                TmemStats::clients);
        gauge(registry, "tmem_pools", "pools that exist (a shared pool counts once)", engine, TmemStats::pools);
        GaugeWithCallback.builder().name("tmem_pages").help("pages held, by pool kind").labelNames("kind")
                .callback(cb -> {
                    TmemStats s = engine.stats();
                    cb.call(s.pagesEphemeral(), "ephemeral");
                    cb.call(s.pagesPersistent(), "persistent");
                })
                .register(registry);
        GaugeWithCallback.builder().name("tmem_connections").help("connections open")
                .callback(cb -> cb.call(counters.connectionsOpen())).register(registry);
        CounterWithCallback.builder().name("tmem_connections_opened").help("connections accepted")
                .callback(cb -> cb.call(counters.connectionsOpened())).register(registry);
        CounterWithCallback.builder().name("tmem_requests").help("requests answered (TOO_LARGE frames excluded)")
                .callback(cb -> cb.call(counters.requests())).register(registry);
        CounterWithCallback.builder().name("tmem_internal_errors").help("requests answered INTERNAL")
                .callback(cb -> cb.call(counters.internalErrors())).register(registry);
        CounterWithCallback.builder().name("tmem_rejects").help("requests refused, by the rule they broke")
                .labelNames("rule")
                .callback(cb -> {
                    for (Rule r : Rule.values()) {
                        if (!r.name().startsWith("RESPONSE_")) {
                            cb.call(counters.rejects(r), r.name().toLowerCase(Locale.ROOT));
                        }
                    }
                })
                .register(registry);
        HTTPServer http = HTTPServer.builder().hostname(host).port(port).registry(registry).buildAndStart();
        return new Metrics(http);
    }

    private static void counter(PrometheusRegistry registry, String name, String help, TmemEngine engine,
            ToLongFunction<TmemStats> value) {
        CounterWithCallback.builder().name(name).help(help)
                .callback(cb -> cb.call(value.applyAsLong(engine.stats()))).register(registry);
    }

    private static void gauge(PrometheusRegistry registry, String name, String help, TmemEngine engine,
            ToLongFunction<TmemStats> value) {
        GaugeWithCallback.builder().name(name).help(help)
                .callback(cb -> cb.call(value.applyAsLong(engine.stats()))).register(registry);
    }

    /** The port the endpoint listens on. */
    public int port() {
        return http.getPort();
    }

    @Override
    public void close() {
        http.close();
    }
}
