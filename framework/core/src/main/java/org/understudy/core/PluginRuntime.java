package org.understudy.core;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.api.PluginKind;
import org.understudy.api.Recorder;
import org.understudy.api.spi.ReadingStore;

/**
 * The plugin runtime, host-independent: it receives discovered plugins (from OSGi bundles or the class
 * path) and configuration dictionaries (from ConfigAdmin or a map), and keeps the right set of plugins
 * running. All lifecycle work happens on one thread, so plugins never see concurrent lifecycle calls;
 * the public methods wait for it to finish.
 */
public final class PluginRuntime implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PluginRuntime.class);
    private static final long CALL_TIMEOUT_SECONDS = 60;
    /** How long after a configuration change its snapshot is taken: the changes of one save or one start make one. */
    private static final Duration SNAPSHOT_DELAY = Duration.ofSeconds(2);
    /**
     * Start order by kind: the store before what records into it, profiles before DNS and proxy, sinks last
     * (they only read the store, and the devices should be served as early as possible), extensions after everything
     * they show.
     */
    private static final List<PluginKind> START_ORDER = List.of(PluginKind.READING_STORE, PluginKind.DEVICE_PROFILE,
            PluginKind.DNS_SERVER, PluginKind.TRAFFIC_PROXY, PluginKind.SINK, PluginKind.EXTENSION);

    /** Told when plugin implementations appear and disappear (the OSGi host registers config forms). */
    public interface Listener {
        void pluginAdded(DiscoveredPlugin plugin, ConfigSchema schema);

        void pluginRemoved(DiscoveredPlugin plugin);
    }

    private final Clock clock;
    private final Instant startedAt;
    private final ConfigBinder binder;
    private final ExecutorService lifecycleThread;
    private final SharedThreads threads;
    private final ConnectivityTracker connectivity;
    private final ProfileRegistry profiles = new ProfileRegistry();
    private final PluginLifecycle lifecycle;
    private final StoreRecorder recorder;
    private final SinkRunners sinks;
    private final List<ManagedPlugin> plugins = new CopyOnWriteArrayList<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, Map<String, Object>> configurations = new HashMap<>();
    private final RuntimeStatus status;
    private final ActionRunner actions;
    private final WebMounts mounts = new WebMounts();
    private final GatewayMetrics metrics = new GatewayMetrics();
    private volatile Function<String, Map<String, Object>> configurationSource;
    private volatile java.util.function.BiConsumer<String, Map<String, Object>> configurationWriter = this::configure;
    private final ConfigSnapshots snapshots;
    /** A snapshot is to be taken shortly (changes that come together make one); lifecycle thread only. */
    private boolean snapshotDue;
    private volatile RuntimeSettings settings = RuntimeSettings.DEFAULTS;
    private volatile List<String> settingsErrors = List.of();
    private volatile boolean closed;
    /** While true, discovered plugins are registered but none is started (the host is still finding them). */
    private boolean holding;
    private volatile boolean settled = true;
    private Thread lifecycleOwner;

    /**
     * @param dataDirectory where plugins get their data directories
     * @param confDirectory the configuration files directory, handed to plugins read-only
     * @param environment environment variable lookup ({@code System::getenv} in production)
     */
    public PluginRuntime(Path dataDirectory, Path confDirectory, Function<String, String> environment, Clock clock) {
        this.clock = clock;
        this.startedAt = clock.instant();
        this.binder = new ConfigBinder(environment);
        this.lifecycleThread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "understudy-lifecycle");
            t.setDaemon(true);
            lifecycleOwner = t;
            return t;
        });
        this.threads = new SharedThreads(RuntimeSettings.DEFAULTS.blockingThreads(),
                () -> settings.eventLoopThreads());
        this.connectivity = new ConnectivityTracker(clock);
        this.sinks = new SinkRunners(this::store, this::settings, clock);
        this.recorder = new StoreRecorder(this::activeStore, this::whyNoStore, sinks::recorded,
                task -> threads.blocking().execute(task));
        RuntimeStatus report = new RuntimeStatus(this);
        this.status = report;
        this.actions = new ActionRunner(recorder, this::actionsOfProfile, recorder, task -> threads.blocking().execute(task),
                () -> settings.actionTimeout(), clock);
        this.lifecycle = new PluginLifecycle(dataDirectory, confDirectory, threads, connectivity, profiles, recorder, clock,
                () -> settings.stopTimeout(), sinks, () -> new org.understudy.api.GatewayInfo(report.version(), startedAt, settings.site()), actions,
                mounts, metrics);
        new RuntimeMeters(this, metrics.forPlugin("(runtime)"), dataDirectory).register();
        this.snapshots = new ConfigSnapshots(dataDirectory.resolve("config-snapshots"), clock);
    }

    public void addListener(Listener listener) {
        listeners.add(listener);
        call(() -> {
            plugins.forEach(p -> listener.pluginAdded(p.discovered, p.schema));
            return null;
        });
    }

    /**
     * Where stored configuration is read from when a plugin appears, so it starts with its
     * configuration rather than restarting when the configuration arrives a moment later. Once set,
     * it is the truth for appearing plugins: what {@link #configure} kept for an absent pid may be
     * stale (changed while no plugin listened). Returns {@code null} when nothing is stored.
     */
    public void configurationSource(Function<String, Map<String, Object>> source) {
        this.configurationSource = source;
    }

    /**
     * How a restored configuration is stored (ConfigAdmin, so that it survives a restart, and from there back into
     * {@link #configure}); by default straight into {@link #configure}.
     */
    public void configurationWriter(java.util.function.BiConsumer<String, Map<String, Object>> writer) {
        this.configurationWriter = writer;
    }

    /**
     * Registers plugins found from now on without starting any, until {@link #startHeld()}: a host that finds
     * its plugins one by one (the bundles present at start) calls it first, so that everything then starts in
     * kind order (store, sinks, profiles, then DNS and proxy), and the proxy never serves before the profiles
     * are registered.
     */
    public void holdStarts() {
        call(() -> {
            holding = true;
            settled = false;
            return null;
        });
    }

    /** Starts what was held by {@link #holdStarts()}; from now on plugins start as they are found. */
    public void startHeld() {
        call(() -> {
            holding = false;
            reconcile();
            settled = true;
            if (snapshotDue && !closed) {
                scheduleSnapshot(); // the configurations the start brought, as one snapshot
            }
            return null;
        });
    }

    /** False while plugins found at start are still held back ({@link #holdStarts()}). */
    public boolean startupSettled() {
        return settled;
    }

    /**
     * Adds discovered implementations and starts what should run. While starts are held ({@link #holdStarts()})
     * it returns at once: the host goes on installing the next bundle while the lifecycle thread registers these
     * (in the order given, before {@link #startHeld()} runs), instead of each bundle waiting for the one before.
     */
    public void add(List<DiscoveredPlugin> discovered) {
        if (!settled && Thread.currentThread() != lifecycleOwner) {
            lifecycleThread.execute(() -> {
                try {
                    register(discovered);
                } catch (RuntimeException e) {
                    LOG.error("registering the plugins of {} failed", discovered.isEmpty() ? "?" : discovered.get(0).origin(), e);
                }
            });
            return;
        }
        call(() -> {
            register(discovered);
            return null;
        });
    }

    private void register(List<DiscoveredPlugin> discovered) {
        for (DiscoveredPlugin d : discovered) {
            ConfigSchema schema;
            try {
                if (d.id() == null || !d.id().matches("[a-z0-9][a-z0-9-]{0,62}")) {
                    throw new IllegalArgumentException("plugin id '" + d.id()
                            + "' must be lowercase letters, digits and '-'");
                }
                schema = ConfigSchema.of(d.prototype().configType(), d.prototype().defaultConfig(),
                        ConfigSchema.listenerEnvironment(d.kind()));
            } catch (RuntimeException e) {
                ManagedPlugin broken = new ManagedPlugin(d, null);
                broken.state = PluginState.FAILED;
                broken.error = "not a valid plugin: " + PluginLifecycle.describe(e);
                plugins.add(broken);
                continue;
            }
            ManagedPlugin p = new ManagedPlugin(d, schema);
            Optional<ManagedPlugin> same = find(d.id());
            if (same.isPresent()) {
                p.duplicate = true;
                p.state = PluginState.FAILED;
                p.error = "duplicate plugin id '" + d.id() + "': already provided by "
                        + same.get().discovered.origin();
                LOG.error("plugin {} from {} ignored: {}", d.id(), d.origin(), p.error);
            } else {
                bindConfig(p);
                listeners.forEach(l -> l.pluginAdded(d, schema));
            }
            plugins.add(p);
        }
        reconcile();
    }

    /** Stops and forgets every plugin that came from {@code origin} (a bundle being stopped). */
    public void remove(PluginOrigin origin) {
        call(() -> {
            List<ManagedPlugin> leaving = plugins.stream().filter(p -> p.discovered.origin().equals(origin)).toList();
            stopInOrder(leaving, PluginState.STOPPED);
            plugins.removeAll(leaving);
            for (ManagedPlugin p : leaving) {
                if (!p.duplicate && p.schema != null) {
                    listeners.forEach(l -> l.pluginRemoved(p.discovered));
                }
            }
            for (ManagedPlugin p : plugins) {
                if (p.duplicate && find(p.id()).isEmpty()) {
                    p.duplicate = false;
                    p.state = PluginState.INSTALLED;
                    p.error = null;
                    bindConfig(p);
                    listeners.forEach(l -> l.pluginAdded(p.discovered, p.schema));
                }
            }
            reconcile();
            return null;
        });
    }

    /**
     * Applies a configuration dictionary ({@code null} = deleted, back to defaults). For a plugin that is
     * present, an invalid dictionary is rejected and the previous configuration stays in force.
     *
     * @return the binding result; {@code valid()} is false when rejected
     */
    public ConfigBinder.Result<?> configure(String pid, Map<String, ?> properties) {
        Map<String, Object> props = properties == null ? Map.of() : Map.copyOf(properties);
        return call(() -> {
            if (RuntimeSettings.PID.equals(pid)) {
                ConfigBinder.Result<RuntimeSettings> r = binder.bind(RuntimeSettings.class, RuntimeSettings.DEFAULTS, props);
                if (r.valid()) {
                    remember(pid, props);
                    String siteBefore = settings.site();
                    settings = r.config();
                    settingsErrors = List.of();
                    threads.resizeBlocking(settings.blockingThreads());
                    if (!siteBefore.equals(settings.site())) {
                        // sinks name the site in what they send: they start again under the new name
                        stopInOrder(plugins.stream().filter(p -> p.running() && p.kind() == PluginKind.SINK).toList(), PluginState.INSTALLED);
                    }
                    reconcile();
                } else {
                    settingsErrors = r.errors();
                    LOG.error("rejected configuration {}: {}", pid, r.errors());
                }
                return r;
            }
            ManagedPlugin p = managed(pid);
            if (p == null) {
                remember(pid, props);
                return new ConfigBinder.Result<>(null, List.of(), List.of("no plugin with pid " + pid + " is installed; kept for later"));
            }
            ConfigBinder.Result<Record> r = bind(p, props);
            if (!r.valid()) {
                // reported once per distinct configuration, however often it is offered again
                if (!props.equals(p.rejected)) {
                    LOG.error("rejected configuration {}: {}; the previous configuration stays in force", pid, r.errors());
                }
                p.rejected = props;
                p.configErrors = r.errors();
                if (p.config == null) {
                    p.state = PluginState.FAILED;
                }
                return r;
            }
            p.rejected = null;
            remember(pid, props);
            p.configWarnings = r.warnings();
            r.warnings().forEach(w -> LOG.warn("configuration {}: {}", pid, w));
            if (!RecordValues.same(r.config(), p.config)) {
                // A rejection stays visible until a different configuration is accepted: putting
                // the previous one back after a rejection must not hide why.
                p.configErrors = List.of();
                p.startFailed = false;
                lifecycle.reconfigure(p, r.config());
            }
            reconcile();
            return r;
        });
    }

    /**
     * Checks a configuration without applying it (the Web Console validates a form this way before it is
     * stored). A rejection is recorded like one of {@link #configure}: in the status and, once, in the log.
     *
     * @return why it cannot be applied; empty when it can (or when no plugin with that pid is installed)
     */
    public List<String> check(String pid, Map<String, ?> properties) {
        Map<String, Object> props = properties == null ? Map.of() : Map.copyOf(properties);
        return call(() -> {
            ManagedPlugin p = managed(pid);
            List<String> errors = validate(pid, p, props);
            if (!errors.isEmpty() && p != null) {
                if (!props.equals(p.rejected)) {
                    LOG.error("rejected configuration {}: {}; the previous configuration stays in force", pid, errors);
                }
                p.rejected = props;
                p.configErrors = errors;
            }
            return errors;
        });
    }

    /**
     * Why {@code props} cannot be applied to {@code pid}, whose plugin is {@code p} (empty: it can, or no plugin has that
     * pid); records nothing.
     */
    private List<String> validate(String pid, ManagedPlugin p, Map<String, Object> props) {
        if (RuntimeSettings.PID.equals(pid)) {
            return binder.bind(RuntimeSettings.class, RuntimeSettings.DEFAULTS, props).errors();
        }
        return p == null ? List.of() : bind(p, props).errors();
    }

    /** The plugin configured by {@code pid}, or {@code null}. */
    private ManagedPlugin managed(String pid) {
        return plugins.stream().filter(m -> !m.duplicate && m.schema != null && m.discovered.pid().equals(pid))
                .findFirst().orElse(null);
    }

    /**
     * Keeps {@code props} as the accepted configuration of {@code pid}; a change is snapshot shortly after, or, while
     * starts are held, shortly after they are released: a slow start's configurations make one snapshot, not two.
     */
    private void remember(String pid, Map<String, Object> props) {
        Map<String, Object> before = configurations.put(pid, props);
        if (!props.equals(before) && !snapshotDue && !closed) {
            snapshotDue = true;
            if (!holding) {
                scheduleSnapshot();
            }
        }
    }

    /** Lifecycle thread: takes the due snapshot {@link #SNAPSHOT_DELAY} from now. */
    private void scheduleSnapshot() {
        threads.timer().schedule(() -> {
            try {
                call(() -> {
                    takeSnapshot();
                    return null;
                });
            } catch (RuntimeException e) {
                LOG.error("cannot take a configuration snapshot: {}", org.understudy.api.Errors.describe(e));
            }
        }, SNAPSHOT_DELAY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Lifecycle thread. */
    private void takeSnapshot() {
        if (!snapshotDue) {
            return;
        }
        snapshotDue = false;
        try {
            snapshots.take(configurations, settings.configSnapshots()).ifPresent(s ->
                    LOG.info("configuration snapshot {} kept ({} configurations)", s.id(), s.configurations().size()));
        } catch (java.io.IOException e) {
            LOG.error("cannot write a configuration snapshot: {}", org.understudy.api.Errors.describe(e));
        }
    }

    /** The configuration snapshots kept, newest first: id, time, pids, bytes. Safe from any thread. */
    public List<Map<String, Object>> configSnapshots() {
        return call(() -> {
            List<Map<String, Object>> out = new java.util.ArrayList<>();
            for (ConfigSnapshots.Summary s : snapshots.list()) {
                Map<String, Object> m = new java.util.LinkedHashMap<>();
                m.put("id", s.id());
                m.put("time", s.time() == null ? null : s.time().toString());
                m.put("pids", s.pids());
                m.put("bytes", s.bytes());
                if (s.time() == null) {
                    m.put("error", "damaged: not a readable snapshot");
                }
                out.add(m);
            }
            return out;
        });
    }

    /** Snapshot {@code id} as its file, for download; empty when there is no such snapshot. */
    public Optional<byte[]> configSnapshot(String id) {
        return call(() -> snapshots.bytes(id));
    }

    /** Every accepted configuration now, as a snapshot file (not kept). */
    public byte[] currentConfiguration() {
        return call(() -> snapshots.encodeCurrent(configurations));
    }

    /**
     * Restores a snapshot file: every configuration it holds is validated first, and only if all can be applied
     * are they stored (through the {@link #configurationWriter}); pids it does not name keep their configuration.
     *
     * @return the restored pids
     * @throws IllegalArgumentException when the file is not a snapshot, or (with every reason, per pid) when one of
     *         its configurations cannot be applied; nothing is changed then
     */
    public List<String> restoreConfiguration(byte[] file) {
        ConfigSnapshots.Snapshot snapshot = ConfigSnapshots.decode(file, null);
        Map<String, Map<String, Object>> restore = new java.util.TreeMap<>(snapshot.configurations());
        List<String> problems = call(() -> {
            List<String> out = new java.util.ArrayList<>();
            restore.forEach((pid, props) -> validate(pid, managed(pid), props).forEach(e -> out.add(pid + ": " + e)));
            return out;
        });
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("the snapshot of " + snapshot.time() + " cannot be applied, nothing was changed: "
                    + String.join("; ", problems));
        }
        java.util.function.BiConsumer<String, Map<String, Object>> writer = configurationWriter;
        restore.forEach((pid, props) -> writer.accept(pid, ConfigSnapshots.forConfigAdmin(props)));
        LOG.warn("configuration restored from the snapshot of {}: {}", snapshot.time(), restore.keySet());
        return List.copyOf(restore.keySet());
    }

    /** The snapshot kept as {@code id}, restored as {@link #restoreConfiguration} does. */
    public Optional<List<String>> restoreConfigSnapshot(String id) {
        return configSnapshot(id).map(this::restoreConfiguration);
    }

    /**
     * What the Web Console should say about {@code pid} besides its fields: a human title, why the last
     * configuration offered was rejected (empty if it was not), and the environment variables overriding
     * fields now (field name to {@code VARIABLE=value}).
     */
    public record ConfigNotes(String title, List<String> rejected, Map<String, String> overrides) {}

    /** The {@link ConfigNotes} of {@code pid}; cheap, safe from any thread. */
    public ConfigNotes notes(String pid) {
        if (RuntimeSettings.PID.equals(pid)) {
            return new ConfigNotes("Understudy runtime", settingsErrors, Map.of());
        }
        ManagedPlugin p = managed(pid);
        return p == null ? new ConfigNotes(pid, List.of(), Map.of())
                : new ConfigNotes("Understudy " + kindLabel(p.kind()) + ": " + p.id(), p.configErrors,
                        binder.overridesInForce(p.prototype().configType(), ConfigSchema.listenerEnvironment(p.kind())));
    }

    private static String kindLabel(PluginKind kind) {
        return switch (kind) {
            case DNS_SERVER -> "DNS server";
            case TRAFFIC_PROXY -> "traffic proxy";
            case READING_STORE -> "reading store";
            case SINK -> "sink";
            case DEVICE_PROFILE -> "device profile";
            case EXTENSION -> "extension";
        };
    }

    /** The last configuration dictionary that was accepted for {@code pid}, if any. */
    public Optional<Map<String, Object>> acceptedConfiguration(String pid) {
        return Optional.ofNullable(call(() -> configurations.get(pid)));
    }

    /** The full status report ({@code /api/status} shape). */
    public Map<String, Object> status() {
        return status.report();
    }

    /** Sets the product version shown by the status report. */
    public void version(String version) {
        status.version(version);
    }

    /** Adds entries to the report's plugin list (for example jars that could not be deployed). */
    public void addStatusEntries(java.util.function.Supplier<List<Map<String, Object>>> entries) {
        status.addEntries(entries);
    }

    public Instant startedAt() {
        return startedAt;
    }

    Clock clock() {
        return clock;
    }

    List<ManagedPlugin> plugins() {
        return plugins;
    }

    /** The runtime configuration in force. */
    public RuntimeSettings settings() {
        return settings;
    }

    List<String> settingsErrors() {
        return settingsErrors;
    }

    /** The event loops' transport (native epoll or NIO) and why, for the status report. */
    String transport() {
        return threads.transport();
    }

    /** Readings not recorded because they repeated their device's last one. */
    long repeatedReadings() {
        return recorder.repeats.skipped.sum();
    }

    /** Every series of {@code /metrics}. */
    public GatewayMetrics metrics() {
        return metrics;
    }

    /** The web endpoints plugins contribute (the OSGi host serves them). */
    public WebMounts webMounts() {
        return mounts;
    }

    /** Device actions, as plugins and the REST API run them. */
    public org.understudy.api.ActionService actions() {
        return actions;
    }

    /** The actions a running profile offers, by its id. */
    private Optional<org.understudy.api.spi.DeviceActions> actionsOfProfile(String profileId) {
        for (ManagedPlugin p : plugins) {
            if (p.kind() == PluginKind.DEVICE_PROFILE && p.id().equals(profileId)
                    && p.instance instanceof org.understudy.api.spi.DeviceProfile<?> profile) {
                return profile.actions();
            }
        }
        return Optional.empty();
    }

    /** The read side plugins get (and the REST API uses): what the active store keeps. */
    public org.understudy.api.QueryService queries() {
        return recorder;
    }

    /** Recorded flows read back in order, as plugins get them. */
    public org.understudy.api.FlowLog flowLog() {
        return recorder;
    }

    /** The recorder plugins get: writes into the active store. */
    public Recorder recorder() {
        return recorder;
    }

    ConnectivityTracker connectivity() {
        return connectivity;
    }

    /** The hostnames claimed by running profiles. */
    public ProfileRegistry profiles() {
        return profiles;
    }

    private void bindConfig(ManagedPlugin p) {
        String pid = p.discovered.pid();
        Function<String, Map<String, Object>> source = configurationSource;
        if (source != null) {
            Map<String, Object> stored = source.apply(pid);
            if (stored != null) {
                configurations.put(pid, Map.copyOf(stored));
            } else {
                configurations.remove(pid);
            }
        }
        Map<String, Object> configured = configurations.getOrDefault(pid, Map.of());
        ConfigBinder.Result<Record> r = bind(p, configured);
        p.configWarnings = r.warnings();
        if (r.valid()) {
            p.configErrors = List.of();
            p.config = r.config();
            return;
        }
        // A stored configuration this version cannot apply (saved under an environment override, or by an older
        // version): the plugin runs on its defaults until a valid one is saved, and says so once; the stored one
        // is left as it is, for the user to correct.
        configurations.remove(pid);
        p.rejected = configured;
        p.configErrors = r.errors();
        ConfigBinder.Result<Record> defaults = bind(p, Map.of());
        p.config = defaults.config();
        if (defaults.valid()) {
            LOG.error("plugin {}: stored configuration rejected ({}); running on its defaults until a valid one is saved",
                    p.id(), r.errors());
        } else {
            p.state = PluginState.FAILED;
            LOG.error("plugin {}: configuration rejected: {}", p.id(), defaults.errors());
            p.configErrors = defaults.errors();
        }
    }

    private ConfigBinder.Result<Record> bind(ManagedPlugin p, Map<String, ?> props) {
        return binder.bind(p.prototype().configType(), p.prototype().defaultConfig(), props,
                ConfigSchema.listenerEnvironment(p.kind()));
    }

    private Optional<ManagedPlugin> find(String id) {
        return plugins.stream().filter(p -> !p.duplicate && p.schema != null && id.equals(p.id())).findFirst();
    }

    /** Whether {@code p} should be running now. */
    boolean wanted(ManagedPlugin p) {
        if (closed || p.duplicate || p.schema == null || p.config == null) {
            return false;
        }
        return !p.kind().singleActive() || p.id().equals(selected(p.kind()).orElse(null));
    }

    /** The id of the implementation of a single-active kind that should run. */
    Optional<String> selected(PluginKind kind) {
        String selector = settings.selector(kind);
        if (!selector.isEmpty()) {
            return Optional.of(selector);
        }
        return plugins.stream().filter(p -> p.kind() == kind && !p.duplicate && p.schema != null)
                .map(ManagedPlugin::id).min(Comparator.naturalOrder());
    }

    private void reconcile() {
        if (holding) {
            return;
        }
        List<ManagedPlugin> toStop = plugins.stream().filter(p -> p.running() && !wanted(p)).toList();
        stopInOrder(toStop, PluginState.STANDBY);
        for (ManagedPlugin p : plugins) {
            if (!p.running() && !wanted(p) && p.state == PluginState.INSTALLED && p.kind().singleActive()) {
                p.state = PluginState.STANDBY;
            }
        }
        for (PluginKind kind : START_ORDER) {
            for (ManagedPlugin p : plugins) {
                if (p.kind() == kind && !p.running() && wanted(p) && !p.startFailed) {
                    lifecycle.start(p, p.config);
                }
            }
        }
    }

    private void stopInOrder(List<ManagedPlugin> targets, PluginState after) {
        List<PluginKind> order = new ArrayList<>(START_ORDER);
        java.util.Collections.reverse(order);
        for (PluginKind kind : order) {
            targets.stream().filter(p -> p.kind() == kind).forEach(p -> lifecycle.stop(p, after));
        }
    }

    /** The reading store that is running now, if any (for queries; writes go through {@link #recorder()}). */
    public Optional<ReadingStore<?>> store() {
        return Optional.ofNullable(activeStore());
    }

    private ReadingStore<?> activeStore() {
        for (ManagedPlugin p : plugins) {
            if (p.kind() == PluginKind.READING_STORE && p.state == PluginState.ACTIVE
                    && p.instance instanceof ReadingStore<?> store) {
                return store;
            }
        }
        return null;
    }

    private String whyNoStore() {
        return selected(PluginKind.READING_STORE).map(id -> "selected store '" + id + "' is not active")
                .orElse("no reading store plugin is installed");
    }

    private <T> T call(Callable<T> work) {
        if (Thread.currentThread() == lifecycleOwner) {
            try {
                return work.call();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        try {
            return lifecycleThread.submit(work).get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the lifecycle thread", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(PluginLifecycle.describe(e.getCause()), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("lifecycle thread did not answer within " + CALL_TIMEOUT_SECONDS + " s", e);
        }
    }

    /**
     * Whether the lifecycle thread (which every configuration, start and stop goes through) takes a task within
     * {@code deadline}: the liveness a watchdog asks about. Safe from any thread; never blocks longer than that.
     */
    public boolean answers(Duration deadline) {
        if (closed) {
            return false;
        }
        if (Thread.currentThread() == lifecycleOwner) {
            return true;
        }
        try {
            lifecycleThread.submit(() -> true).get(deadline.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException | java.util.concurrent.RejectedExecutionException e) {
            return false;
        }
    }

    /** Stops every plugin (reverse start order) and shuts down all runtime threads. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        try {
            call(() -> {
                takeSnapshot(); // a change made just before the stop is kept too
                closed = true;
                stopInOrder(plugins.stream().filter(ManagedPlugin::running).toList(), PluginState.STOPPED);
                return null;
            });
        } finally {
            closed = true;
            lifecycleThread.shutdownNow();
            threads.close();
        }
    }
}
