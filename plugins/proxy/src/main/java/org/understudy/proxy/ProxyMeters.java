package org.understudy.proxy;

import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.understudy.api.Meters;
import org.understudy.api.model.Flow;

/** The proxy's series on {@code /metrics}: every exchange by outcome with its duration, and what was refused. */
final class ProxyMeters {

    /** Seconds: a device waits up to its profile's deadline (a few seconds); a pass-through lasts minutes. */
    static final List<Double> DURATION_BUCKETS = List.of(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
            5.0, 10.0, 30.0, 60.0, 300.0);

    /** The outcome label of each {@link Flow.Outcome}, made once (the exchange path runs per request). */
    private static final String[] OUTCOMES = java.util.Arrays.stream(Flow.Outcome.values())
            .map(o -> o.name().toLowerCase(Locale.ROOT)).toArray(String[]::new);

    private final Meters.Histogram durations;
    private final Meters.Counter refused;

    ProxyMeters(Meters meters) {
        durations = meters.histogram("proxy_request_duration_seconds", "Device requests by outcome (forwarded, impersonated,"
                + " failed, passed_through, backfilled, rejected) and device profile: the time from the request's arrival to its"
                + " answer being decided, or a pass-through connection's whole length.", DURATION_BUCKETS, "outcome", "profile");
        refused = meters.counter("proxy_refused_requests_total", "Device requests answered by the proxy itself before any"
                + " profile saw them: malformed (400), unrouted (421: no profile claims the host), profile_starting (503),"
                + " shutting_down (503).", "reason");
    }

    /** Counts an exchange once, as its flow records it. */
    void exchanged(Flow flow) {
        durations.labels(OUTCOMES[flow.outcome().ordinal()], flow.profile())
                .observe(flow.duration().toNanos() / 1e9);
    }

    void refused(String reason) {
        refused.labels(reason).increment();
    }

    /** A counter the proxy keeps anyway (refused connections, timeouts), published as it is. */
    static void publish(Meters meters, String name, String help, LongSupplier value) {
        meters.counterWithCallback(name, help, v -> v.value(value.getAsLong()));
    }
}
