package org.understudy.dashboard;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.understudy.api.PluginContext;
import org.understudy.api.model.Device;
import org.understudy.api.spi.DeviceProfile;

/** A test family: one meter, registered at start, heard from every minute when all is well. */
public final class MeterProfile implements DeviceProfile<MeterProfile.None> {

    /** No settings. */
    public record None() {}

    @Override
    public String id() {
        return "meter";
    }

    @Override
    public Class<None> configType() {
        return None.class;
    }

    @Override
    public None defaultConfig() {
        return new None();
    }

    @Override
    public void start(PluginContext<None> context) {
        Instant now = Instant.now();
        context.scheduler().blocking().execute(() -> {
            try {
                context.recorder().recordDevice(new Device("meter-1", id(), now, now, Map.of("alias", "Kitchen meter")));
            } catch (org.understudy.api.RecordException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Override
    public void stop() {
    }

    @Override
    public Map<String, Duration> expectedIntervals() {
        return Map.of(id(), Duration.ofMinutes(1));
    }
}
