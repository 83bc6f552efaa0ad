package org.understudy.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The last handler of one connection to a backend, carrying one exchange at a time. A reply that lets
 * the connection live on hands it back to the pool ({@code reusable}); anything else closes it. Every
 * field is touched on the channel's event loop only.
 *
 * <p>A kept connection may have been closed by the backend just as it is reused. When it fails before
 * a single reply byte arrived, the request was not answered and {@code staleRetry} sends it once more
 * on a fresh connection; once reply bytes arrived, the failure is the exchange's.
 */
final class BackendConnection extends ChannelInboundHandlerAdapter {

    /** Sits first in the pipeline and notes that reply bytes arrived. */
    final ChannelInboundHandlerAdapter byteWatch = new ChannelInboundHandlerAdapter() {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            replyStarted = true;
            ctx.fireChannelRead(msg);
        }
    };

    private final Consumer<Channel> reusable;
    private CompletableFuture<FullHttpResponse> current;
    private Runnable staleRetry;
    private boolean replyStarted;

    BackendConnection(Consumer<Channel> reusable) {
        this.reusable = reusable;
    }

    /**
     * Sends {@code request} on {@code channel} (any thread); completes {@code reply}. {@code staleRetry}
     * (may be {@code null}) runs instead of failing when the connection was dead before answering.
     */
    void send(Channel channel, FullHttpRequest request, CompletableFuture<FullHttpResponse> reply, Runnable staleRetry) {
        channel.eventLoop().execute(() -> {
            if (reply.isDone() || !channel.isActive()) {
                request.release();
                if (!reply.isDone() && staleRetry != null) {
                    staleRetry.run();
                } else {
                    reply.completeExceptionally(new IOException("the backend connection closed"));
                }
                channel.close();
                return;
            }
            current = reply;
            this.staleRetry = staleRetry;
            replyStarted = false;
            // a timeout completing the reply elsewhere leaves this connection mid-exchange: not reusable
            reply.whenComplete((r, t) -> {
                if (t != null) {
                    channel.close();
                }
            });
            channel.writeAndFlush(request).addListener(f -> {
                if (!f.isSuccess()) {
                    fail(f.cause());
                    channel.close();
                }
            });
        });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpResponse response)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        try {
            CompletableFuture<FullHttpResponse> reply = current;
            current = null;
            staleRetry = null;
            if (reply == null || response.decoderResult().isFailure()) {
                if (reply != null) {
                    reply.completeExceptionally(new IOException("malformed reply: " + response.decoderResult().cause()));
                }
                ctx.close();
                return;
            }
            // back in the pool before the reply is handed on: the next request may follow at once
            if (HttpUtil.isKeepAlive(response)) {
                reusable.accept(ctx.channel());
            } else {
                ctx.close();
            }
            FullHttpResponse handed = response.retainedDuplicate();
            if (!reply.complete(handed)) {
                handed.release();
            }
        } finally {
            response.release();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        fail(new IOException("the backend closed the connection without a reply"));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(cause);
        ctx.close();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent && current == null) {
            ctx.close(); // kept too long unused
        }
    }

    private void fail(Throwable cause) {
        CompletableFuture<FullHttpResponse> reply = current;
        Runnable retry = staleRetry;
        current = null;
        staleRetry = null;
        if (reply == null) {
            return;
        }
        if (retry != null && !replyStarted && !reply.isDone()) {
            retry.run();
        } else {
            reply.completeExceptionally(cause);
        }
    }
}
