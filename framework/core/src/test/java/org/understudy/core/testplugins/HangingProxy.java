package org.understudy.core.testplugins;

import java.time.Duration;
import org.understudy.api.PluginContext;
import org.understudy.api.spi.TrafficProxy;

/** A proxy that opens nothing and whose stop() can be told to hang. */
public final class HangingProxy implements TrafficProxy<HangingProxy.Config> {

    public record Config(int port, String host, Duration stopHang) {}

    private volatile Duration hang = Duration.ZERO;

    @Override
    public String id() {
        return "hanging-proxy";
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public Config defaultConfig() {
        return new Config(8081, "127.0.0.1", Duration.ZERO);
    }

    @Override
    public void start(PluginContext<Config> context) {
        hang = context.config().stopHang();
    }

    @Override
    public void stop() {
        try {
            Thread.sleep(hang.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
