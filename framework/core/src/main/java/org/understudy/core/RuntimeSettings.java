package org.understudy.core;

import java.time.Duration;
import org.understudy.api.Description;

/**
 * The runtime's own configuration (pid {@code understudy.runtime}): which implementation of each
 * single-active kind runs, and the shared thread limits. An empty selector means automatic: the only
 * installed implementation, or the alphabetically first one when several are installed.
 */
@Description("Understudy runtime: which DNS server, proxy and store implementation runs; shared thread limits.")
public record RuntimeSettings(
        @Description("Id of the DNS server plugin to run; empty = automatic.") String dnsServer,
        @Description("Id of the traffic proxy plugin to run; empty = automatic.") String trafficProxy,
        @Description("Id of the reading store plugin to run; empty = automatic.") String readingStore,
        @Description("Maximum threads for blocking work shared by all plugins (disk, store, sinks).") int blockingThreads,
        @Description("Netty event loop threads shared by all plugins; 0 = one per core. Takes effect when the loops are created, at start.") int eventLoopThreads,
        @Description("How long a plugin's stop() may take before the runtime gives up on it and releases its resources anyway.") Duration stopTimeout,
        @Description("Most points one /api/readings answer may hold; ask for a larger step beyond it.") int apiMaxPoints,
        @Description("Most readings handed to a sink in one delivery.") int sinkBatchSize,
        @Description("First wait before a failed delivery is retried; it doubles up to sinkRetryMax.") Duration sinkRetryInitial,
        @Description("Longest wait between retries of a failed delivery (retries never stop).") Duration sinkRetryMax,
        @Description("How often an idle sink looks for new readings (it is also woken when readings are recorded).") Duration sinkPollInterval,
        @Description("Longest a device action may take (a plug switched, a snapshot taken) before it is answered 'unreachable'.")
        Duration actionTimeout,
        @Description("While a failed delivery waits for its retry, how often the sink checks cheaply whether its destination is "
                + "back (InfluxDB's ping, MQTT's connection); when it is, delivery resumes at once.") Duration sinkProbeInterval,
        @Description("Name of this gateway's site (letters, digits, '-' and '_'; up to 64): what the sinks send carries it (InfluxDB "
                + "tag 'gateway', an MQTT topic level), so several gateways can feed one InfluxDB or one MQTT broker. Empty = "
                + "untagged, for a lone gateway. Changing it restarts the sinks.") String site,
        @Description("How many configuration snapshots to keep (data/config-snapshots): one is taken a moment after any "
                + "configuration changes, from a conf file or the Web Console; /api/config and bin/understudy-config list, "
                + "download and restore them. 0 = none.") int configSnapshots) {

    public static final String PID = "understudy.runtime";

    public static final RuntimeSettings DEFAULTS = new RuntimeSettings("", "", "", 16, 0, Duration.ofSeconds(2), 200_000,
            5000, Duration.ofSeconds(1), Duration.ofMinutes(1), Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofSeconds(2), "", 20);

    public RuntimeSettings {
        dnsServer = dnsServer == null ? "" : dnsServer.trim();
        trafficProxy = trafficProxy == null ? "" : trafficProxy.trim();
        readingStore = readingStore == null ? "" : readingStore.trim();
        site = site == null ? "" : site.trim();
        if (!site.matches("[A-Za-z0-9_-]{0,64}")) {
            throw new IllegalArgumentException("site must be up to 64 letters, digits, '-' or '_', got '" + site + "'");
        }
        if (configSnapshots < 0 || configSnapshots > 1000) {
            throw new IllegalArgumentException("configSnapshots must be between 0 and 1000, got " + configSnapshots);
        }
        if (blockingThreads < 1 || blockingThreads > 1024) {
            throw new IllegalArgumentException("blockingThreads must be between 1 and 1024, got " + blockingThreads);
        }
        if (eventLoopThreads < 0 || eventLoopThreads > 64) {
            throw new IllegalArgumentException("eventLoopThreads must be between 0 and 64, got " + eventLoopThreads);
        }
        if (stopTimeout == null || stopTimeout.isNegative() || stopTimeout.isZero()) {
            throw new IllegalArgumentException("stopTimeout must be positive");
        }
        if (apiMaxPoints < 1) {
            throw new IllegalArgumentException("apiMaxPoints must be positive, got " + apiMaxPoints);
        }
        if (sinkBatchSize < 1 || sinkBatchSize > 1_000_000) {
            throw new IllegalArgumentException("sinkBatchSize must be between 1 and 1000000, got " + sinkBatchSize);
        }
        if (actionTimeout == null || actionTimeout.isNegative() || actionTimeout.isZero()) {
            throw new IllegalArgumentException("actionTimeout must be positive");
        }
        for (Duration d : new Duration[] {sinkRetryInitial, sinkRetryMax, sinkPollInterval, sinkProbeInterval}) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("sinkRetryInitial, sinkRetryMax, sinkPollInterval and sinkProbeInterval must be positive");
            }
        }
        if (sinkRetryMax.compareTo(sinkRetryInitial) < 0) {
            throw new IllegalArgumentException("sinkRetryMax must not be shorter than sinkRetryInitial");
        }
    }

    /** The configured selector for a single-active kind. */
    String selector(org.understudy.api.PluginKind kind) {
        return switch (kind) {
            case DNS_SERVER -> dnsServer;
            case TRAFFIC_PROXY -> trafficProxy;
            case READING_STORE -> readingStore;
            default -> "";
        };
    }
}
