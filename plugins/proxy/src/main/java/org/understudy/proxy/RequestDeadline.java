package org.understudy.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * How long one request may take to arrive, so that a client sending a byte now and then cannot hold a
 * connection for ever (it is never idle): the request line and headers must be complete within
 * {@code requestHeaderTimeout} of their first byte, and the body must then arrive at no less than
 * {@code minRequestBodyRate} bytes per second on average, the first {@code requestHeaderTimeout} free. A
 * request that misses either is answered 408 and its connection closed. It also tells
 * {@link ConnectionLimits} when a connection waits for a request (evictable) and when it is busy.
 *
 * <p>One instance per connection, on its event loop: {@link #raw} sits before the protocol decoder (it sees
 * the first byte of a request), {@link #decoded} after the HTTP codec (it sees the head, the body and the
 * end of the reply). A TLS connection uses {@link #raw} only and is {@link #done} once its SNI was read.
 */
final class RequestDeadline {

    private static final long RATE_CHECK_NANOS = TimeUnit.SECONDS.toNanos(1);

    private enum State { WAITING, HEAD, BODY, ANSWERING }

    private final ConnectionLimits.Tracked tracked;
    private final long headerNanos;
    private final long minBytesPerSecond;
    private final Consumer<ChannelHandlerContext> timedOut;
    private final LongAdder timeouts;
    private State state = State.WAITING;
    private ScheduledFuture<?> timer;
    private long bodyStart;
    private long bodyBytes;

    /**
     * @param tracked the connection's admission, told when it waits and when it is busy
     * @param timedOut answers a request that took too long and closes the channel
     * @param timeouts counts them
     */
    RequestDeadline(ConnectionLimits.Tracked tracked, Duration header, long minBytesPerSecond,
                    Consumer<ChannelHandlerContext> timedOut, LongAdder timeouts) {
        this.tracked = tracked;
        this.headerNanos = header.toNanos();
        this.minBytesPerSecond = minBytesPerSecond;
        this.timedOut = timedOut;
        this.timeouts = timeouts;
    }

    /** Before the decoder: the first byte of a request starts the header deadline. */
    final ChannelInboundHandlerAdapter raw = new ChannelInboundHandlerAdapter() {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (state == State.WAITING && msg instanceof ByteBuf b && b.isReadable()) {
                state = State.HEAD;
                cancel();
                timer = ctx.executor().schedule(() -> expire(ctx, State.HEAD), headerNanos, TimeUnit.NANOSECONDS);
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            cancel();
            super.channelInactive(ctx);
        }
    };

    /** After the HTTP codec: the head ends the header deadline, the body is held to its rate, a reply re-arms. */
    final ChannelDuplexHandler decoded = new ChannelDuplexHandler() {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest) {
                cancel();
                tracked.busy();
                state = State.BODY;
                bodyStart = System.nanoTime();
                bodyBytes = 0;
                if (!(msg instanceof LastHttpContent)) {
                    timer = ctx.executor().scheduleAtFixedRate(() -> checkRate(ctx), RATE_CHECK_NANOS, RATE_CHECK_NANOS,
                            TimeUnit.NANOSECONDS);
                }
            }
            if (msg instanceof HttpContent part && state == State.BODY) {
                bodyBytes += part.content().readableBytes();
                if (msg instanceof LastHttpContent) {
                    cancel();
                    state = State.ANSWERING;
                }
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (msg instanceof LastHttpContent) {
                // the reply is complete: the connection waits for its next request (if it stays open)
                promise = promise.unvoid();
                promise.addListener(f -> {
                    if (state == State.ANSWERING || state == State.BODY) {
                        cancel();
                        state = State.WAITING;
                        tracked.waiting();
                    }
                });
            }
            ctx.write(msg, promise);
        }
    };

    /** The connection no longer carries requests (a spliced TLS connection): no deadline, never evicted. */
    void done() {
        cancel();
        state = State.ANSWERING;
        tracked.busy();
    }

    private void checkRate(ChannelHandlerContext ctx) {
        if (state != State.BODY) {
            cancel();
            return;
        }
        long elapsed = System.nanoTime() - bodyStart - headerNanos;
        if (elapsed > 0 && bodyBytes < minBytesPerSecond * elapsed / 1_000_000_000L) {
            expire(ctx, State.BODY);
        }
    }

    private void expire(ChannelHandlerContext ctx, State expected) {
        if (state != expected || !ctx.channel().isActive()) {
            return;
        }
        cancel();
        state = State.ANSWERING;
        timeouts.increment();
        timedOut.accept(ctx);
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
