package org.understudy.core;

import java.util.Objects;
import java.util.function.Supplier;
import org.understudy.api.Plugin;
import org.understudy.api.PluginKind;

/**
 * A plugin implementation found by a discovery mechanism: a factory for fresh instances plus one
 * instance used to read its id, config type and defaults.
 */
public record DiscoveredPlugin(PluginKind kind, Plugin<?> prototype, Supplier<? extends Plugin<?>> factory,
                               PluginOrigin origin) {
    public DiscoveredPlugin {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(prototype, "prototype");
        Objects.requireNonNull(factory, "factory");
        Objects.requireNonNull(origin, "origin");
    }

    public String id() {
        return prototype.id();
    }

    public String pid() {
        return "understudy." + id();
    }
}
