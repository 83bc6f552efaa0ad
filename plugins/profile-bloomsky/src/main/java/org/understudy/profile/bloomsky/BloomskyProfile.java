package org.understudy.profile.bloomsky;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.understudy.api.PluginContext;
import org.understudy.api.model.HostPattern;
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
