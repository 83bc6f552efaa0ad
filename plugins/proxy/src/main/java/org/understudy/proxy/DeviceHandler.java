package org.understudy.proxy;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.timeout.IdleStateEvent;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.understudy.api.ProfileDirectory;
import org.understudy.api.model.HostPattern;
import org.understudy.api.spi.DeviceProfile;
import org.understudy.api.spi.HttpInterceptor;
import org.understudy.api.spi.HttpReply;
import org.understudy.api.spi.HttpRequest;
import org.understudy.api.spi.Observation;

/**
 * One device connection. Requests are taken one at a time (reading pauses while one is answered).
 * Malformed requests get 400 and the connection is closed; a Host no profile claims gets 421 and is
 * never forwarded; everything else goes to {@link Exchange} on a blocking thread.
 */
final class DeviceHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DeviceHandler.class);

    private final ProfileDirectory profiles;
    private final Exchange exchange;
    private final Executor blocking;
    private final Clock clock;
    private final BodyBudget.Guard budget;
    private final RequestTap tap;

    private final ProxyMeters meters;
    private final Quarantine quarantine;

    DeviceHandler(ProfileDirectory profiles, Exchange exchange, Executor blocking, Clock clock, BodyBudget.Guard budget,
                  RequestTap tap, ProxyMeters meters, Quarantine quarantine) {
        this.meters = meters;
        this.quarantine = quarantine;
        this.budget = budget;
        this.tap = tap;
        this.profiles = profiles;
        this.exchange = exchange;
        this.blocking = blocking;
        this.clock = clock;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        String malformed = request.decoderResult().isFailure() ? "malformed request" : malformed(request);
        if (malformed != null) {
            StreamedRequest started = tap.take();
            if (started != null) {
                started.abandon();
            }
            meters.refused("malformed");
            answer(ctx, Replies.plain(400, malformed), true, false);
            return;
        }
        StreamedRequest started = tap.take();
        String host = hostOf(request);
        DeviceProfile<?> profile = host.isEmpty() ? null : profiles.interceptorOf(host).orElse(null);
        HttpInterceptor interceptor = profile == null ? null : profile.httpInterceptor().orElse(null);
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (interceptor == null) {
            if (started != null) {
                started.abandon();
            }
            if (!host.isEmpty() && profiles.starting(host)) {
                // its profile is restarting: the device should come back in a moment, not be told "not here"
                meters.refused("profile_starting");
                answer(ctx, Replies.plain(503, "the profile serving " + host + " is starting; retry shortly",
                        List.of(Map.entry("Retry-After", "1"))), true, false);
                return;
            }
            meters.refused("unrouted");
            if (!host.isEmpty()) {
                quarantine.unknownHost(host, request.method().name(), request.uri());
            }
            answer(ctx, Replies.plain(421, "no device profile serves " + (host.isEmpty() ? "this request" : host)), true, false);
            return;
        }
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        request.headers().forEach(h -> headers.add(new AbstractMap.SimpleImmutableEntry<>(h.getKey(), h.getValue())));
        HttpRequest apiRequest = new HttpRequest((InetSocketAddress) ctx.channel().remoteAddress(), clock.instant(),
                request.method().name(), request.uri(), host, headers, ByteBufUtil.getBytes(request.content()));
        ctx.channel().config().setAutoRead(false);
        String profileId = profile.id();
        Observation observed = interceptor.observe(apiRequest);
        quarantine.observed(profileId, apiRequest, observed);
        if (started == null && exchange.canHandleAsync(observed)) {
            // readings only: the store's writer commits them and the rest happens here, on this event loop
            exchange.handleAsync(apiRequest, profileId, interceptor, observed, ctx.channel().eventLoop()).whenComplete((a, error) -> {
                if (error != null) {
                    LOG.error("request {} {} failed", apiRequest.method(), apiRequest.path(), error);
                    answer(ctx, Replies.plain(500, "internal error"), true, true);
                } else {
                    send(ctx, a, keepAlive);
                }
            });
            return;
        }
        try {
            blocking.execute(() -> {
                Answer a;
                try {
                    a = exchange.handle(apiRequest, profileId, interceptor, observed, started);
                } catch (RuntimeException e) {
                    if (started != null) {
                        started.abandon();
                    }
                    LOG.error("request {} {} failed", apiRequest.method(), apiRequest.path(), e);
                    answer(ctx, Replies.plain(500, "internal error"), true, true);
                    return;
                }
                send(ctx, a, keepAlive);
            });
        } catch (RejectedExecutionException stopping) {
            if (started != null) {
                started.abandon();
            }
            meters.refused("shutting_down");
            answer(ctx, Replies.plain(503, "shutting down"), true, true);
        }
    }

    private void send(ChannelHandlerContext ctx, Answer a, boolean keepAlive) {
        // a built reply mimics the backend's Connection: close; a forwarded reply's Connection header
        // concerned our connection to the backend, not this one
        boolean close = !keepAlive || a.built() && a.reply().headers().stream()
                .anyMatch(h -> h.getKey().equalsIgnoreCase("connection") && h.getValue().equalsIgnoreCase("close"));
        if (a.stream() != null) {
            relay(ctx, a.stream(), close);
        } else {
            answer(ctx, a.reply(), close, a.built());
        }
    }

    /** Longest method accepted (the registered ones have at most 17 letters). */
    static final int MAX_METHOD_LENGTH = 32;

    /** What RFC 9112 makes a bad request that Netty's decoder lets through, or {@code null}. */
    static String malformed(io.netty.handler.codec.http.HttpRequest request) {
        io.netty.handler.codec.http.HttpVersion v = request.protocolVersion();
        if (v.majorVersion() != 1 || v.minorVersion() > 1 || !v.protocolName().equals("HTTP")) {
            return "unsupported HTTP version " + v.text();
        }
        if (request.method().name().length() > MAX_METHOD_LENGTH) {
            return "method longer than " + MAX_METHOD_LENGTH + " characters";
        }
        int hosts = request.headers().getAll(HttpHeaderNames.HOST).size();
        if (hosts > 1) {
            return "more than one Host header";
        }
        if (hosts == 0 && v.minorVersion() == 1) {
            return "an HTTP/1.1 request needs a Host header";
        }
        return null;
    }

    /** The Host header without its port, normalised; empty when there is none. */
    static String hostOf(io.netty.handler.codec.http.HttpRequest request) {
        String host = request.headers().get(HttpHeaderNames.HOST, "");
        int colon = host.lastIndexOf(':');
        // a port follows the last colon unless it is inside an IPv6 literal's brackets
        if (colon > host.lastIndexOf(']') && colon + 1 < host.length()
                && host.substring(colon + 1).chars().allMatch(c -> c >= '0' && c <= '9')) {
            host = host.substring(0, colon);
        }
        return HostPattern.normalise(host);
    }

    /** A large backend reply: its head now, its body as it arrives; the next request once it is all sent. */
    private void relay(ChannelHandlerContext ctx, ReplyStream stream, boolean close) {
        ctx.writeAndFlush(Replies.streamHead(stream.head, !close));
        stream.relayTo(ctx.channel()).whenComplete((bytes, error) -> ctx.executor().execute(() -> {
            budget.release();
            if (error != null || close) {
                ctx.close();
            } else {
                ctx.channel().config().setAutoRead(true);
            }
        }));
    }

    private void answer(ChannelHandlerContext ctx, HttpReply reply, boolean close, boolean built) {
        ChannelFuture last = null;
        for (Object message : Replies.toNetty(reply, built, !close)) {
            last = ctx.write(message);
        }
        ctx.flush();
        last.addListener(f -> budget.release()); // on the event loop, before the next request is read
        if (close) {
            last.addListener(ChannelFutureListener.CLOSE);
        } else {
            last.addListener(f -> ctx.channel().config().setAutoRead(true));
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent) {
            ctx.close(); // idle, or a client too slow to finish its request
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

}
