package org.understudy.proxy;

import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The last handler of one connection to a backend, carrying one exchange at a time. A reply up to
 * {@code streamAbove} bytes is collected whole; a larger one (by its Content-Length, or once that many
 * bytes came) is handed on as a {@link ReplyStream} and relayed as it arrives. A reply that lets the
 * connection live on hands it back to the pool ({@code reusable}); anything else closes it. Every field
 * is touched on the channel's event loop only.
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
    private final int streamAbove;
    private CompletableFuture<BackendReply> current;
    private Runnable staleRetry;
    private boolean replyStarted;
    private HttpResponse head;
    private CompositeByteBuf body;
    private ReplyStream stream;

    private final BodyBudget budget;
    private final long keepUpTo;

    /** @param keepUpTo a streamed reply up to this size is also kept, for its flow (within {@code budget}) */
    BackendConnection(Consumer<Channel> reusable, int streamAbove, BodyBudget budget, long keepUpTo) {
        this.reusable = reusable;
        this.streamAbove = streamAbove;
        this.budget = budget;
        this.keepUpTo = keepUpTo;
    }

    /**
     * Sends {@code request} on {@code channel} (any thread); completes {@code reply}. {@code staleRetry}
     * (may be {@code null}) runs instead of failing when the connection was dead before answering.
     */
    void send(Channel channel, FullHttpRequest request, CompletableFuture<BackendReply> reply, Runnable staleRetry) {
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
            expect(channel, reply, staleRetry);
            channel.writeAndFlush(request).addListener(f -> {
                if (!f.isSuccess()) {
                    fail(f.cause());
                    channel.close();
                }
            });
        });
    }

    /** Makes {@code reply} the exchange this connection carries; on its event loop, before the request goes out. */
    void expect(Channel channel, CompletableFuture<BackendReply> reply, Runnable staleRetry) {
        current = reply;
        this.staleRetry = staleRetry;
        replyStarted = false;
        // a timeout completing the reply elsewhere leaves this connection mid-exchange: not reusable
        reply.whenComplete((r, t) -> {
            if (t != null) {
                channel.close();
            }
        });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpContent broken && broken.decoderResult().isFailure()) {
            // a body cut short (the backend closed early) or malformed: never passed on as complete
            broken.release();
            fail(new IOException("the backend's reply broke off: " + broken.decoderResult().cause()));
            ctx.close();
            return;
        }
        if (stream != null && msg instanceof HttpContent content) {
            ReplyStream s = stream;
            if (content instanceof LastHttpContent) {
                stream = null; // the stream decides, once the device has it all, whether the connection lives on
            }
            s.add(content);
            return;
        }
        if (current == null || msg instanceof HttpResponse r && r.decoderResult().isFailure()) {
            ReferenceCountUtil.release(msg);
            fail(new IOException("malformed or unexpected reply"));
            ctx.close();
            return;
        }
        if (msg instanceof HttpResponse response) {
            head = response;
            body = ctx.alloc().compositeBuffer(1024);
            if (HttpUtil.getContentLength(response, 0L) > streamAbove) {
                startStream(ctx);
            }
        }
        if (msg instanceof HttpContent content) {
            body.addComponent(true, content.content().retain());
            content.release();
            if (content instanceof LastHttpContent) {
                finishWhole(ctx);
            } else if (body.readableBytes() > streamAbove) {
                startStream(ctx);
            }
        }
    }

    private void finishWhole(ChannelHandlerContext ctx) {
        CompletableFuture<BackendReply> reply = current;
        DefaultFullHttpResponse whole = new DefaultFullHttpResponse(head.protocolVersion(), head.status(), body, head.headers(),
                io.netty.handler.codec.http.EmptyHttpHeaders.INSTANCE);
        boolean keep = HttpUtil.isKeepAlive(head);
        clear();
        // back in the pool before the reply is handed on: the next request may follow at once
        if (keep) {
            reusable.accept(ctx.channel());
        } else {
            ctx.close();
        }
        if (!reply.complete(new BackendReply.Whole(whole))) {
            whole.release();
        }
    }

    private void startStream(ChannelHandlerContext ctx) {
        CompletableFuture<BackendReply> reply = current;
        boolean keep = HttpUtil.isKeepAlive(head);
        Channel channel = ctx.channel();
        ReplyStream s = new ReplyStream(head, channel, budget, keepUpTo, complete -> {
            if (complete && keep) {
                reusable.accept(channel);
            } else {
                channel.close();
            }
        });
        if (body.isReadable()) {
            s.add(new DefaultHttpContent(body));
        } else {
            body.release();
        }
        body = null;
        current = null;
        staleRetry = null;
        stream = s;
        if (!reply.complete(new BackendReply.Streamed(s))) {
            s.fail(new IOException("nobody waits for this reply any more"));
        }
    }

    private void clear() {
        current = null;
        staleRetry = null;
        head = null;
        body = null;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        fail(new IOException("the backend closed the connection without a (whole) reply"));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(cause);
        ctx.close();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent && current == null && stream == null) {
            ctx.close(); // kept too long unused
        }
    }

    private void fail(Throwable cause) {
        if (stream != null) {
            ReplyStream s = stream;
            stream = null;
            s.fail(cause);
            return;
        }
        CompletableFuture<BackendReply> reply = current;
        Runnable retry = staleRetry;
        if (body != null) {
            body.release();
        }
        clear();
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
