package org.understudy.dns;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One TCP connection (RFC 7766): length-prefixed queries, answered as they complete, closed when there are
 * already {@code maxConnections} (the idle timeout is Netty's ReadTimeoutHandler ahead of it).
 */
final class TcpQueryHandler extends SimpleChannelInboundHandler<ByteBuf> {

    private final QueryProcessor processor;
    private final AtomicInteger connections;
    private final int maxConnections;

    TcpQueryHandler(QueryProcessor processor, AtomicInteger connections, int maxConnections) {
        this.processor = processor;
        this.connections = connections;
        this.maxConnections = maxConnections;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (connections.incrementAndGet() > maxConnections) {
            ctx.close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        connections.decrementAndGet();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
        byte[] query = new byte[frame.readableBytes()];
        frame.readBytes(query);
        InetSocketAddress client = (InetSocketAddress) ctx.channel().remoteAddress();
        InetSocketAddress local = (InetSocketAddress) ctx.channel().localAddress();
        processor.process(query, client, local.getAddress(), true,
                response -> ctx.writeAndFlush(Unpooled.wrappedBuffer(response), ctx.voidPromise()));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close(); // a broken frame, a reset or the idle timeout: this connection is done, the server is not
    }
}
