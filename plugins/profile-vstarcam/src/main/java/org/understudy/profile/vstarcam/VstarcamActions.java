package org.understudy.profile.vstarcam;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.understudy.api.ActionException;
import org.understudy.api.Errors;
import org.understudy.api.model.ActionDescriptor;
import org.understudy.api.model.Device;
import org.understudy.api.spi.DeviceActions;

/** What can be done with a camera: a picture now, kept in its picture timeline. */
final class VstarcamActions implements DeviceActions {

    static final List<ActionDescriptor> CAMERA = List.of(
            ActionDescriptor.of("snapshot", "Take a picture now and keep it in the camera's picture timeline"));

    private final CameraDriver driver;

    VstarcamActions(CameraDriver driver) {
        this.driver = driver;
    }

    @Override
    public List<ActionDescriptor> actionsOf(Device device) {
        return "camera".equals(device.attributes().get("type")) ? CAMERA : List.of();
    }

    @Override
    public CompletableFuture<Map<String, Object>> run(Device device, String action, Map<String, Object> parameters) {
        if (!"snapshot".equals(action)) {
            return CompletableFuture.failedFuture(new ActionException(ActionException.Kind.UNKNOWN_ACTION, action));
        }
        if (!driver.snapshotsConfigured()) {
            return CompletableFuture.failedFuture(new ActionException(ActionException.Kind.FAILED,
                    "no camera user is configured (username in understudy.vstarcam)"));
        }
        Camera c = driver.cameraOf(device.id());
        if (c == null) {
            return CompletableFuture.failedFuture(new ActionException(ActionException.Kind.UNREACHABLE,
                    "the camera has not been heard from since the gateway started"));
        }
        return driver.snapshot(c).exceptionallyCompose(e -> {
            Throwable cause = Errors.unwrap(e);
            return CompletableFuture.failedFuture(cause instanceof SnapshotClient.SnapshotException se
                    ? new ActionException(se.answered() ? ActionException.Kind.FAILED : ActionException.Kind.UNREACHABLE, se.getMessage(), se)
                    : new ActionException(ActionException.Kind.FAILED, "the picture was not kept: " + Errors.describe(cause), cause));
        });
    }
}
