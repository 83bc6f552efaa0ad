package org.understudy.api;

import java.time.Instant;
import java.util.Objects;

/**
 * What is known about one upstream.
 *
 * @param upstream the upstream's key
 * @param status current status
 * @param since when the status last changed ({@code null} while {@code UNKNOWN})
 * @param lastError the reason of the last failure, or {@code null}
 */
public record UpstreamState(String upstream, Status status, Instant since, String lastError) {

    /** Reachability of an upstream. */
    public enum Status { UNKNOWN, UP, DOWN }

    public UpstreamState {
        Objects.requireNonNull(upstream, "upstream");
        Objects.requireNonNull(status, "status");
    }

    /** True when the upstream is known to be unreachable: callers should not wait for it. */
    public boolean knownDown() {
        return status == Status.DOWN;
    }
}
