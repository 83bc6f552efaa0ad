package org.understudy.core.testplugins;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.understudy.api.Description;
import org.understudy.api.PluginContext;
import org.understudy.api.model.HostPattern;
import org.understudy.api.spi.DeviceProfile;

/** Claims configured hosts and counts timer ticks; applies host changes in place. */
public final class TickingProfile implements DeviceProfile<TickingProfile.Config> {

    public record Config(@Description("hosts") List<String> hosts, @Description("tick") Duration tick) {}

    private final AtomicLong ticks = new AtomicLong();
    private volatile List<HostPattern> hosts = List.of();

    @Override
    public String id() {
        return "ticking";
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public Config defaultConfig() {
        return new Config(List.of("api.example.com", "*.devices.example.net"), Duration.ofMillis(20));
    }

    @Override
    public void start(PluginContext<Config> context) {
        reconfigure(context.config());
        context.scheduler().scheduleWithFixedDelay(ticks::incrementAndGet, Duration.ZERO, context.config().tick());
    }

    @Override
    public boolean reconfigure(Config config) {
        hosts = config.hosts().stream().map(HostPattern::of).toList();
        return true;
    }

    @Override
    public void stop() {
    }

    @Override
    public List<HostPattern> interceptedHosts() {
        return hosts;
    }

    @Override
    public Map<String, Object> status() {
        return Map.of("ticks", ticks.get());
    }
}
