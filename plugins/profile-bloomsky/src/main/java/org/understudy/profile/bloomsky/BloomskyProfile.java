package org.understudy.profile.bloomsky;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.understudy.api.PluginContext;
import org.understudy.api.model.HostPattern;
import org.understudy.api.model.MetricInfo;
import org.understudy.api.model.Quantity;
import org.understudy.api.spi.DeviceProfile;
import org.understudy.api.spi.HttpInterceptor;

/** The Bloomsky device profile (id {@code bloomsky}): intercepts the backend hostname for the stations. */
public final class BloomskyProfile implements DeviceProfile<BloomskyConfig> {

    private volatile List<HostPattern> hosts = List.of();
    private volatile BloomskyInterceptor interceptor;

    @Override
    public String id() {
        return "bloomsky";
    }

    @Override
    public Class<BloomskyConfig> configType() {
        return BloomskyConfig.class;
    }

    @Override
    public BloomskyConfig defaultConfig() {
        return BloomskyConfig.DEFAULTS;
    }

    @Override
    public void start(PluginContext<BloomskyConfig> context) {
        BloomskyConfig c = context.config();
        hosts = c.hosts().stream().map(HostPattern::of).toList();
        interceptor = new BloomskyInterceptor(c, context.dataDirectory(), Clock.systemUTC(), context.scheduler().blocking());
    }

    @Override
    public void stop() {
        interceptor = null;
    }

    @Override
    public List<HostPattern> interceptedHosts() {
        return hosts;
    }

    /** What a station's metrics measure (PROTOCOLS.md 1.1); UV and luminance are the station's raw counts. */
    static final List<MetricInfo> METRICS = List.of(
            new MetricInfo("temperature", Quantity.TEMPERATURE, "Cel", "Air temperature"),
            new MetricInfo("humidity", Quantity.HUMIDITY, "%", "Relative humidity"),
            new MetricInfo("pressure", Quantity.PRESSURE, "hPa", "Air pressure at the station (not reduced to sea level)"),
            new MetricInfo("voltage", Quantity.VOLTAGE, "mV", "Battery voltage"),
            new MetricInfo("uv_index", Quantity.RAW, "", "UV sensor's raw count as the station sends it (not a UV index)"),
            new MetricInfo("luminance", Quantity.RAW, "", "Light sensor's raw count as the station sends it (not lux)"),
            new MetricInfo("rain", Quantity.MOISTURE, "", "Rain detected"),
            new MetricInfo("charging", Quantity.BATTERY_CHARGING, "", "Solar panel charging the battery"));

    @Override
    public Map<String, List<MetricInfo>> metrics() {
        return Map.of(Uploads.PROFILE, METRICS);
    }

    /** A station uploads about every 5 minutes (PROTOCOLS.md §1). */
    @Override
    public Map<String, java.time.Duration> expectedIntervals() {
        return Map.of(Uploads.PROFILE, java.time.Duration.ofMinutes(5));
    }

    @Override
    public Optional<HttpInterceptor> httpInterceptor() {
        return Optional.ofNullable(interceptor);
    }

    @Override
    public Map<String, Object> status() {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        out.put("hosts", hosts.stream().map(HostPattern::pattern).toList());
        BloomskyInterceptor i = interceptor;
        if (i != null) {
            out.put("invalidValues", i.invalidValues.count.sum());
            out.put("lastInvalidValue", i.invalidValues.last.get());
        }
        return out;
    }
}
