package org.understudy.proxy;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.api.PluginContext;
import org.understudy.api.RecordException;
import org.understudy.api.model.Flow;
import org.understudy.api.spi.HttpInterceptor;
import org.understudy.api.spi.HttpReply;
import org.understudy.api.spi.HttpRequest;
import org.understudy.api.spi.Observation;

/**
 * One device request, on a blocking thread: what the profile finds in it (readings, pictures) is
 * recorded durably first, one commit; device attributes are written when they change; then the real
 * backend is asked (unless it is known to be down) within the profile's deadline; if it does not answer
 * in time, the profile answers instead (or 503 when it cannot). The exchange is then recorded as a flow,
 * off the device's critical path.
 */
final class Exchange {

    private static final Logger LOG = LoggerFactory.getLogger(Exchange.class);
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection", "te", "trailer",
            "transfer-encoding", "upgrade", "content-length");
    /** Time kept back from the deadline for writing the answer. */
    private static final Duration ANSWER_MARGIN = Duration.ofMillis(50);

    /** The answer for the device and how it was obtained. */
    record Answer(HttpReply reply, Flow.Outcome outcome, boolean built, ReplyStream stream) {
        Answer(HttpReply reply, Flow.Outcome outcome, boolean built) {
            this(reply, outcome, built, null);
        }
    }

    private final PluginContext<ProxyConfig> context;
    private final BackendClient backend;
    private final Clock clock;
    private final Set<String> monitored = ConcurrentHashMap.newKeySet();
    private final java.util.Queue<Flow> flows = new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** Flows per store write: small enough that device data queued behind a write is not held up long. */
    private static final int MAX_FLOWS_PER_WRITE = 128;
    /** Device attributes last written, so the registry is written when they change, not with every upload. */
    private final Map<String, Map<String, String>> knownDevices = new ConcurrentHashMap<>();
    final LongAdder forwarded = new LongAdder();
    final LongAdder impersonated = new LongAdder();
    final LongAdder unavailable = new LongAdder();
    final LongAdder notRecorded = new LongAdder();

    Exchange(PluginContext<ProxyConfig> context, BackendClient backend, Clock clock) {
        this.context = context;
        this.backend = backend;
        this.clock = clock;
    }

    Answer handle(HttpRequest request, String profile, HttpInterceptor interceptor) {
        Instant deadline = request.receivedAt().plus(interceptor.replyDeadline()).minus(ANSWER_MARGIN);
        boolean recorded = record(interceptor.observe(request), profile);
        String upstream = request.host() + ":" + context.config().backendPort();
        Answer answer = null;
        if (backend.canForward() && !context.connectivity().state(upstream).knownDown()) {
            answer = forward(request, upstream, deadline, interceptor);
        }
        if (answer == null) {
            answer = interceptor.impersonate(request)
                    .map(r -> new Answer(r, Flow.Outcome.IMPERSONATED, true))
                    .orElseGet(() -> new Answer(Replies.plain(503, "the backend is unreachable"), Flow.Outcome.FAILED, true));
            if (!recorded && answer.outcome() == Flow.Outcome.IMPERSONATED) {
                // saying "stored" to a device whose upload we could not keep would lose it for good
                answer = new Answer(Replies.plain(503, "upload not stored"), Flow.Outcome.FAILED, true);
            }
            (answer.outcome() == Flow.Outcome.IMPERSONATED ? impersonated : unavailable).increment();
        } else {
            forwarded.increment();
        }
        Flow flow = flow(request, profile, answer);
        if (answer.stream() != null) {
            // recorded once the body went through, with its length (the bytes themselves are not kept)
            answer.stream().done().whenComplete((bytes, error) -> flows.add(withReplyLength(flow, bytes == null ? -1 : bytes)));
            return answer;
        }
        if (answer.outcome() == Flow.Outcome.IMPERSONATED && context.config().backfill()) {
            // to be re-sent later it must survive a crash like the readings do: written before the reply
            try {
                context.recorder().recordFlow(flow);
            } catch (RecordException e) {
                notRecorded.increment();
                LOG.error("an upload answered offline was not kept for backfill: {}", e.getMessage());
            }
        } else {
            // the flow is a record of the exchange, not the device's data: batched, written after the reply
            flows.add(flow);
        }
        return answer;
    }

    private boolean record(Observation o, String profile) {
        try {
            context.recorder().record(o.readings());
            for (Observation.Picture p : o.pictures()) {
                context.recorder().storeBlob(p.deviceId(), profile, p.time(), p.contentType(), p.content());
            }
            for (var d : o.devices()) {
                if (!d.attributes().equals(knownDevices.get(d.id()))) {
                    context.recorder().recordDevice(d);
                    knownDevices.put(d.id(), d.attributes());
                }
            }
            return true;
        } catch (RecordException e) {
            notRecorded.increment();
            LOG.error("could not record what a {} device sent: {}", profile, e.getMessage());
            return o.isEmpty();
        }
    }

    private Answer forward(HttpRequest request, String upstream, Instant deadline, HttpInterceptor interceptor) {
        Duration left = Duration.between(clock.instant(), deadline);
        if (left.isNegative() || left.isZero()) {
            return null;
        }
        try {
            InetSocketAddress address = backend.resolve(request.host()).get(left.toNanos(), TimeUnit.NANOSECONDS);
            monitor(upstream, address);
            left = Duration.between(clock.instant(), deadline);
            var pending = backend.exchange(address, () -> toNetty(request), left);
            BackendReply backendReply;
            try {
                backendReply = pending.get(left.toNanos() + ANSWER_MARGIN.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
                pending.thenAccept(BackendReply::discard); // a reply that comes after all must not leak
                throw e;
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
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (Exception e) {
            String reason = e.getCause() != null ? e.getCause().toString() : e.toString();
            context.connectivity().reportFailure(upstream, reason);
            LOG.info("{} did not answer {} {} in time ({}); answering for it", upstream, request.method(), request.path(), reason);
            return null;
        }
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

    private Flow flow(HttpRequest request, String profile, Answer answer) {
        return new Flow(request.receivedAt(), Duration.between(request.receivedAt(), clock.instant()), profile,
                request.client() == null ? "" : request.client().getAddress().getHostAddress(), request.host(),
                request.method(), request.target(), answer.reply().status(), answer.outcome(), request.headers(),
                new ArrayList<>(answer.reply().headers()), new Flow.Body(request.body(), null, request.body().length),
                new Flow.Body(answer.reply().body(), null, answer.reply().body().length));
    }

    private static Flow withReplyLength(Flow f, long bytes) {
        return new Flow(f.start(), f.duration(), f.profile(), f.client(), f.host(), f.method(), f.target(), f.status(), f.outcome(),
                f.requestHeaders(), f.responseHeaders(), f.requestBody(), new Flow.Body(null, null, Math.max(0, bytes)));
    }

    /** Queues a flow recorded elsewhere in the proxy (a TLS splice) for the same batched writes. */
    void queueFlow(Flow flow) {
        flows.add(flow);
    }

    /** Writes the flows gathered so far, in writes of a few each (on the proxy's timer). */
    void flushFlows() {
        while (true) {
            List<Flow> batch = new ArrayList<>(MAX_FLOWS_PER_WRITE);
            for (Flow f; batch.size() < MAX_FLOWS_PER_WRITE && (f = flows.poll()) != null;) {
                batch.add(f);
            }
            if (batch.isEmpty()) {
                return;
            }
            try {
                context.recorder().recordFlows(batch);
            } catch (RecordException e) {
                LOG.warn("{} flow(s) not recorded: {}", batch.size(), e.getMessage());
            }
        }
    }
}
