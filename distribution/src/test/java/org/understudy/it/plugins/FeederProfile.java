package org.understudy.it.plugins;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.understudy.api.PluginContext;
import org.understudy.api.model.Device;
import org.understudy.api.model.MetricValue;
import org.understudy.api.model.Reading;
import org.understudy.api.spi.DeviceProfile;

/** Records four hours of 5-minute readings for one device at start, through the Recorder. */
public final class FeederProfile implements DeviceProfile<FeederProfile.Config> {

    public record Config(String device, String start) {}

    private volatile String error = "";

    @Override
    public String id() {
        return "feeder";
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public Config defaultConfig() {
        return new Config("feeder-1", "2026-03-01T00:00:00Z");
    }

    @Override
    public void start(PluginContext<Config> context) {
        Config c = context.config();
        context.scheduler().blocking().execute(() -> {
            Instant t0 = Instant.parse(c.start());
            List<Reading> readings = new ArrayList<>();
            for (int i = 0; i < 48; i++) {
                Instant t = t0.plus(Duration.ofMinutes(5L * i));
                readings.add(new Reading(c.device(), id(), t, t, Map.of("temperature", MetricValue.of(i, "Cel"),
                        "rain", MetricValue.of(i % 2 == 0)), Map.of()));
            }
            try {
                context.recorder().record(readings);
                context.recorder().recordDevice(new Device(c.device(), id(), t0, t0, Map.of("model", "SKY2")));
                for (int i = 0; i < 3; i++) {
                    // three pictures an hour apart, each a different (tiny) JPEG
                    context.recorder().storeBlob(c.device(), id(), t0.plus(Duration.ofHours(i)), "image/jpeg",
                            new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff, (byte) i, (byte) 0xff, (byte) 0xd9});
                }
            } catch (Exception e) {
                error = e.getMessage();
            }
        });
    }

    @Override
    public void stop() {
    }

    @Override
    public Map<String, Object> status() {
        return Map.of("error", error);
    }
}
