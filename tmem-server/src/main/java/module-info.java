/**
 * The tmem server: many processes share one {@link dev.tmem.core.TmemEngine} over the wire protocol
 * of {@code dev.tmem.protocol}. Start one with {@link dev.tmem.server.TmemServer#start}, or from the
 * command line with {@link dev.tmem.server.ServerMain} ({@code tmem server}).
 */
module dev.tmem.server {
    requires transitive dev.tmem.core;
    requires dev.tmem.protocol;
    requires dev.tmem.zcache;
    requires io.netty.buffer;
    requires io.netty.codec;
    requires io.netty.common;
    requires io.netty.handler;
    requires io.netty.transport;
    requires io.netty.transport.classes.epoll;
    requires io.netty.transport.unix.common;
    requires transitive info.picocli; // ServerOptions is a picocli mixin
    requires io.prometheus.metrics.core;
    requires io.prometheus.metrics.exporter.httpserver;
    requires io.prometheus.metrics.model;
    requires org.slf4j;
    requires jdk.management;
    requires java.management;

    exports dev.tmem.server;

    // picocli fills the option fields of ServerOptions and ServerMain by reflection
    opens dev.tmem.server to info.picocli;
}
