package org.understudy.api;

import java.nio.file.Path;

/**
 * What the runtime gives one started plugin instance. Valid from {@link Plugin#start} until
 * {@link Plugin#stop} returns; all methods are thread-safe.
 *
 * @param <C> the plugin's configuration record type
 */
@org.osgi.annotation.versioning.ProviderType
public interface PluginContext<C extends Record> {

    /** The plugin's id, as returned by {@link Plugin#id()}. */
    String pluginId();

    /** The configuration currently in force (defaults, then {@code conf/} or console, then env). */
    C config();

    /**
     * The plugin's own data directory ({@code <data>/plugins/<id>}), created before start. It survives
     * restarts and plugin updates; the plugin owns its content.
     */
    Path dataDirectory();

    /**
     * The directory of the gateway's configuration files ({@code conf/}), for plugins that read a file of
     * their own there (the DNS rules file, for example). Plugins must not write into it.
     */
    Path confDirectory();

    /** Records readings, pictures, flows and devices durably in the active store. */
    Recorder recorder();

    /** Recorded flows read back in order, with durable cursors. */
    FlowLog flowLog();

    /** What is stored, read back (devices, latest readings): the same read side the REST API uses. */
    QueryService queries();

    /** Endpoints this plugin contributes to the admin web server, withdrawn when it stops. */
    org.understudy.api.web.WebEndpoints web();

    /** Device actions, whichever profile offers them (the REST API runs them the same way). */
    ActionService actions();

    /** The gateway this plugin runs in: version, start time. */
    GatewayInfo gateway();

    /** Per-upstream connectivity state, shared by all plugins. */
    Connectivity connectivity();

    /** Timers and blocking work on runtime-owned threads; cancelled when the plugin stops. */
    PluginScheduler scheduler();

    /** The runtime's shared Netty event loops and the channel types that go with them. */
    NettyTransport netty();

    /** Hostnames claimed by the running device profiles, for the DNS server and the proxy. */
    ProfileDirectory profiles();

    /** Metrics this plugin publishes on {@code /metrics}, withdrawn when it stops (since 0.5). */
    Meters meters();

    /**
     * Tells the runtime that what this plugin contributes changed while it runs (a declarative profile reloaded
     * its files, a driver found a device): a device profile's hostnames, pass-through names and ports, metrics
     * and actions are read again, and DNS answers, proxy routing and pass-through listeners follow at once,
     * without restarting any plugin. Thread-safe; never blocks; ignored before {@code start} returned.
     */
    void contributionsChanged();

    /**
     * Hands a resource to the runtime: it is closed, in reverse order of registration, after
     * {@link Plugin#stop} returns (or when start fails), even if the plugin forgot to close it. Use it
     * for server channels and sockets so that a replaced plugin version never leaves a port bound.
     *
     * @return {@code resource}, for chaining
     */
    <T extends AutoCloseable> T own(T resource);
}
