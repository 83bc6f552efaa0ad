package org.understudy.proxy;

import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpRequest;
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
import org.understudy.api.Errors;
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
    /** When each down upstream that no probe watches was last tried. */
    private final java.util.Map<String, Instant> unprobedAttempts = new ConcurrentHashMap<>();

    Forwarding(PluginContext<ProxyConfig> context, BackendClient backend, Clock clock) {
        this.context = context;
        this.backend = backend;
        this.clock = clock;
    }

    /** One of the shared event loops, for work that does not start on one. */
    EventLoop anyLoop() {
        return backend.anyLoop();
    }

    /** The upstream a request for {@code host} goes to, as connectivity knows it: {@code host:backendPort}. */
    String upstream(String host) {
        return host + ":" + context.config().backendPort();
    }

    /** Whether requests for {@code upstream} should go to the backend now. */
    boolean worthTrying(String upstream) {
        return backend.canForward() && reachable(upstream);
    }

    /**
     * Whether {@code upstream} may answer: not known down, or known down but watched by no probe (its name did not
     * resolve, so there is no address to probe), when one real attempt per {@code probeInterval} is let through.
     * Without that, a gateway started while the Internet was down would never forward again.
     */
    boolean reachable(String upstream) {
        if (!context.connectivity().state(upstream).knownDown()) {
            return true;
        }
        if (monitored.contains(upstream)) {
            return false; // the probe says when it is back
        }
        Instant now = clock.instant();
        boolean[] allowed = new boolean[1];
        unprobedAttempts.compute(upstream, (k, last) -> {
            allowed[0] = last == null || !now.isBefore(last.plus(context.config().probeInterval()));
            return allowed[0] ? now : last;
        });
        return allowed[0];
    }

    /**
     * Starts forwarding a request whose body is still arriving (on the device's event loop), unless its
     * backend is known down; {@code null} then, and the request is handled whole when it is complete.
     */
    StreamedRequest startForward(io.netty.handler.codec.http.HttpRequest head, String host, Duration replyDeadline,
                                 EventLoop loop) {
        String upstream = upstream(host);
        if (!worthTrying(upstream)) {
            return null;
        }
        var address = backend.resolve(host);
        address.thenAccept(a -> monitor(upstream, a));
        DefaultHttpRequest out = new DefaultHttpRequest(HttpVersion.HTTP_1_1, head.method(), head.uri());
        passOn(head.headers(), out.headers());
        if (HttpUtil.isContentLengthSet(head)) {
            HttpUtil.setContentLength(out, HttpUtil.getContentLength(head, 0L));
        } else {
            HttpUtil.setTransferEncodingChunked(out, true);
        }
        return backend.stream(address, out, replyDeadline.minus(ANSWER_MARGIN), loop);
    }

    /**
     * Sends {@code request} whole; completes with the answer, or with {@code null} when no reply came by
     * {@code deadline} (the profile answers then). Never blocks; completes on an event loop.
     */
    CompletableFuture<Answer> forward(HttpRequest request, String upstream, Instant deadline, HttpInterceptor interceptor,
                                      EventLoop loop) {
        if (!clock.instant().isBefore(deadline)) {
            return CompletableFuture.completedFuture(null);
        }
        return answer(request, upstream, deadline, interceptor, send(request, upstream, deadline, loop), loop);
    }

    /**
     * Sends {@code request} whole to its backend (resolved, then probed from now on), on a connection on
     * {@code loop}; the reply fails when it has not come by {@code deadline}.
     */
    CompletableFuture<BackendReply> send(HttpRequest request, String upstream, Instant deadline, EventLoop loop) {
        return backend.resolve(request.host()).thenCompose(address -> {
            monitor(upstream, address);
            Duration left = Duration.between(clock.instant(), deadline);
            return left.isNegative() || left.isZero()
                    ? CompletableFuture.failedFuture(new java.util.concurrent.TimeoutException("no time left after resolving"))
                    : backend.exchange(address, () -> toNetty(request), left, loop);
        });
    }

    /**
     * The answer from a backend reply on its way ({@code null} when none comes by {@code deadline}: a
     * reply coming later is discarded). Never blocks.
     */
    CompletableFuture<Answer> answer(HttpRequest request, String upstream, Instant deadline, HttpInterceptor interceptor,
                                     CompletableFuture<BackendReply> pending, EventLoop loop) {
        CompletableFuture<Answer> out = new CompletableFuture<>();
        long left = Math.max(0, Duration.between(clock.instant(), deadline).toNanos()) + ANSWER_MARGIN.toNanos();
        var timer = loop.schedule(() -> {
            if (out.complete(null)) {
                failed(request, upstream, new java.util.concurrent.TimeoutException("no reply by the deadline"));
            }
        }, left, TimeUnit.NANOSECONDS);
        pending.whenComplete((reply, error) -> {
            timer.cancel(false);
            if (out.isDone()) {
                if (reply != null) {
                    reply.discard(); // too late: the profile answered
                }
                return;
            }
            try {
                out.complete(error != null ? failed(request, upstream, error) : toAnswer(request, upstream, interceptor, reply));
            } catch (RuntimeException e) {
                LOG.error("the backend's reply to {} {} could not be used", request.method(), request.path(), e);
                out.complete(null);
            }
        });
        return out;
    }

    /** Waits for {@code answer} (it always completes by its deadline); for blocking threads. */
    static Answer await(CompletableFuture<Answer> answer) {
        try {
            return answer.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (java.util.concurrent.ExecutionException e) {
            LOG.error("forwarding failed", e.getCause());
            return null;
        }
    }

    private Answer toAnswer(HttpRequest request, String upstream, HttpInterceptor interceptor, BackendReply backendReply) {
        context.connectivity().reportSuccess(upstream);
        if (backendReply instanceof BackendReply.Streamed s) {
            // too large to be an upload's answer: relayed, not learned
            return new Answer(Replies.headOf(s.stream().head), Flow.Outcome.FORWARDED, false, s.stream());
        }
        HttpReply reply = ((BackendReply.Whole) backendReply).take();
        if (reply.status() / 100 == 2) {
            try {
                interceptor.learn(request, reply);
            } catch (RuntimeException e) { // a profile's mistake must not cost the device the backend's reply
                LOG.error("the profile failed to learn from {} {}", request.method(), request.path(), e);
            }
        }
        return new Answer(reply, Flow.Outcome.FORWARDED, false);
    }

    private Answer failed(HttpRequest request, String upstream, Throwable e) {
        Throwable cause = Errors.unwrap(e);
        String reason = cause.getCause() != null ? cause.getCause().toString() : cause.toString();
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

    private static DefaultFullHttpRequest toNetty(HttpRequest r) {
        DefaultFullHttpRequest out = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(r.method()), r.target(),
                Unpooled.wrappedBuffer(r.body()));
        passOn(r.headers(), out.headers());
        out.headers().set(HttpHeaderNames.CONTENT_LENGTH, r.body().length);
        return out;
    }

    /** Copies the headers a backend should see: not the hop-by-hop ones, nor our own framing. */
    private static void passOn(Iterable<Map.Entry<String, String>> from, io.netty.handler.codec.http.HttpHeaders to) {
        for (Map.Entry<String, String> h : from) {
            if (!HOP_BY_HOP.contains(h.getKey().toLowerCase(java.util.Locale.ROOT))) {
                to.add(h.getKey(), h.getValue());
            }
        }
    }
}
