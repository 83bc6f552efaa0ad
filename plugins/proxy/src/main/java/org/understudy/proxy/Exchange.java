package org.understudy.proxy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.api.PluginContext;
import org.understudy.api.RecordException;
import org.understudy.api.model.Flow;
import org.understudy.api.spi.HttpInterceptor;
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

    private final PluginContext<ProxyConfig> context;
    private final Forwarding forwarding;
    private final FlowWriter flows;
    private final Clock clock;
    /** Devices whose attributes were recorded as they are, so an unchanged device is not written per request. */
    private final Map<String, Map<String, String>> knownDevices = new ConcurrentHashMap<>();
    /** Devices remembered at most. */
    static final int MAX_KNOWN_DEVICES = 10_000;
    final LongAdder forwarded = new LongAdder();
    final LongAdder impersonated = new LongAdder();
    final LongAdder unavailable = new LongAdder();
    final LongAdder notRecorded = new LongAdder();

    Exchange(PluginContext<ProxyConfig> context, Forwarding forwarding, FlowWriter flows, Clock clock) {
        this.context = context;
        this.forwarding = forwarding;
        this.flows = flows;
        this.clock = clock;
    }

    /**
     * Whether a request can be handled on its event loop: its readings go to the store asynchronously,
     * and nothing else in it needs a blocking write (no picture, no changed device, no backfill record).
     */
    boolean canHandleAsync(Observation o) {
        return o.pictures().isEmpty() && !context.config().backfill()
                && o.devices().stream().allMatch(d -> d.attributes().equals(knownDevices.get(d.id())));
    }

    /**
     * Handles a request on the connection's event loop {@code loop}: records its readings (the store's
     * writer commits them), then forwards or impersonates, never blocking. Completes on {@code loop}.
     */
    CompletableFuture<Answer> handleAsync(HttpRequest request, String profile, HttpInterceptor interceptor, Observation o,
                                          io.netty.channel.EventLoop loop) {
        Instant deadline = deadline(request, interceptor);
        String upstream = forwarding.upstream(request.host());
        // the backend is asked while the store commits: the device's wait is the longer of the two, not their sum
        CompletableFuture<Answer> fromBackend = interceptor.forwards(request) && forwarding.worthTrying(upstream)
                ? forwarding.forward(request, upstream, deadline, interceptor, loop)
                : CompletableFuture.completedFuture(null);
        CompletableFuture<Boolean> recorded = context.recorder().recordAsync(o.readings()).handle((ok, error) -> {
            if (error != null) {
                notRecorded.increment();
                LOG.error("could not record what a {} device sent: {}", profile, error.getMessage());
            }
            return error == null || o.isEmpty();
        });
        return recorded.thenCombineAsync(fromBackend, (stored, answer) -> finish(request, profile, interceptor, stored, answer), loop);
    }

    /**
     * Handles a request on a blocking thread: records what {@code o} found durably, then asks the backend
     * ({@code started}: the request already on its way there while it arrived, else {@code null}).
     */
    Answer handle(HttpRequest request, String profile, HttpInterceptor interceptor, Observation o, StreamedRequest started) {
        Instant deadline = deadline(request, interceptor);
        String upstream = forwarding.upstream(request.host());
        // asked first, answered while the store writes: the reply still waits for both
        CompletableFuture<Answer> fromBackend = null;
        if (started != null) {
            fromBackend = forwarding.answer(request, upstream, deadline, interceptor, started.reply(), forwarding.anyLoop());
        } else if (interceptor.forwards(request) && forwarding.worthTrying(upstream)) {
            fromBackend = forwarding.forward(request, upstream, deadline, interceptor, forwarding.anyLoop());
        }
        boolean recorded = record(o, profile);
        return finish(request, profile, interceptor, recorded, fromBackend == null ? null : Forwarding.await(fromBackend));
    }

    /** When the backend's answer must be there: the device's deadline, less the time to write the answer. */
    private static Instant deadline(HttpRequest request, HttpInterceptor interceptor) {
        return request.receivedAt().plus(interceptor.replyDeadline(request)).minus(Forwarding.ANSWER_MARGIN);
    }

    /** The backend's answer, or the profile's when there is none; counted, and its flow queued or written. */
    private Answer finish(HttpRequest request, String profile, HttpInterceptor interceptor, boolean recorded, Answer fromBackend) {
        try {
            return decide(request, profile, interceptor, recorded, fromBackend);
        } catch (RuntimeException e) {
            if (fromBackend != null && fromBackend.stream() != null) {
                fromBackend.stream().abort(); // nobody will relay it: the backend connection is closed
            }
            throw e;
        }
    }

    private Answer decide(HttpRequest request, String profile, HttpInterceptor interceptor, boolean recorded, Answer fromBackend) {
        Answer answer = fromBackend;
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
        Flow flow = flow(interceptor.recorded(request), profile, answer);
        if (answer.stream() != null) {
            // recorded once the body went through, with its length (the bytes themselves are not kept)
            answer.stream().done().whenComplete((relayed, error) -> flows.queue(withRelayedBody(flow, relayed)));
        } else if (answer.outcome() == Flow.Outcome.IMPERSONATED && context.config().backfill()) {
            // to be re-sent later it must survive a crash like the readings do: written before the reply
            // (only on the blocking path: canHandleAsync keeps backfill off the event loops)
            flows.counted(flow);
            try {
                context.recorder().recordFlow(flow);
            } catch (RecordException e) {
                notRecorded.increment();
                LOG.error("an upload answered offline was not kept for backfill: {}", e.getMessage());
            }
        } else {
            // the flow is a record of the exchange, not the device's data: batched, written after the reply
            flows.queue(flow);
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
                    if (knownDevices.size() >= MAX_KNOWN_DEVICES) {
                        knownDevices.clear(); // a cache of what was recorded: at worst a device is recorded once more
                    }
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

    private Flow flow(HttpRequest request, String profile, Answer answer) {
        return new Flow(request.receivedAt(), Duration.between(request.receivedAt(), clock.instant()), profile,
                request.client() == null ? "" : request.client().getAddress().getHostAddress(), request.host(),
                request.method(), request.target(), answer.reply().status(), answer.outcome(), request.headers(),
                new ArrayList<>(answer.reply().headers()), new Flow.Body(request.body(), null, request.body().length),
                new Flow.Body(answer.reply().body(), null, answer.reply().body().length));
    }

    /** A streamed reply's flow: its body when it was kept (the store makes a blob of it), else its length. */
    private static Flow withRelayedBody(Flow f, ReplyStream.Relayed relayed) {
        Flow.Body body = relayed == null ? Flow.Body.EMPTY : new Flow.Body(relayed.body(), null, relayed.length());
        return new Flow(f.start(), f.duration(), f.profile(), f.client(), f.host(), f.method(), f.target(), f.status(), f.outcome(),
                f.requestHeaders(), f.responseHeaders(), f.requestBody(), body);
    }
}
