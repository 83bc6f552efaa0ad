package org.understudy.dns;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One TCP connection (RFC 7766): length-prefixed queries, answered as they complete, closed when idle
 * for {@code idleTimeout} or when there are already {@code maxConnections}.
 */
final class TcpQueryHandler extends SimpleChannelInboundHandler<ByteBuf> {

    private final QueryProcessor processor;
    private final AtomicInteger connections;
    private final int maxConnections;
    private final Duration idleTimeout;
    private ScheduledFuture<?> idle;

    TcpQueryHandler(QueryProcessor processor, AtomicInteger connections, int maxConnections, Duration idleTimeout) {
        this.processor = processor;
        this.connections = connections;
        this.maxConnections = maxConnections;
        this.idleTimeout = idleTimeout;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (connections.incrementAndGet() > maxConnections) {
            ctx.close();
            return;
        }
        armIdle(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        connections.decrementAndGet();
        if (idle != null) {
            idle.cancel(false);
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
        armIdle(ctx);
        byte[] query = new byte[frame.readableBytes()];
        frame.readBytes(query);
        InetSocketAddress client = (InetSocketAddress) ctx.channel().remoteAddress();
        InetSocketAddress local = (InetSocketAddress) ctx.channel().localAddress();
        processor.process(query, client, local.getAddress(), true,
                response -> ctx.writeAndFlush(Unpooled.wrappedBuffer(response), ctx.voidPromise()));
    }

    private void armIdle(ChannelHandlerContext ctx) {
        if (idle != null) {
            idle.cancel(false);
        }
        idle = ctx.executor().schedule(() -> {
            ctx.close();
        }, idleTimeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close(); // a broken frame or a reset: this connection is done, the server is not
    }
}
