package org.understudy.profile.kasa;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.TooLongFrameException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.understudy.api.NettyTransport;
import org.understudy.profile.kasa.KasaClient.PlugException;

/**
 * The gateway's TCP connection to one plug, and the requests waiting for it. A plug answers one request at a time,
 * in order, so requests are sent one after the other; the connection is kept for the next one (as python-kasa and
 * Home Assistant do) and closed after {@code keepFor} without a request, or at once when {@code keepFor} is zero.
 * A kept connection the plug dropped meanwhile (it rebooted, or closes idle connections) is noticed when the next
 * request finds it closed before any reply byte: that request is sent once more on a new connection.
 *
 * <p>Everything runs on the plug's event loop; {@link #send} may be called from any thread and never blocks. The
 * address must be resolved (a host name is looked up by the caller, off the event loop). A request fails alone,
 * with a reason a person can read: no connection, no reply within {@code timeout} (connect, send and reply), a
 * reply that is not one JSON object, longer than {@code maxReplyBytes}, or cut short.
 */
final class PlugConnection {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final NettyTransport netty;
    private final EventLoop loop;
    private final ChannelGroup open;
    private final Duration timeout;
    private final Duration keepFor;
    private final int maxReplyBytes;

    /** Requests not sent yet (loop only). */
    private final ArrayDeque<Request> waiting = new ArrayDeque<>();
    /** The request sent and not answered, or {@code null} (loop only). */
    private Request current;
    /** The connection, or {@code null} (loop only). */
    private Channel channel;
    /** Requests answered on {@link #channel}: more than zero means it is a kept one, which may have gone stale. */
    private int answeredOnChannel;
    private ScheduledFuture<?> idleTimer;
    /** Stopped: nothing is sent any more (loop only). */
    private boolean closed;

    PlugConnection(NettyTransport netty, EventLoop loop, ChannelGroup open, Duration timeout, Duration keepFor, int maxReplyBytes) {
        this.netty = netty;
        this.loop = loop;
        this.open = open;
        this.timeout = timeout;
        this.keepFor = keepFor;
        this.maxReplyBytes = maxReplyBytes;
    }

    /** The event loop its requests and replies run on. */
    EventLoop loop() {
        return loop;
    }

    /** Sends {@code json} to the plug at {@code at} (resolved); completes with its reply, on the plug's event loop. */
    CompletableFuture<JsonNode> send(InetSocketAddress at, String json) {
        Request r = new Request(at, json, new CompletableFuture<>());
        if (at.isUnresolved()) {
            r.reply.completeExceptionally(new PlugException("cannot resolve " + at.getHostString()));
            return r.reply;
        }
        if (loop.inEventLoop()) {
            enqueue(r);
        } else {
            loop.execute(() -> enqueue(r));
        }
        return r.reply;
    }

    private void enqueue(Request r) {
        if (closed) {
            r.reply.completeExceptionally(new PlugException("the Kasa plugin stopped"));
            return;
        }
        waiting.add(r);
        if (current == null) {
            next();
        }
    }

    private void next() {
        current = closed ? null : waiting.poll();
        if (current == null) {
            idleAfterwards();
            return;
        }
        if (idleTimer != null) {
            idleTimer.cancel(false);
            idleTimer = null;
        }
        Request r = current;
        r.timer = loop.schedule(() -> fail(r, new PlugException("no reply within the request timeout"), true),
                Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
        transmit(r);
    }

    /** Sends {@code r} on the kept connection when it is to the same address, else on a new one. */
    private void transmit(Request r) {
        if (channel != null && channel.isActive() && channel.remoteAddress() != null && channel.remoteAddress().equals(r.at)) {
            write(channel, r);
            return;
        }
        drop();
        connect(r);
    }

    private void connect(Request r) {
        ChannelFuture connecting = new Bootstrap().group(loop).channel(netty.socketChannelType())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis())))
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        open.add(ch);
                        ch.pipeline().addLast(new FirstByte(), new LengthFieldBasedFrameDecoder(maxReplyBytes + 4, 0, 4, 0, 4),
                                new Replies(ch));
                    }
                })
                .connect(r.at);
        channel = connecting.channel();
        answeredOnChannel = 0;
        connecting.addListener(f -> {
            if (r != current || connecting.channel() != channel) {
                return; // timed out meanwhile
            }
            if (!f.isSuccess()) {
                fail(r, new PlugException("cannot connect to " + KasaClient.describe(r.at) + ": " + f.cause().getMessage()), true);
            } else {
                write(channel, r);
            }
        });
    }

    private void write(Channel ch, Request r) {
        r.replyStarted = false;
        r.onKeptChannel = answeredOnChannel > 0;
        // header and payload in one write: some firmware, and the simulator, read one message per segment
        ch.writeAndFlush(Unpooled.wrappedBuffer(KasaCipher.frame(r.json))).addListener(w -> {
            if (!w.isSuccess() && r == current && ch == channel) {
                lost(r, "cannot send to " + KasaClient.describe(r.at) + ": " + w.cause().getMessage());
            }
        });
    }

    /** The connection ended (or could not send) before {@code r}'s reply: once more on a new one if it was a kept one. */
    private void lost(Request r, String why) {
        drop();
        if (r.onKeptChannel && !r.replyStarted && !r.retried && !closed) {
            r.retried = true;
            connect(r);
        } else {
            fail(r, new PlugException(why), false);
        }
    }

    private void fail(Request r, Throwable why, boolean closeChannel) {
        if (r != current) {
            return;
        }
        if (closeChannel) {
            drop(); // a late reply on it would be taken for the next request's
        }
        finish(r);
        r.reply.completeExceptionally(why);
        resume();
    }

    private void finish(Request r) {
        if (r.timer != null) {
            r.timer.cancel(false);
        }
        current = null;
    }

    /** After a request's callbacks ran (they may have sent the next one already, such as a strip's meters). */
    private void resume() {
        if (current == null) {
            next();
        }
    }

    /** Closes the connection and fails what waits, for good (the plugin stops). */
    void close() {
        if (loop.isShuttingDown()) {
            return; // the runtime closes every channel of its loops itself
        }
        loop.execute(() -> {
            closed = true;
            drop();
            if (current != null) {
                fail(current, new PlugException("the Kasa plugin stopped"), true);
            }
            for (Request r; (r = waiting.poll()) != null; ) {
                r.reply.completeExceptionally(new PlugException("the Kasa plugin stopped"));
            }
        });
    }

    private void idleAfterwards() {
        if (channel == null) {
            return;
        }
        if (keepFor.isZero()) {
            drop();
            return;
        }
        if (idleTimer == null) {
            idleTimer = loop.schedule(() -> {
                idleTimer = null;
                if (current == null) {
                    drop();
                }
            }, keepFor.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void drop() {
        if (channel != null) {
            Channel ch = channel;
            channel = null;
            ch.close();
        }
    }

    /** One request and what became of it (loop only). */
    private static final class Request {
        final InetSocketAddress at;
        final String json;
        final CompletableFuture<JsonNode> reply;
        ScheduledFuture<?> timer;
        boolean onKeptChannel;
        boolean replyStarted;
        boolean retried;

        Request(InetSocketAddress at, String json, CompletableFuture<JsonNode> reply) {
            this.at = at;
            this.json = json;
            this.reply = reply;
        }
    }

    /** Notes that the plug started answering: a request it may have acted on is never sent twice. */
    private final class FirstByte extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (current != null && ctx.channel() == channel) {
                current.replyStarted = true;
            }
            ctx.fireChannelRead(msg);
        }
    }

    /** Hands each reply frame to the request it answers, and says why a connection ended early. */
    private final class Replies extends SimpleChannelInboundHandler<ByteBuf> {
        private final Channel ch;

        Replies(Channel ch) {
            this.ch = ch;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
            Request r = current;
            if (r == null || ch != channel) {
                drop(); // a reply nobody asked for: the connection is out of step
                return;
            }
            byte[] cipher = new byte[frame.readableBytes()];
            frame.readBytes(cipher);
            byte[] plain = KasaCipher.decrypt(cipher);
            JsonNode json;
            try {
                json = JSON.readTree(plain);
            } catch (IOException notJson) {
                fail(r, new PlugException("the plug's reply is not JSON (" + plain.length + " bytes)"), true);
                return;
            }
            if (json == null || !json.isObject()) {
                fail(r, new PlugException("the plug's reply is not a JSON object"), true);
                return;
            }
            answeredOnChannel++;
            finish(r);
            r.reply.complete(json);
            resume();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (ch != channel) {
                return; // one the gateway closed
            }
            channel = null;
            Request r = current;
            if (r != null) {
                lost(r, "the plug closed the connection before its reply was complete");
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            Request r = current;
            if (ch != channel || r == null) {
                ctx.close();
                return;
            }
            if (cause instanceof TooLongFrameException) {
                fail(r, new PlugException("its reply is longer than maxReplyBytes"), true);
            } else {
                lost(r, String.valueOf(cause.getMessage()));
            }
        }
    }
}
