package org.understudy.api;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Per-upstream reachability, learned from real attempts that plugins report and from background
 * probes. An upstream is named by a free-form key, by convention {@code host:port} of the real backend.
 * Thread-safe; never blocks.
 */
public interface Connectivity {

    /** The current state; {@link UpstreamState.Status#UNKNOWN} for an upstream never reported. */
    UpstreamState state(String upstream);

    /** Every upstream reported or probed so far, by key. */
    java.util.List<UpstreamState> all();

    /** A real exchange with the upstream succeeded: it is {@code UP}. */
    void reportSuccess(String upstream);

    /** A real attempt failed (connect refused, timeout, ...): it is {@code DOWN} until a success. */
    void reportFailure(String upstream, String reason);

    /**
     * Probes the upstream in the background with a TCP connect every {@code interval} while it is
     * {@code DOWN} or {@code UNKNOWN}, so that its return is noticed without device traffic. The probe
     * ends when the returned subscription is closed or the plugin stops.
     */
    Subscription monitor(String upstream, InetSocketAddress address, Duration interval);

    /**
     * Calls {@code listener} on every change of any upstream's status, on a runtime thread. The
     * listener must not block. Removed when the subscription is closed or the plugin stops.
     */
    Subscription onChange(Consumer<UpstreamState> listener);
}
