package org.understudy.proxy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.api.PluginContext;
import org.understudy.api.RecordException;
import org.understudy.api.model.Flow;
import org.understudy.api.model.StoredFlow;
import org.understudy.api.spi.HttpReply;
import org.understudy.api.spi.HttpRequest;

/**
 * Re-sends the uploads that were answered by impersonation to the real backend, oldest first, one per
 * {@code backfillInterval}, from a durable cursor. An upload waits while its backend is known down; a
 * reply (any status) moves the cursor on and is recorded as a {@code BACKFILLED} flow; no reply leaves
 * the cursor where it is and the backend known down, so the same upload is tried again once the
 * probes see it back. An upload whose body was not kept, or that its profile records without its secrets, is
 * skipped and counted.
 * Runs on a blocking thread, one run at a time (the scheduler never overlaps them).
 */
final class Backfill {

    private final ProxyMeters meters;

    private static final Logger LOG = LoggerFactory.getLogger(Backfill.class);
    static final String CURSOR = "proxy-backfill";

    private final PluginContext<ProxyConfig> context;
    private final Forwarding forwarding;
    private final Clock clock;
    final LongAdder resent = new LongAdder();
    final LongAdder skipped = new LongAdder();
    private volatile String lastError;
    private volatile Instant lastResentAt;

    Backfill(PluginContext<ProxyConfig> context, Forwarding forwarding, ProxyMeters meters, Clock clock) {
        this.meters = meters;
        this.context = context;
        this.forwarding = forwarding;
        this.clock = clock;
    }

    /** Whether the profile of {@code request}'s host keeps such requests without some of what was sent. */
    private boolean redacted(HttpRequest request) {
        return context.profiles().interceptorOf(request.host()).flatMap(p -> p.httpInterceptor())
                .map(i -> i.recorded(request) != request).orElse(false);
    }

    /** Re-sends the next upload if its backend is not known down. */
    void next() {
        try {
            long cursor = context.flowLog().cursor(CURSOR);
            List<StoredFlow> next = context.flowLog().after(cursor, null, Flow.Outcome.IMPERSONATED, 1);
            if (next.isEmpty()) {
                return;
            }
            StoredFlow stored = next.get(0);
            Flow upload = stored.flow();
            String upstream = forwarding.upstream(upload.host());
            if (!forwarding.worthTrying(upstream)) {
                return;
            }
            byte[] body;
            try {
                body = context.flowLog().content(upload.requestBody());
            } catch (RecordException notKept) {
                skipped.increment();
                LOG.warn("upload {} {} not re-sent: {}", upload.method(), upload.target(), notKept.getMessage());
                context.flowLog().saveCursor(CURSOR, stored.id());
                return;
            }
            HttpRequest request = new HttpRequest(null, upload.start(), upload.method(), upload.target(), upload.host(),
                    upload.requestHeaders(), body);
            if (redacted(request)) {
                // recorded without its secrets (a station password): re-sent so, the backend would refuse it
                skipped.increment();
                context.flowLog().saveCursor(CURSOR, stored.id());
                return;
            }
            Instant started = clock.instant();
            HttpReply reply = resend(request, upstream);
            if (reply == null) {
                return;
            }
            Flow resentFlow = new Flow(started, Duration.between(started, clock.instant()), upload.profile(),
                    upload.client(), upload.host(), upload.method(), upload.target(), reply.status(), Flow.Outcome.BACKFILLED,
                    upload.requestHeaders(), reply.headers(), upload.requestBody(),
                    new Flow.Body(reply.body(), null, reply.body().length));
            meters.exchanged(resentFlow);
            context.recorder().recordFlows(List.of(resentFlow));
            context.flowLog().saveCursor(CURSOR, stored.id());
            resent.increment();
            lastResentAt = clock.instant();
            lastError = reply.status() / 100 == 2 ? null : "the backend answered " + reply.status() + " to " + upload.target();
        } catch (RecordException e) {
            lastError = e.getMessage();
            LOG.warn("backfill paused: {}", e.getMessage());
        }
    }

    private HttpReply resend(HttpRequest request, String upstream) {
        Duration timeout = context.config().backfillTimeout();
        var pending = forwarding.send(request, upstream, clock.instant().plus(timeout), forwarding.anyLoop());
        try {
            BackendReply reply = pending.get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
            context.connectivity().reportSuccess(upstream);
            if (reply instanceof BackendReply.Whole whole) {
                return whole.take();
            }
            ReplyStream stream = ((BackendReply.Streamed) reply).stream();
            stream.abort(); // an upload's answer is small; a huge one is noted by its head only
            return Replies.headOf(stream.head);
        } catch (InterruptedException e) {
            pending.thenAccept(BackendReply::discard);
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException | TimeoutException e) {
            pending.thenAccept(BackendReply::discard);
            String reason = e.getCause() != null ? e.getCause().toString() : e.toString();
            context.connectivity().reportFailure(upstream, reason);
            lastError = upstream + " did not take a re-sent upload: " + reason;
            return null;
        }
    }

    Map<String, Object> status() {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        out.put("resent", resent.sum());
        out.put("skipped", skipped.sum());
        out.put("lastResentAt", lastResentAt == null ? null : lastResentAt.toString());
        out.put("lastError", lastError);
        return out;
    }
}
