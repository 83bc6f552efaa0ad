package org.understudy.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.understudy.api.PluginKind;

/** Builds the {@code /api/status} report from the runtime's state; safe to call from any thread. */
final class RuntimeStatus {

    private final PluginRuntime runtime;
    private final List<Supplier<List<Map<String, Object>>>> extraEntries = new CopyOnWriteArrayList<>();
    private volatile String version = "unknown";

    RuntimeStatus(PluginRuntime runtime) {
        this.runtime = runtime;
    }

    String version() {
        return version;
    }

    void version(String version) {
        this.version = version;
    }

    void addEntries(Supplier<List<Map<String, Object>>> entries) {
        extraEntries.add(entries);
    }

    Map<String, Object> report() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("version", version);
        out.put("startedAt", runtime.startedAt().toString());
        out.put("uptimeSeconds", Duration.between(runtime.startedAt(), runtime.clock().instant()).toSeconds());
        Map<String, Object> selected = new LinkedHashMap<>();
        for (PluginKind kind : PluginKind.values()) {
            if (kind.singleActive()) {
                selected.put(kind.selectorProperty(), runtime.selected(kind).orElse(null));
            }
        }
        out.put("selected", selected);
        List<String> notReady = notReady();
        out.put("ready", notReady.isEmpty());
        out.put("notReady", notReady);
        out.put("transport", runtime.transport());
        out.put("repeatedReadingsNotRecorded", runtime.repeatedReadings());
        if (!runtime.settingsErrors().isEmpty()) {
            out.put("settingsErrors", runtime.settingsErrors());
        }
        List<Map<String, Object>> plugins = new ArrayList<>();
        for (ManagedPlugin p : runtime.plugins()) {
            plugins.add(entry(p));
        }
        for (Supplier<List<Map<String, Object>>> extra : extraEntries) {
            plugins.addAll(extra.get());
        }
        out.put("plugins", plugins);
        out.put("upstreams", runtime.connectivity().snapshot());
        return out;
    }

    /**
     * Why the gateway is not serving yet, empty when it is: plugins found at start are still held back, or the
     * selected store, DNS server or proxy is not active.
     */
    private List<String> notReady() {
        List<String> reasons = new ArrayList<>();
        if (!runtime.startupSettled()) {
            reasons.add("plugins are still being installed");
        }
        for (PluginKind kind : PluginKind.values()) {
            if (!kind.singleActive()) {
                continue;
            }
            String id = runtime.selected(kind).orElse(null);
            ManagedPlugin p = id == null ? null : runtime.plugins().stream()
                    .filter(m -> m.kind() == kind && m.id().equals(id)).findFirst().orElse(null);
            if (p == null) {
                reasons.add(kind.selectorProperty() + ": " + (id == null ? "none installed" : "'" + id + "' is not installed"));
            } else if (p.state != PluginState.ACTIVE) {
                reasons.add(kind.selectorProperty() + " '" + id + "' is " + p.state
                        + (p.error == null && p.configErrors.isEmpty() ? "" : ": " + String.join("; ",
                        java.util.stream.Stream.concat(java.util.stream.Stream.ofNullable(p.error), p.configErrors.stream()).toList())));
            }
        }
        return reasons;
    }

    private static Map<String, Object> entry(ManagedPlugin p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", p.id());
        m.put("kind", p.kind().name());
        m.put("version", p.discovered.origin().version());
        m.put("state", p.state.name());
        m.put("bundle", p.discovered.origin().name());
        List<String> errors = new ArrayList<>();
        if (p.error != null) {
            errors.add(p.error);
        }
        p.configErrors.forEach(e -> errors.add("configuration rejected: " + e));
        m.put("error", errors.isEmpty() ? null : String.join("; ", errors));
        m.put("since", p.since == null ? null : p.since.toString());
        m.put("pid", p.discovered.pid());
        if (!p.configWarnings.isEmpty()) {
            m.put("configWarnings", p.configWarnings);
        }
        if (p.config != null) {
            Map<String, Object> config = new LinkedHashMap<>();
            for (var c : p.config.getClass().getRecordComponents()) {
                config.put(c.getName(), ConfigSchema.shown(p.config, c));
            }
            m.put("config", config);
        }
        Map<String, Object> own = PluginLifecycle.pluginStatus(p);
        if (!own.isEmpty()) {
            m.put("status", own);
        }
        return m;
    }
}
