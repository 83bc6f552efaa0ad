package org.understudy.core.testing;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.concurrent.TimeUnit;
import org.understudy.api.NettyTransport;

/**
 * The runtime's {@link NettyTransport} for a unit test that needs real event loops without the runtime: NIO loops of
 * its own, shut down by {@link #close()}.
 */
public final class NioTransport implements NettyTransport, AutoCloseable {

    private final EventLoopGroup loops;

    public NioTransport(int threads) {
        this.loops = new NioEventLoopGroup(threads);
    }

    @Override
    public EventLoopGroup eventLoops() {
        return loops;
    }

    @Override
    public Class<? extends DatagramChannel> datagramChannelType() {
        return NioDatagramChannel.class;
    }

    @Override
    public Class<? extends ServerSocketChannel> serverChannelType() {
        return NioServerSocketChannel.class;
    }

    @Override
    public Class<? extends SocketChannel> socketChannelType() {
        return NioSocketChannel.class;
    }

    @Override
    public boolean nativeTransport() {
        return false;
    }

    @Override
    public void close() {
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
