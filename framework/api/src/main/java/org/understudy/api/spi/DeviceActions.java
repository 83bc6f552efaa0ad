package org.understudy.api.spi;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.understudy.api.model.ActionDescriptor;
import org.understudy.api.model.Device;

/**
 * The actions a profile offers on its devices. The runtime finds a device's profile, checks the parameters
 * against the descriptor (required ones present, types right, choices among the options) and bounds the
 * run by its {@code actionTimeout}; every action run is recorded as a flow.
 */
public interface DeviceActions {

    /** What can be done with {@code device} now (empty when nothing). Cheap, thread-safe, never blocks. */
    List<ActionDescriptor> actionsOf(Device device);

    /**
     * Does {@code action} on {@code device}. Must not block the caller (it may be an event loop or an HTTP
     * thread): talk to the device on the plugin's event loops or blocking threads and complete the future with
     * the device's answer (JSON-friendly values: its confirmed state, say), or exceptionally with an
     * {@link org.understudy.api.ActionException} saying why not ({@code UNREACHABLE} with the reason when the
     * device cannot be reached).
     *
     * @param parameters checked against the action's descriptor, converted to its types (String, Long, Double,
     *     Boolean)
     */
    CompletableFuture<Map<String, Object>> run(Device device, String action, Map<String, Object> parameters);
}
