package org.understudy.proxy;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.api.PluginContext;
import org.understudy.api.model.Flow;
import org.understudy.api.spi.HttpInterceptor;
import org.understudy.api.spi.HttpReply;
import org.understudy.api.spi.HttpRequest;

/**
 * Asking the real backend: the request (whole, or started while its body arrives) and the wait for its
 * reply until the profile's deadline. A reply is reported to the upstream's connectivity state, a 2xx
 * one is learned by the profile; no reply in time means {@code null}: the profile answers instead.
 */
final class Forwarding {

    private static final Logger LOG = LoggerFactory.getLogger(Forwarding.class);
    /** Not passed on: they concern one hop, or framing we set ourselves; Expect was answered to the device already. */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection", "te", "trailer",
            "transfer-encoding", "upgrade", "content-length", "expect");
    /** Time kept back from the deadline for writing the answer. */
    static final Duration ANSWER_MARGIN = Duration.ofMillis(50);

    private final PluginContext<ProxyConfig> context;
    private final BackendClient backend;
    private final Clock clock;
    private final Set<String> monitored = ConcurrentHashMap.newKeySet();

    Forwarding(PluginContext<ProxyConfig> context, BackendClient backend, Clock clock) {
        this.context = context;
        this.backend = backend;
        this.clock = clock;
    }

    /** Whether requests for {@code upstream} should go to the backend now. */
    boolean worthTrying(String upstream) {
        return backend.canForward() && !context.connectivity().state(upstream).knownDown();
    }

    /**
     * Starts forwarding a request whose body is still arriving (on the device's event loop), unless its
     * backend is known down; {@code null} then, and the request is handled whole when it is complete.
     */
    StreamedRequest startForward(io.netty.handler.codec.http.HttpRequest head, String host, HttpInterceptor interceptor) {
        String upstream = host + ":" + context.config().backendPort();
        if (!worthTrying(upstream)) {
            return null;
        }
        var address = backend.resolve(host);
        address.thenAccept(a -> monitor(upstream, a));
        DefaultHttpRequest out = new DefaultHttpRequest(HttpVersion.HTTP_1_1, head.method(), head.uri());
        head.headers().forEach(h -> {
            if (!HOP_BY_HOP.contains(h.getKey().toLowerCase(java.util.Locale.ROOT))) {
                out.headers().add(h.getKey(), h.getValue());
            }
        });
        if (HttpUtil.isContentLengthSet(head)) {
            HttpUtil.setContentLength(out, HttpUtil.getContentLength(head, 0L));
        } else {
            HttpUtil.setTransferEncodingChunked(out, true);
        }
        return backend.stream(address, out, interceptor.replyDeadline().minus(ANSWER_MARGIN));
    }

    /** Sends {@code request} whole and waits for the reply until {@code deadline}; {@code null} when none came. */
    Answer forward(HttpRequest request, String upstream, Instant deadline, HttpInterceptor interceptor) {
        Duration left = Duration.between(clock.instant(), deadline);
        if (left.isNegative() || left.isZero()) {
            return null;
        }
        InetSocketAddress address;
        try {
            address = backend.resolve(request.host()).get(left.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (Exception e) {
            return failed(request, upstream, e);
        }
        monitor(upstream, address);
        left = Duration.between(clock.instant(), deadline);
        return awaitReply(request, upstream, deadline, interceptor, backend.exchange(address, () -> toNetty(request), left));
    }

    /** Waits for the backend's reply until {@code deadline}; {@code null} when none came (the profile answers). */
    Answer awaitReply(HttpRequest request, String upstream, Instant deadline, HttpInterceptor interceptor,
                              CompletableFuture<BackendReply> pending) {
        BackendReply backendReply;
        try {
            long left = Math.max(0, Duration.between(clock.instant(), deadline).toNanos());
            backendReply = pending.get(left + ANSWER_MARGIN.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            pending.thenAccept(BackendReply::discard); // a reply that comes after all must not leak
            Thread.currentThread().interrupt();
            return null;
        } catch (Exception e) {
            pending.thenAccept(BackendReply::discard);
            return failed(request, upstream, e);
        }
        context.connectivity().reportSuccess(upstream);
        if (backendReply instanceof BackendReply.Streamed s) {
            // too large to be an upload's answer: relayed, not learned
            return new Answer(Replies.headOf(s.stream().head), Flow.Outcome.FORWARDED, false, s.stream());
        }
        FullHttpResponse response = ((BackendReply.Whole) backendReply).response();
        HttpReply reply;
        try {
            reply = Replies.fromNetty(response);
        } finally {
            response.release();
        }
        if (reply.status() / 100 == 2) {
            interceptor.learn(request, reply);
        }
        return new Answer(reply, Flow.Outcome.FORWARDED, false);
    }

    private Answer failed(HttpRequest request, String upstream, Exception e) {
        String reason = e.getCause() != null ? e.getCause().toString() : e.toString();
        context.connectivity().reportFailure(upstream, reason);
        LOG.info("{} did not answer {} {} in time ({}); answering for it", upstream, request.method(), request.path(), reason);
        return null;
    }

    /** Has the runtime probe {@code upstream} from now on, so that its return is noticed. */
    void monitor(String upstream, InetSocketAddress address) {
        if (monitored.add(upstream)) {
            context.connectivity().monitor(upstream, address, context.config().probeInterval());
        }
    }

    static DefaultFullHttpRequest toNetty(HttpRequest r) {
        DefaultFullHttpRequest out = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(r.method()), r.target(),
                Unpooled.wrappedBuffer(r.body()));
        for (Map.Entry<String, String> h : r.headers()) {
            if (!HOP_BY_HOP.contains(h.getKey().toLowerCase(java.util.Locale.ROOT))) {
                out.headers().add(h.getKey(), h.getValue());
            }
        }
        out.headers().set(HttpHeaderNames.CONTENT_LENGTH, r.body().length);
        return out;
    }
}
