package org.understudy.core.testplugins;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.understudy.api.ActionException;
import org.understudy.api.PluginContext;
import org.understudy.api.model.ActionDescriptor;
import org.understudy.api.model.Device;
import org.understudy.api.model.HostPattern;
import org.understudy.api.spi.DeviceActions;
import org.understudy.api.spi.DeviceProfile;
import org.understudy.api.web.WebResponse;

/**
 * A switch for the contract tests on the class path: one device with on/off actions, hosts read from
 * {@code hosts.txt} in its data directory (contributions changed live), and a web endpoint.
 */
public final class SwitchProfile implements DeviceProfile<NoConfig> {

    private final AtomicBoolean on = new AtomicBoolean();
    private volatile List<HostPattern> hosts = List.of();
    private volatile String lastHosts = "";

    @Override
    public String id() {
        return "switch";
    }

    @Override
    public Class<NoConfig> configType() {
        return NoConfig.class;
    }

    @Override
    public NoConfig defaultConfig() {
        return new NoConfig();
    }

    @Override
    public void start(PluginContext<NoConfig> context) throws Exception {
        Instant now = Instant.now();
        context.scheduler().blocking().execute(() -> {
            try {
                context.recorder().recordDevice(new Device("switch-1", id(), now, now, Map.of()));
            } catch (org.understudy.api.RecordException noStore) {
                // in tests without a store the switch simply has no registry entry
            }
        });
        Path file = context.dataDirectory().resolve("hosts.txt");
        context.scheduler().scheduleBlockingWithFixedDelay(() -> {
            try {
                String text = Files.exists(file) ? Files.readString(file).trim() : "";
                if (!text.equals(lastHosts)) {
                    lastHosts = text;
                    hosts = text.isEmpty() ? List.of() : List.of(HostPattern.of(text));
                    context.contributionsChanged();
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, Duration.ZERO, Duration.ofMillis(20));
        context.web().mount("switch", "The test switch", r -> WebResponse.text(200, "on=" + on.get()));
    }

    @Override
    public void stop() {
    }

    @Override
    public List<HostPattern> interceptedHosts() {
        return hosts;
    }

    @Override
    public Optional<DeviceActions> actions() {
        return Optional.of(new DeviceActions() {
            @Override
            public List<ActionDescriptor> actionsOf(Device device) {
                return List.of(ActionDescriptor.of("on", "switch on"), ActionDescriptor.of("off", "switch off"),
                        ActionDescriptor.of("jam", "the relay is stuck"));
            }

            @Override
            public CompletableFuture<Map<String, Object>> run(Device device, String action, Map<String, Object> parameters) {
                if (action.equals("jam")) {
                    return CompletableFuture.failedFuture(new ActionException(ActionException.Kind.FAILED, "relay stuck"));
                }
                on.set(action.equals("on"));
                return CompletableFuture.completedFuture(Map.of("on", on.get()));
            }
        });
    }
}
