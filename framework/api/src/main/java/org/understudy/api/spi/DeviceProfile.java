package org.understudy.api.spi;

import java.util.List;
import java.util.Optional;
import org.understudy.api.Plugin;
import org.understudy.api.model.HostPattern;

/**
 * Everything Understudy knows about one device family. Any number of profiles run at once; what a
 * profile contributes is read after {@code start} and after every {@code reconfigure}, so it may
 * depend on configuration. The contribution methods are called from any thread and must be cheap.
 */
public interface DeviceProfile<C extends Record> extends Plugin<C> {

    /** Hostnames whose DNS answer is the gateway and whose HTTP traffic this profile handles. */
    default List<HostPattern> interceptedHosts() {
        return List.of();
    }

    /** Hostnames whose TLS connections are spliced to the real host untouched (SNI peeked only). */
    default List<HostPattern> passThroughHosts() {
        return List.of();
    }

    /** Ports, besides 443, on which the proxy should accept TLS for {@link #passThroughHosts()}. */
    default List<Integer> passThroughPorts() {
        return List.of();
    }

    /**
     * The metrics this profile records, described (what they measure, their units), by the profile name its
     * readings carry (usually {@link #id()}; a profile that speaks for several families, a declarative one,
     * records each under its own name), so that sinks and dashboards present them without guessing from names.
     * A metric not listed is shown as sent.
     */
    default java.util.Map<String, List<org.understudy.api.model.MetricInfo>> metrics() {
        return java.util.Map.of();
    }

    /**
     * How often a device of each family is heard from when all is well (its upload or poll interval), by the
     * profile name its readings carry, as {@link #metrics()}: a device silent for several of these is stale, and
     * dashboards say so. A family not listed has no known rhythm.
     *
     * @since 0.4
     */
    default java.util.Map<String, java.time.Duration> expectedIntervals() {
        return java.util.Map.of();
    }

    /** The actions this family offers on its devices, if any. */
    default Optional<DeviceActions> actions() {
        return Optional.empty();
    }

    /** The HTTP interceptor for {@link #interceptedHosts()}, if the family talks HTTP. */
    default Optional<HttpInterceptor> httpInterceptor() {
        return Optional.empty();
    }

    /**
     * The active LAN driver, if the family must be polled or held in session. The runtime starts it
     * after the profile started and stops it before the profile stops.
     */
    default Optional<LanDriver> lanDriver() {
        return Optional.empty();
    }
}
