package org.understudy.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Copies bytes from its channel to {@code peer}, untouched, with backpressure (reading pauses while the
 * peer cannot take more); closing either side closes the other, after what was already read is flushed to
 * it (for at most {@code closeGrace}); an idle event closes both.
 */
final class Relay extends ChannelInboundHandlerAdapter {

    private final Channel peer;
    private final AtomicLong bytes;
    private final Runnable onClose;
    private final Duration closeGrace;

    /**
     * @param bytes counts what this side sent to the peer
     * @param onClose called once when this side closes, on its event loop; must not throw
     * @param closeGrace how long the last bytes may take to reach a peer that is not reading
     */
    Relay(Channel peer, AtomicLong bytes, Runnable onClose, Duration closeGrace) {
        this.peer = peer;
        this.bytes = bytes;
        this.onClose = onClose;
        this.closeGrace = closeGrace;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf b) {
            bytes.addAndGet(b.readableBytes());
        }
        peer.writeAndFlush(msg).addListener(f -> {
            if (!f.isSuccess()) {
                ctx.close();
            }
        });
        if (!peer.isWritable()) {
            ctx.channel().config().setAutoRead(false);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // this side can take more: let the peer read again
        peer.config().setAutoRead(ctx.channel().isWritable());
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (peer.isActive()) {
            peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            peer.eventLoop().schedule(() -> peer.close(), closeGrace.toNanos(), TimeUnit.NANOSECONDS);
        }
        onClose.run();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent) {
            ctx.close(); // nothing moved either way for idleTimeout: a lost backend or a vanished device
        } else {
            ctx.fireUserEventTriggered(event);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
