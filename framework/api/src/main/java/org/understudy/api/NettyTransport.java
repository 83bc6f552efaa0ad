package org.understudy.api;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;

/**
 * The runtime's shared Netty event loops. The runtime creates them on first use and shuts them down
 * when it stops; plugins must never shut them down nor create their own. Channels a plugin opens are
 * the plugin's: close them in {@link Plugin#stop} or register them with {@link PluginContext#own}.
 * Handlers run on the event loops and must never block.
 */
public interface NettyTransport {

    /** The shared event loop group (one loop per core). */
    EventLoopGroup eventLoops();

    /** The UDP channel class that matches {@link #eventLoops()}. */
    Class<? extends DatagramChannel> datagramChannelType();

    /** The TCP server channel class that matches {@link #eventLoops()}. */
    Class<? extends ServerSocketChannel> serverChannelType();

    /** The TCP client channel class that matches {@link #eventLoops()}. */
    Class<? extends SocketChannel> socketChannelType();

    /**
     * Whether the event loops use the platform's native transport (Linux epoll) rather than NIO. Channel
     * options of the native transport ({@code io.netty.channel.unix.UnixChannelOption},
     * {@code io.netty.channel.epoll.EpollChannelOption}) apply only then; with NIO use
     * {@code io.netty.channel.socket.nio.NioChannelOption}.
     */
    boolean nativeTransport();
}
