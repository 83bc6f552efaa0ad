package org.understudy.core.testing;

import java.util.List;
import java.util.Map;
import org.understudy.core.PluginRuntime;

/** One plugin's entry of {@link PluginRuntime#status()}, for tests that watch a plugin work. */
public final class PluginStatus {

    private PluginStatus() {
    }

    /** The {@code status} map the plugin {@code id} reports (empty while it is not running). */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> of(PluginRuntime runtime, String id) {
        Map<String, Object> plugin = ((List<Map<String, Object>>) runtime.status().get("plugins")).stream()
                .filter(p -> id.equals(p.get("id"))).findFirst()
                .orElseThrow(() -> new AssertionError("no plugin " + id + " in the runtime's status"));
        Map<String, Object> status = (Map<String, Object>) plugin.get("status");
        return status == null ? Map.of() : status;
    }

    /** The delivery figures of sink {@code id}. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> delivery(PluginRuntime runtime, String id) {
        return (Map<String, Object>) of(runtime, id).get("delivery");
    }

    /** Sink {@code id}'s backlog, or -1 while it is not known yet (a restarted sink has not loaded its cursor). */
    public static long backlog(PluginRuntime runtime, String id) {
        return delivery(runtime, id).get("backlog") instanceof Number n ? n.longValue() : -1;
    }
}
