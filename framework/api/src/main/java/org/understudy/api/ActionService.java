package org.understudy.api;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.understudy.api.model.ActionDescriptor;

/**
 * Runs device actions, whichever profile offers them: the REST API uses it, and so can any plugin (the MQTT
 * sink maps Home Assistant's switch commands onto it). Thread-safe; never blocks.
 */
public interface ActionService {

    /** The actions offered for {@code deviceId} (empty for an unknown device or one without actions). */
    List<ActionDescriptor> actionsOf(String deviceId);

    /**
     * Runs an action: its parameters are checked against the descriptor, the run is bounded by the runtime's
     * {@code actionTimeout}, and it is recorded (who, when, what, outcome) as a flow with outcome
     * {@code ACTION}. The future completes with the device's answer, or exceptionally with an
     * {@link ActionException} whose kind says why not.
     *
     * @param who who asks, for the record (a user, a plugin)
     */
    CompletableFuture<Map<String, Object>> run(String deviceId, String action, Map<String, Object> parameters, String who);
}
