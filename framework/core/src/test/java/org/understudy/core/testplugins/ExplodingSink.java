package org.understudy.core.testplugins;

import java.util.List;
import org.understudy.api.PluginContext;
import org.understudy.api.model.StoredReading;
import org.understudy.api.spi.Sink;

/** A sink whose start always throws. */
public final class ExplodingSink implements Sink<NoConfig> {
    @Override
    public String id() {
        return "exploding-sink";
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
    public void start(PluginContext<NoConfig> context) {
        throw new IllegalStateException("boom on purpose");
    }

    @Override
    public void stop() {
    }

    @Override
    public void deliver(List<StoredReading> batch) {
    }
}
