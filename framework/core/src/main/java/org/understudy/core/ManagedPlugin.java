package org.understudy.core;

import java.time.Instant;
import java.util.List;
import org.understudy.api.Plugin;
import org.understudy.api.PluginKind;
import org.understudy.api.spi.LanDriver;

/**
 * The runtime's bookkeeping for one discovered plugin implementation. Mutated only on the lifecycle
 * thread; the volatile fields are read by the status API from any thread.
 */
final class ManagedPlugin {

    final DiscoveredPlugin discovered;
    final ConfigSchema schema;
    volatile PluginState state = PluginState.INSTALLED;
    volatile String error;
    volatile List<String> configErrors = List.of();
    volatile List<String> configWarnings = List.of();
    /** The last configuration rejected (to report a rejection once however often it is offered), else null. */
    java.util.Map<String, Object> rejected;
    volatile Record config;
    volatile Instant since;
    volatile Plugin<Record> instance;
    PluginContextImpl<Record> context;
    LanDriver driver;
    /** For a running sink: its store-and-forward loop. */
    volatile SinkRunner sinkRunner;
    /** Set when start failed with the current configuration: do not retry until something changes. */
    boolean startFailed;
    /** Another plugin with the same id came first. */
    boolean duplicate;

    ManagedPlugin(DiscoveredPlugin discovered, ConfigSchema schema) {
        this.discovered = discovered;
        this.schema = schema;
    }

    String id() {
        return discovered.id();
    }

    PluginKind kind() {
        return discovered.kind();
    }

    boolean running() {
        return instance != null;
    }

    @SuppressWarnings("unchecked")
    Plugin<Record> prototype() {
        return (Plugin<Record>) discovered.prototype();
    }

    @SuppressWarnings("unchecked")
    Plugin<Record> newInstance() {
        return (Plugin<Record>) discovered.factory().get();
    }
}
