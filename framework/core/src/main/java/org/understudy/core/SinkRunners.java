package org.understudy.core;

import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.understudy.api.PluginScheduler;
import org.understudy.api.spi.ReadingStore;
import org.understudy.api.spi.Sink;

/** The running sinks' loops; woken together whenever readings are recorded. */
final class SinkRunners {

    private final Supplier<Optional<ReadingStore<?>>> store;
    private final Supplier<RuntimeSettings> settings;
    private final Clock clock;
    private final Set<SinkRunner> running = ConcurrentHashMap.newKeySet();

    SinkRunners(Supplier<Optional<ReadingStore<?>>> store, Supplier<RuntimeSettings> settings, Clock clock) {
        this.store = store;
        this.settings = settings;
        this.clock = clock;
    }

    /** Starts the loop on one of the sink plugin's own blocking threads (it ends with the plugin). */
    SinkRunner start(String id, Sink<?> sink, PluginScheduler scheduler) {
        SinkRunner runner = new SinkRunner(id, sink, store, settings, clock, scheduler.blocking());
        running.add(runner);
        scheduler.blocking().execute(runner);
        return runner;
    }

    void stop(SinkRunner runner) {
        running.remove(runner);
        runner.stop();
    }

    void recorded() {
        running.forEach(SinkRunner::wake);
    }
}
