package org.understudy.dns.it;

import java.util.List;
import org.understudy.api.PluginContext;
import org.understudy.api.model.HostPattern;
import org.understudy.api.spi.DeviceProfile;

/** A device profile claiming a Bloomsky-like name and a TP-Link-like wildcard, for the DNS tests. */
public final class InterceptingProfile implements DeviceProfile<InterceptingProfile.Config> {

    public record Config(List<String> hosts) {}

    private volatile List<HostPattern> hosts = List.of();

    @Override
    public String id() {
        return "intercepting";
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public Config defaultConfig() {
        return new Config(List.of("bskybackend.bloomsky.com", "*.tplinkcloud.com"));
    }

    @Override
    public void start(PluginContext<Config> context) {
        hosts = context.config().hosts().stream().map(HostPattern::of).toList();
    }

    @Override
    public void stop() {
    }

    @Override
    public List<HostPattern> interceptedHosts() {
        return hosts;
    }
}
