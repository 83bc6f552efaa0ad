package org.understudy.it.plugins;

import org.understudy.api.PluginContext;
import org.understudy.api.spi.DeviceProfile;

/** A profile whose start always fails. */
public final class ThrowingProfile implements DeviceProfile<ThrowingProfile.Config> {

    public record Config(String note) {}

    @Override
    public String id() {
        return "throwing-profile";
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public Config defaultConfig() {
        return new Config("none");
    }

    @Override
    public void start(PluginContext<Config> context) {
        throw new IllegalStateException("this profile refuses to start");
    }

    @Override
    public void stop() {
    }
}
