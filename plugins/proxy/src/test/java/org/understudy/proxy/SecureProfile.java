package org.understudy.proxy;

import java.util.List;
import org.understudy.api.PluginContext;
import org.understudy.api.model.HostPattern;
import org.understudy.api.spi.DeviceProfile;

/** A profile whose cloud speaks pinned TLS: its name is passed through, never terminated. */
public final class SecureProfile implements DeviceProfile<SecureProfile.Config> {

    public record Config(String host) {}

    private volatile List<HostPattern> hosts = List.of();

    @Override
    public String id() {
        return "secure";
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public Config defaultConfig() {
        return new Config("secure.test");
    }

    @Override
    public void start(PluginContext<Config> context) {
        hosts = List.of(HostPattern.of(context.config().host()));
    }

    @Override
    public void stop() {
    }

    @Override
    public List<HostPattern> passThroughHosts() {
        return hosts;
    }
}
