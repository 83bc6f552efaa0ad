package org.understudy.dashboard;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.understudy.api.PluginContext;
import org.understudy.api.UpstreamState;
import org.understudy.api.model.Device;
import org.understudy.api.model.Flow;
import org.understudy.api.model.MetricInfo;
import org.understudy.api.model.MetricValue;
import org.understudy.api.model.Reading;

/**
 * What the overview shows that the REST API does not say by itself: each device's freshness against its family's
 * expected interval (with its latest values, described), each vendor upstream's link state with the requests
 * answered locally since it went down, and the disk the gateway keeps its data on. Thread-safe; reads the store
 * (blocking: called on the admin web's threads).
 */
final class Summary {

    /** How a device's silence compares with its family's rhythm. */
    enum Freshness { FRESH, LATE, STALE, UNKNOWN }

    private final PluginContext<DashboardConfig> context;
    private final Clock clock;

    Summary(PluginContext<DashboardConfig> context, Clock clock) {
        this.context = context;
        this.clock = clock;
    }

    /** The summary, as JSON-ready maps and lists. */
    Map<String, Object> build() {
        Instant now = clock.instant();
        DashboardConfig c = context.config(); // the one in force: a new one applies at the next refresh
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("now", now.toString());
        out.put("site", context.gateway().site());
        out.put("version", context.gateway().version());
        out.put("startedAt", context.gateway().startedAt().toString());
        out.put("refreshSeconds", c.refreshInterval().toSeconds());
        List<Map<String, Object>> devices = new ArrayList<>();
        for (Device d : context.queries().devices()) {
            devices.add(device(d, now, c));
        }
        out.put("devices", devices);
        List<Map<String, Object>> upstreams = new ArrayList<>();
        for (UpstreamState u : context.connectivity().all()) {
            upstreams.add(upstream(u, now, c));
        }
        out.put("upstreams", upstreams);
        out.put("disk", disk());
        return out;
    }

    private Map<String, Object> device(Device d, Instant now, DashboardConfig c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", d.id());
        m.put("profile", d.profile());
        m.put("name", name(d));
        m.put("type", d.attributes().getOrDefault("type", ""));
        m.put("lastSeen", d.lastSeen().toString());
        Optional<Duration> every = context.profiles().expectedInterval(d.profile());
        m.put("expectedIntervalSeconds", every.map(Duration::toSeconds).orElse(null));
        m.put("freshness", freshness(Duration.between(d.lastSeen(), now), every.orElse(null), c).name().toLowerCase(java.util.Locale.ROOT));
        Reading latest = context.queries().latest(d.id()).orElse(null);
        if (latest != null) {
            Map<String, Object> values = new LinkedHashMap<>();
            latest.metrics().forEach((metric, v) -> values.put(metric, value(d.profile(), metric, v)));
            m.put("latest", Map.of("time", latest.time().toString(), "values", values));
        }
        return m;
    }

    /** What a person calls the device: its alias or name attribute, else its id. */
    static String name(Device d) {
        for (String key : List.of("alias", "name", "deviceName")) {
            String v = d.attributes().get(key);
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return d.id();
    }

    static Freshness freshness(Duration silent, Duration every, DashboardConfig c) {
        if (every == null || every.isZero()) {
            return Freshness.UNKNOWN;
        }
        if (silent.compareTo(every.multipliedBy(2)) <= 0) {
            return Freshness.FRESH;
        }
        return silent.compareTo(every.multipliedBy(c.staleAfterIntervals())) <= 0 ? Freshness.LATE : Freshness.STALE;
    }

    private Map<String, Object> value(String profile, String metric, MetricValue v) {
        Map<String, Object> m = new LinkedHashMap<>();
        MetricInfo info = context.profiles().metricInfo(profile, metric).orElse(null);
        if (v instanceof MetricValue.Number n) {
            m.put("value", Double.isFinite(n.value()) ? n.value() : null);
            m.put("unit", n.unit());
        } else if (v instanceof MetricValue.Flag f) {
            m.put("value", f.value());
        } else if (v instanceof MetricValue.Text t) {
            m.put("value", t.value());
        }
        if (info != null) {
            m.put("quantity", info.quantity().name().toLowerCase(java.util.Locale.ROOT));
            m.put("description", info.description());
        }
        return m;
    }

    private Map<String, Object> upstream(UpstreamState u, Instant now, DashboardConfig c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("upstream", u.upstream());
        m.put("status", u.status().name().toLowerCase(java.util.Locale.ROOT));
        m.put("since", u.since() == null ? null : u.since().toString());
        m.put("lastError", u.lastError());
        if (u.status() == UpstreamState.Status.DOWN && u.since() != null) {
            int colon = u.upstream().lastIndexOf(':');
            String host = colon > 0 ? u.upstream().substring(0, colon) : u.upstream();
            long counted = context.queries().countFlows(u.since(), now.plusSeconds(1), host, Flow.Outcome.IMPERSONATED,
                    c.maxCountedRequests());
            m.put("answeredLocally", counted);
            m.put("answeredLocallyOver", counted >= c.maxCountedRequests());
        }
        return m;
    }

    private Map<String, Object> disk() {
        Map<String, Object> m = new LinkedHashMap<>();
        try {
            java.nio.file.Path dir = context.dataDirectory().toAbsolutePath();
            while (!Files.exists(dir) && dir.getParent() != null) {
                dir = dir.getParent(); // not made yet: the disk it will be on
            }
            FileStore fs = Files.getFileStore(dir);
            m.put("freeBytes", fs.getUsableSpace());
            m.put("totalBytes", fs.getTotalSpace());
        } catch (IOException e) {
            m.put("error", String.valueOf(e.getMessage()));
        }
        return m;
    }
}
