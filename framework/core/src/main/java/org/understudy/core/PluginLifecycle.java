package org.understudy.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.api.Plugin;
import org.understudy.api.spi.DeviceProfile;
import org.understudy.api.spi.LanDriver;
import org.understudy.api.spi.Sink;

/** Starts, reconfigures and stops single plugins; always called on the runtime's lifecycle thread. */
final class PluginLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(PluginLifecycle.class);

    private final Path dataDirectory;
    private final Path confDirectory;
    private final SharedThreads threads;
    private final ConnectivityTracker connectivity;
    private final ProfileRegistry profiles;
    private final StoreRecorder recorder;
    private final Clock clock;
    private final Supplier<Duration> stopTimeout;
    private final SinkRunners sinks;
    private final Supplier<org.understudy.api.GatewayInfo> gateway;
    private final org.understudy.api.ActionService actions;
    private final WebMounts mounts;
    private final GatewayMetrics metrics;

    PluginLifecycle(Path dataDirectory, Path confDirectory, SharedThreads threads, ConnectivityTracker connectivity,
                    ProfileRegistry profiles, StoreRecorder recorder, Clock clock, Supplier<Duration> stopTimeout,
                    SinkRunners sinks, Supplier<org.understudy.api.GatewayInfo> gateway, org.understudy.api.ActionService actions,
                    WebMounts mounts, GatewayMetrics metrics) {
        this.mounts = mounts;
        this.metrics = metrics;
        this.gateway = gateway;
        this.actions = actions;
        this.dataDirectory = dataDirectory;
        this.confDirectory = confDirectory;
        this.threads = threads;
        this.connectivity = connectivity;
        this.profiles = profiles;
        this.recorder = recorder;
        this.clock = clock;
        this.stopTimeout = stopTimeout;
        this.sinks = sinks;
    }

    /** Starts {@code p} with {@code config}; on failure leaves it FAILED with nothing left open. */
    void start(ManagedPlugin p, Record config) {
        p.state = PluginState.STARTING;
        p.since = clock.instant();
        Plugin<Record> instance = null;
        PluginContextImpl<Record> context = null;
        try {
            instance = p.newInstance();
            ClassLoader loader = instance.getClass().getClassLoader();
            Path dir = dataDirectory.resolve("plugins").resolve(p.id());
            Files.createDirectories(dir);
            ScopedScheduler scheduler = new ScopedScheduler(p.id(), loader, threads);
            context = new PluginContextImpl<>(p.id(), config, dir, confDirectory, recorder, scheduler,
                    new ScopedConnectivity(connectivity, scheduler), threads, profiles, gateway.get(), actions, mounts,
                    metrics.forPlugin(p.id()));
            Thread current = Thread.currentThread();
            ClassLoader previous = current.getContextClassLoader();
            current.setContextClassLoader(loader);
            try {
                instance.start(context);
                if (instance instanceof DeviceProfile<?> profile) {
                    profiles.put(profile);
                    context.onContributionsChanged(() -> profiles.put(profile));
                    LanDriver driver = profile.lanDriver().orElse(null);
                    if (driver != null) {
                        driver.start();
                        p.driver = driver;
                    }
                }
                if (instance instanceof Sink<?> sink) {
                    p.sinkRunner = sinks.start(p.id(), sink, context.scheduler());
                }
            } finally {
                current.setContextClassLoader(previous);
            }
            p.instance = instance;
            p.context = context;
            p.config = config;
            p.error = null;
            p.startFailed = false;
            p.state = PluginState.ACTIVE;
            p.since = clock.instant();
            LOG.info("started {} plugin {} from {}", p.kind(), p.id(), p.discovered.origin());
        } catch (Throwable t) {
            String reason = describe(t);
            LOG.error("plugin {} from {} failed to start: {}", p.id(), p.discovered.origin(), reason, t);
            if (instance instanceof DeviceProfile<?> profile) {
                profiles.remove(profile);
            }
            if (p.driver != null) {
                safely(p.driver::stop, p, "LAN driver stop");
                p.driver = null;
            }
            if (instance != null) {
                safely(instance::stop, p, "stop after failed start");
            }
            if (context != null) {
                context.close();
            }
            p.instance = null;
            p.context = null;
            p.error = "start failed: " + reason;
            p.startFailed = true;
            p.state = PluginState.FAILED;
            p.since = clock.instant();
        }
    }

    /** Stops a running plugin and releases everything it had; sets {@code after} as its state. */
    void stop(ManagedPlugin p, PluginState after) {
        Plugin<Record> instance = p.instance;
        if (instance == null) {
            if (p.state != PluginState.FAILED) {
                p.state = after;
            }
            return;
        }
        if (p.driver != null) {
            safely(p.driver::stop, p, "LAN driver stop");
            p.driver = null;
        }
        if (instance instanceof DeviceProfile<?> profile) {
            profiles.remove(profile);
        }
        if (p.sinkRunner != null) {
            sinks.stop(p.sinkRunner);
            p.sinkRunner = null;
        }
        stopWithin(instance, p);
        p.context.close();
        p.instance = null;
        p.context = null;
        p.state = after;
        p.since = clock.instant();
        LOG.info("stopped plugin {} from {}", p.id(), p.discovered.origin());
    }

    /**
     * Calls {@code stop()} on a thread of its own and waits at most {@code stopTimeout}: a plugin stuck
     * in stop must not hold up a swap, an update or the gateway's shutdown. Its resources are released
     * by the caller either way.
     */
    private void stopWithin(Plugin<Record> instance, ManagedPlugin p) {
        Duration timeout = stopTimeout.get();
        Thread stopper = new Thread(() -> safely(instance::stop, p, "stop"), "understudy-stop-" + p.id());
        stopper.setDaemon(true);
        stopper.setContextClassLoader(instance.getClass().getClassLoader());
        stopper.start();
        try {
            stopper.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (stopper.isAlive()) {
            LOG.error("plugin {} did not stop within {} (stopTimeout); releasing its resources anyway", p.id(), timeout);
            stopper.interrupt();
        }
    }

    /** Applies a new valid configuration: in place when the plugin can, else by a restart. */
    void reconfigure(ManagedPlugin p, Record config) {
        if (!p.running()) {
            p.config = config;
            return;
        }
        LOG.info("reconfiguring plugin {}: {} -> {}", p.id(), ConfigSchema.describe(p.config), ConfigSchema.describe(config));
        boolean inPlace;
        try {
            inPlace = p.instance.reconfigure(config);
        } catch (Throwable t) {
            LOG.warn("plugin {} failed to reconfigure in place ({}); restarting it", p.id(), describe(t));
            inPlace = false;
        }
        if (inPlace) {
            p.context.config(config);
            p.config = config;
            if (p.instance instanceof DeviceProfile<?> profile) {
                profiles.put(profile);
                replaceDriverIfChanged(p, profile);
            }
            LOG.info("reconfigured plugin {} in place", p.id());
        } else {
            if (p.instance instanceof DeviceProfile<?> profile) {
                profiles.restarting(profile);
            }
            stop(p, PluginState.STOPPED);
            start(p, config);
            profiles.settled(p.id());
        }
    }

    /** After an in-place reconfigure: a profile that now gives another LAN driver gets it started, the old one stopped. */
    private void replaceDriverIfChanged(ManagedPlugin p, DeviceProfile<?> profile) {
        LanDriver now = profile.lanDriver().orElse(null);
        if (now == p.driver) {
            return;
        }
        if (p.driver != null) {
            safely(p.driver::stop, p, "LAN driver stop");
        }
        p.driver = null;
        if (now != null) {
            try {
                now.start();
                p.driver = now;
            } catch (Exception e) {
                LOG.error("plugin {}: its LAN driver failed to start after a reconfigure: {}", p.id(), describe(e), e);
                p.error = "LAN driver failed to start: " + describe(e);
            }
        }
    }

    /** The plugin's figures for the status API; a failing status() must not break the report. */
    static Map<String, Object> pluginStatus(ManagedPlugin p) {
        Plugin<Record> instance = p.instance;
        if (instance == null) {
            return Map.of();
        }
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        try {
            out.putAll(instance.status());
        } catch (RuntimeException e) {
            out.put("statusError", describe(e));
        }
        SinkRunner runner = p.sinkRunner;
        if (runner != null) {
            out.put("delivery", runner.status());
        }
        return out;
    }

    private static void safely(Runnable action, ManagedPlugin p, String what) {
        try {
            action.run();
        } catch (Throwable t) {
            LOG.warn("plugin {}: {} threw {}", p.id(), what, describe(t), t);
        }
    }

    static String describe(Throwable t) {
        return org.understudy.api.Errors.describe(t);
    }

}
