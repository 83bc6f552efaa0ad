package org.understudy.profile.vstarcam;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpContentException;
import io.netty.buffer.ByteBufUtil;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.understudy.api.Durations;
import org.understudy.api.NettyTransport;

/**
 * Fetches one picture from a camera's {@code /snapshot.cgi} on the runtime's event loops: the user and password go
 * both as HTTP basic authentication and as the {@code user}/{@code pwd} query parameters VStarCam's CGI reads (firmware
 * differs in which it checks). A reply that is not a JPEG, is larger than the limit or does not finish within the
 * timeout fails with a {@link SnapshotException} whose message never holds the password.
 */
final class SnapshotClient {

    /** A snapshot that failed, and why (no secret in the message). */
    static final class SnapshotException extends Exception {
        private static final long serialVersionUID = 1L;
        private final boolean answered;

        /** {@code answered}: the camera answered, but not with a picture (a refusal, an error, not a JPEG). */
        SnapshotException(String message, boolean answered) {
            super(message);
            this.answered = answered;
        }

        boolean answered() {
            return answered;
        }
    }

    private final NettyTransport netty;
    private final ChannelGroup open;

    SnapshotClient(NettyTransport netty, ChannelGroup open) {
        this.netty = netty;
        this.open = open;
    }

    /** The JPEG at {@code http://at/snapshot.cgi}, fetched on {@code loop}. */
    CompletableFuture<byte[]> fetch(EventLoop loop, InetSocketAddress at, String user, String password, Duration timeout, int maxBytes) {
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        String where = at.getHostString() + ":" + at.getPort();
        Bootstrap b = new Bootstrap().group(loop).channel(netty.socketChannelType())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(maxBytes), new Reply(result, maxBytes));
                    }
                });
        var connecting = b.connect(at);
        Channel ch = connecting.channel();
        open.add(ch);
        var deadline = loop.schedule(() -> {
            result.completeExceptionally(new SnapshotException("no picture from " + where + " within " + Durations.format(timeout), false));
            ch.close();
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        result.whenComplete((r, e) -> {
            deadline.cancel(false);
            ch.close();
        });
        connecting.addListener(f -> {
            if (!f.isSuccess()) {
                result.completeExceptionally(new SnapshotException("cannot connect to " + where + ": " + org.understudy.api.Errors.describe(f.cause()), false));
                return;
            }
            String query = "/snapshot.cgi?user=" + URLEncoder.encode(user, StandardCharsets.UTF_8) + "&pwd="
                    + URLEncoder.encode(password, StandardCharsets.UTF_8);
            var request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, query);
            request.headers().set(HttpHeaderNames.HOST, where)
                    .set(HttpHeaderNames.AUTHORIZATION, "Basic " + Base64.getEncoder().encodeToString(
                            (user + ":" + password).getBytes(StandardCharsets.UTF_8)))
                    .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                    .set(HttpHeaderNames.ACCEPT, "image/jpeg");
            ch.writeAndFlush(request);
            ch.closeFuture().addListener(c -> result.completeExceptionally(
                    new SnapshotException(where + " closed the connection without a picture", false)));
        });
        return result;
    }

    private static final class Reply extends SimpleChannelInboundHandler<FullHttpResponse> {
        private final CompletableFuture<byte[]> result;
        private final int maxBytes;

        Reply(CompletableFuture<byte[]> result, int maxBytes) {
            this.result = result;
            this.maxBytes = maxBytes;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse reply) {
            int status = reply.status().code();
            if (status == 401 || status == 403) {
                result.completeExceptionally(new SnapshotException("the camera refused the configured user and password (HTTP " + status + ")", true));
            } else if (status != 200) {
                result.completeExceptionally(new SnapshotException("the camera answered HTTP " + status + " to snapshot.cgi", true));
            } else {
                byte[] body = ByteBufUtil.getBytes(reply.content());
                if (!isJpeg(body)) {
                    result.completeExceptionally(new SnapshotException("snapshot.cgi answered " + body.length
                            + " bytes that are not a JPEG (" + reply.headers().get(HttpHeaderNames.CONTENT_TYPE, "no content type") + ")", true));
                } else {
                    result.complete(body);
                }
            }
            ctx.close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            result.completeExceptionally(cause instanceof TooLongHttpContentException
                    ? new SnapshotException("the picture is larger than maxSnapshotBytes (" + maxBytes + ")", true)
                    : new SnapshotException("snapshot failed: " + org.understudy.api.Errors.describe(cause), false));
            ctx.close();
        }
    }

    /** A JPEG starts with SOI ({@code ff d8 ff}) and ends with EOI ({@code ff d9}), perhaps followed by padding. */
    static boolean isJpeg(byte[] b) {
        if (b.length < 4 || (b[0] & 0xff) != 0xff || (b[1] & 0xff) != 0xd8 || (b[2] & 0xff) != 0xff) {
            return false;
        }
        for (int i = b.length - 1; i >= Math.max(1, b.length - 64); i--) {
            if ((b[i] & 0xff) == 0xd9 && (b[i - 1] & 0xff) == 0xff) {
                return true;
            }
        }
        return false;
    }
}
