package org.understudy.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Copies bytes from its channel to {@code peer}, untouched, with backpressure (reading pauses while the
 * peer cannot take more); closing either side closes the other.
 */
final class Relay extends ChannelInboundHandlerAdapter {

    private final Channel peer;
    private final AtomicLong bytes;
    private final Runnable onClose;

    /**
     * @param bytes counts what this side sent to the peer
     * @param onClose called once when this side closes
     */
    Relay(Channel peer, AtomicLong bytes, Runnable onClose) {
        this.peer = peer;
        this.bytes = bytes;
        this.onClose = onClose;
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
        onClose.run();
        if (peer.isActive()) {
            peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
