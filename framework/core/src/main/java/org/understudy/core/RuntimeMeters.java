package org.understudy.core;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.understudy.api.UpstreamState;
import org.understudy.api.model.Device;

/**
 * The runtime's own series on {@code /metrics}, read when scraped: plugins up, each device's silence, each
 * upstream's link, each sink's backlog, and the data directory's free space.
 */
final class RuntimeMeters {

    private final PluginRuntime runtime;
    private final PluginMeters meters;
    private final Path dataDirectory;

    RuntimeMeters(PluginRuntime runtime, PluginMeters meters, Path dataDirectory) {
        this.runtime = runtime;
        this.meters = meters;
        this.dataDirectory = dataDirectory;
    }

    void register() {
        meters.gauge("plugin_up", "1 when the plugin is active, 0 when it is installed but not running (stopped, failed, waiting).",
                r -> runtime.plugins().stream().filter(p -> !p.duplicate)
                        .forEach(p -> r.value(p.state == PluginState.ACTIVE ? 1 : 0, p.id(), p.kind().name().toLowerCase(java.util.Locale.ROOT))),
                "plugin", "kind");
        meters.gauge("device_last_seen_age_seconds", "Seconds since the device was last heard from.", r -> {
            if (runtime.store().isEmpty()) {
                return;
            }
            Instant now = runtime.clock().instant();
            for (Device d : runtime.queries().devices()) {
                r.value(Math.max(0, Duration.between(d.lastSeen(), now).toMillis() / 1000.0), d.id(), d.profile());
            }
        }, "device", "family");
        meters.gauge("upstream_up", "1 while the vendor backend answers, 0 while it is down (answered locally); absent until known.",
                r -> runtime.connectivity().all().stream().filter(s -> s.status() != UpstreamState.Status.UNKNOWN)
                        .forEach(s -> r.value(s.status() == UpstreamState.Status.UP ? 1 : 0, s.upstream())),
                "upstream");
        meters.gauge("upstream_state_since_timestamp_seconds", "When the vendor backend last went up or down (Unix time).",
                r -> runtime.connectivity().all().stream().filter(s -> s.since() != null)
                        .forEach(s -> r.value(s.since().toEpochMilli() / 1000.0, s.upstream())),
                "upstream");
        meters.gauge("sink_backlog_readings", "Readings kept but not yet delivered by the sink.",
                r -> sinks().forEach(p -> p.sinkRunner.backlog().ifPresent(n -> r.value(n, p.id()))), "sink");
        meters.gauge("sink_oldest_unsent_age_seconds", "How long ago the oldest reading the sink has not delivered was received.",
                r -> sinks().forEach(p -> p.sinkRunner.oldestUnsentAge().ifPresent(age -> r.value(age.toMillis() / 1000.0, p.id()))),
                "sink");
        meters.gauge("data_free_bytes", "Free space for the gateway's data directory (what the store can still grow by).", r -> {
            try {
                FileStore store = Files.getFileStore(dataDirectory);
                r.value(store.getUsableSpace());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    private List<ManagedPlugin> sinks() {
        return runtime.plugins().stream().filter(p -> p.sinkRunner != null).toList();
    }
}
