package org.understudy.core;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.api.Connectivity;
import org.understudy.api.NettyTransport;
import org.understudy.api.PluginContext;
import org.understudy.api.PluginScheduler;
import org.understudy.api.ProfileDirectory;
import org.understudy.api.FlowLog;
import org.understudy.api.Recorder;

/** The context of one started plugin instance; {@link #close()} releases everything it handed out. */
final class PluginContextImpl<C extends Record> implements PluginContext<C>, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PluginContextImpl.class);

    private final String pluginId;
    private volatile C config;
    private final Path dataDirectory;
    private final Path confDirectory;
    private final StoreRecorder recorder;
    private final ScopedScheduler scheduler;
    private final ScopedConnectivity connectivity;
    private final SharedThreads netty;
    private final ProfileDirectory profiles;
    private final org.understudy.api.GatewayInfo gateway;
    private final org.understudy.api.ActionService actions;
    private final WebMounts mounts;
    private final PluginMeters meters;
    private final Deque<AutoCloseable> owned = new ArrayDeque<>();

    PluginContextImpl(String pluginId, C config, Path dataDirectory, Path confDirectory, StoreRecorder recorder, ScopedScheduler scheduler,
                      ScopedConnectivity connectivity, SharedThreads netty, ProfileDirectory profiles,
                      org.understudy.api.GatewayInfo gateway, org.understudy.api.ActionService actions, WebMounts mounts,
                      PluginMeters meters) {
        this.mounts = mounts;
        this.meters = meters;
        this.gateway = gateway;
        this.actions = actions;
        this.pluginId = pluginId;
        this.config = config;
        this.dataDirectory = dataDirectory;
        this.confDirectory = confDirectory;
        this.recorder = recorder;
        this.scheduler = scheduler;
        this.connectivity = connectivity;
        this.netty = netty;
        this.profiles = profiles;
    }

    @Override
    public String pluginId() {
        return pluginId;
    }

    @Override
    public C config() {
        return config;
    }

    void config(C newConfig) {
        this.config = newConfig;
    }

    @Override
    public Path dataDirectory() {
        return dataDirectory;
    }

    @Override
    public Path confDirectory() {
        return confDirectory;
    }

    @Override
    public Recorder recorder() {
        return recorder;
    }

    @Override
    public FlowLog flowLog() {
        return recorder;
    }

    @Override
    public org.understudy.api.QueryService queries() {
        return recorder;
    }

    /** What re-reads the plugin's contributions; set once the plugin runs. */
    private volatile Runnable contributions = () -> { };

    void onContributionsChanged(Runnable reread) {
        this.contributions = reread;
    }

    @Override
    public void contributionsChanged() {
        contributions.run();
    }

    @Override
    public org.understudy.api.web.WebEndpoints web() {
        // a mount lasts until the plugin stops: its subscription is owned like any other resource
        return new org.understudy.api.web.WebEndpoints() {
            @Override
            public org.understudy.api.Subscription mount(String path, String title, org.understudy.api.web.WebHandler handler) {
                return own(mounts.mount(pluginId, path, title, handler, false));
            }

            @Override
            public org.understudy.api.Subscription mountHome(String path, String title, org.understudy.api.web.WebHandler handler) {
                return own(mounts.mount(pluginId, path, title, handler, true));
            }
        };
    }

    @Override
    public org.understudy.api.ActionService actions() {
        return actions;
    }

    @Override
    public org.understudy.api.GatewayInfo gateway() {
        return gateway;
    }

    @Override
    public Connectivity connectivity() {
        return connectivity;
    }

    @Override
    public PluginScheduler scheduler() {
        return scheduler;
    }

    @Override
    public NettyTransport netty() {
        return netty;
    }

    @Override
    public ProfileDirectory profiles() {
        return profiles;
    }

    @Override
    public org.understudy.api.Meters meters() {
        return meters;
    }

    @Override
    public synchronized <T extends AutoCloseable> T own(T resource) {
        owned.push(resource);
        return resource;
    }

    /** Cancels the plugin's timers and probes and closes what it owned, newest first. */
    @Override
    public void close() {
        scheduler.close();
        meters.close();
        connectivity.close();
        AutoCloseable next;
        boolean closedSome = false;
        while ((next = poll()) != null) {
            closedSome = true;
            try {
                next.close();
            } catch (Exception e) {
                LOG.warn("closing a resource of plugin {} failed", pluginId, e);
            }
        }
        if (closedSome) {
            netty.settleEventLoops();
        }
    }

    private synchronized AutoCloseable poll() {
        return owned.poll();
    }
}
