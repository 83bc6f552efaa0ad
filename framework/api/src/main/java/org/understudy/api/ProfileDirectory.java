package org.understudy.api;

import java.util.List;
import java.util.Optional;
import org.understudy.api.model.HostPattern;
import org.understudy.api.spi.DeviceProfile;

/**
 * The hostnames that running device profiles claim. Snapshots are immutable; the directory changes when
 * a profile starts, stops or is reconfigured. Thread-safe, non-blocking, cheap enough for every DNS
 * query.
 */
public interface ProfileDirectory {

    /** The running profile that intercepts {@code hostname} (HTTP traffic and DNS answers), if any. */
    Optional<DeviceProfile<?>> interceptorOf(String hostname);

    /**
     * Whether a profile that claims {@code hostname} is being (re)started right now: a request for it should be
     * answered "retry shortly" (503 with Retry-After), not refused as unclaimed.
     */
    default boolean starting(String hostname) {
        return false;
    }

    /** The running profile that declares TLS pass-through for {@code hostname} (by SNI), if any. */
    Optional<DeviceProfile<?>> passThroughOf(String hostname);

    /**
     * Whether a running profile intercepts or passes TLS through for {@code host}, a name already
     * {@link org.understudy.api.model.HostPattern#normalise normalised} (lowercase, no trailing dot): what the DNS
     * server asks for every query it does not answer from its own rules, so the runtime's answer allocates nothing.
     *
     * @since 0.7
     */
    default boolean claimsNormalised(String host) {
        return interceptorOf(host).isPresent() || passThroughOf(host).isPresent();
    }

    /** The TLS ports, besides the proxy's own, on which running profiles want pass-through. */
    List<Integer> passThroughPorts();

    /**
     * How a running profile describes metric {@code metric} of the readings it records under profile name
     * {@code profileId}, if it does.
     */
    default Optional<org.understudy.api.model.MetricInfo> metricInfo(String profileId, String metric) {
        return Optional.empty();
    }

    /**
     * How often a device whose readings carry profile name {@code profileId} is heard from when all is well, if a
     * running profile says ({@link org.understudy.api.spi.DeviceProfile#expectedIntervals()}).
     *
     * @since 0.4
     */
    default Optional<java.time.Duration> expectedInterval(String profileId) {
        return Optional.empty();
    }

    /** Every hostname pattern intercepted by a running profile. */
    List<HostPattern> interceptedHosts();

    /** Calls {@code listener} (on a runtime thread, must not block) after every change. */
    Subscription onChange(Runnable listener);
}
