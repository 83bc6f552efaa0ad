package org.understudy.profile.kasa;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.handler.timeout.ReadTimeoutException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.understudy.api.NettyTransport;

/**
 * One request to a plug over TCP, on the runtime's event loops: connect, write the framed request in one write
 * (some firmware, and the simulator, read a message per segment), read exactly one framed reply, close. Never
 * blocks; a plug that does not answer within the timeout, answers garbage, too much, or hangs up mid-reply
 * fails only its own request, with a reason a person can read. Thread-safe.
 */
final class KasaClient {

    /** A request a plug did not answer properly. */
    static final class PlugException extends IOException {
        private static final long serialVersionUID = 1L;

        PlugException(String message) {
            super(message);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final NettyTransport netty;
    private final ChannelGroup open;
    private final Duration timeout;
    private final int maxReplyBytes;

    /**
     * @param open every connection is in it while it lives, so that stopping the plugin closes them all
     */
    KasaClient(NettyTransport netty, ChannelGroup open, Duration timeout, int maxReplyBytes) {
        this.netty = netty;
        this.open = open;
        this.timeout = timeout;
        this.maxReplyBytes = maxReplyBytes;
    }

    /** Sends {@code json} to the plug at {@code plug}; completes with its parsed reply, on an event loop. */
    CompletableFuture<JsonNode> send(InetSocketAddress plug, String json) {
        return send(netty.eventLoops(), plug, json);
    }

    /**
     * Sends {@code json} to the plug at {@code plug} on a connection of {@code loops} (called on that very loop,
     * the connection is set up without handing work to another thread); completes with its parsed reply there.
     * An unresolved host name is looked up on the calling thread: only IP literals may be sent from an event loop.
     */
    CompletableFuture<JsonNode> send(EventLoopGroup loops, InetSocketAddress plug, String json) {
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        InetSocketAddress target = plug.isUnresolved() ? new InetSocketAddress(plug.getHostString(), plug.getPort()) : plug;
        if (target.isUnresolved()) {
            reply.completeExceptionally(new PlugException("cannot resolve " + plug.getHostString()));
            return reply;
        }
        long timeoutMillis = Math.max(1, timeout.toMillis());
        new Bootstrap().group(loops).channel(netty.socketChannelType())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeoutMillis)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        open.add(ch);
                        ch.pipeline().addLast(new ReadTimeoutHandler(timeoutMillis, TimeUnit.MILLISECONDS),
                                new LengthFieldBasedFrameDecoder(maxReplyBytes + 4, 0, 4, 0, 4),
                                new Reply(reply));
                    }
                })
                .connect(target).addListener(f -> {
                    if (!f.isSuccess()) {
                        reply.completeExceptionally(new PlugException("cannot connect to " + describe(target) + ": "
                                + f.cause().getMessage()));
                        return;
                    }
                    Channel ch = ((io.netty.channel.ChannelFuture) f).channel();
                    ch.writeAndFlush(Unpooled.wrappedBuffer(KasaCipher.frame(json))).addListener(w -> {
                        if (!w.isSuccess()) {
                            reply.completeExceptionally(new PlugException("cannot send to " + describe(target) + ": "
                                    + w.cause().getMessage()));
                            ch.close();
                        }
                    });
                    // whatever happens, the connection does not outlive the request
                    reply.whenComplete((r, e) -> ch.close());
                });
        return reply;
    }

    static String describe(InetSocketAddress a) {
        return a.getHostString() + ":" + a.getPort();
    }

    /** Reads the one reply frame, or says why there is none. */
    private static final class Reply extends SimpleChannelInboundHandler<ByteBuf> {
        private final CompletableFuture<JsonNode> reply;

        Reply(CompletableFuture<JsonNode> reply) {
            this.reply = reply;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
            byte[] cipher = new byte[frame.readableBytes()];
            frame.readBytes(cipher);
            byte[] plain = KasaCipher.decrypt(cipher);
            try {
                JsonNode json = JSON.readTree(plain);
                if (json == null || !json.isObject()) {
                    reply.completeExceptionally(new PlugException("the plug's reply is not a JSON object"));
                } else {
                    reply.complete(json);
                }
            } catch (IOException notJson) {
                reply.completeExceptionally(new PlugException("the plug's reply is not JSON (" + plain.length + " bytes)"));
            }
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (reply.isDone()) {
                return; // closed after the reply (or the failure) it carried
            }
            reply.completeExceptionally(new PlugException("the plug closed the connection before its reply was complete"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            String why = cause instanceof ReadTimeoutException ? "no reply within the request timeout"
                    : cause instanceof TooLongFrameException ? "its reply is longer than maxReplyBytes"
                    : cause.getMessage();
            reply.completeExceptionally(new PlugException(why));
            ctx.close();
        }
    }
}
