package dev.tmem.server.internal;

import dev.tmem.server.ServerConfig;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;

/** The Netty transports the server runs on: Linux epoll (native) or java.nio. */
public enum Transports {
    EPOLL,
    NIO;

    /**
     * The transport for a configured choice: AUTO takes epoll when Netty's native library loads.
     *
     * @throws IllegalStateException if EPOLL is asked for and not available, with Netty's reason
     */
    public static Transports choose(ServerConfig.Transport wanted) {
        return switch (wanted) {
            case NIO -> NIO;
            case AUTO -> Epoll.isAvailable() ? EPOLL : NIO;
            case EPOLL -> {
                if (!Epoll.isAvailable()) {
                    throw new IllegalStateException("the epoll transport is not available: "
                            + Epoll.unavailabilityCause());
                }
                yield EPOLL;
            }
        };
    }

    /** An event-loop group of {@code threads} threads (0: Netty's default, twice the cores). */
    public EventLoopGroup newGroup(int threads, String name) {
        IoHandlerFactory factory = this == EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true), factory);
    }

    public Class<? extends ServerChannel> serverChannel(boolean unix) {
        if (this == EPOLL) {
            return unix ? EpollServerDomainSocketChannel.class : EpollServerSocketChannel.class;
        }
        return unix ? NioServerDomainSocketChannel.class : NioServerSocketChannel.class;
    }

    public SocketAddress unixAddress(Path path) {
        return this == EPOLL ? new DomainSocketAddress(path.toFile()) : UnixDomainSocketAddress.of(path);
    }
}
