package org.understudy.core.osgi;

import java.nio.file.Files;

import java.time.Clock;
import java.util.Hashtable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.util.tracker.ServiceTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.core.ConfigSchema;
import org.understudy.core.DirectoryWatch;
import org.understudy.core.PluginRuntime;
import org.understudy.core.RuntimeSettings;
import org.understudy.core.web.AdminCredentials;
import org.understudy.core.web.AdminGate;
import org.understudy.core.web.MetricsServlet;

/**
 * Boots the runtime inside Felix: configuration (conf/ files and ConfigAdmin), the plugin extender, the
 * bundles/ deployer and the web endpoints. Directories and intervals come from framework properties
 * that the launcher sets ({@link HostSettings}).
 */
public final class Activator implements BundleActivator {

    private static final Logger LOG = LoggerFactory.getLogger(Activator.class);

    private PluginRuntime runtime;
    private ServiceTracker<ConfigurationAdmin, ConfigurationAdmin> configAdminTracker;
    private volatile ConfigAdminBridge bridge;
    private BundlePluginScanner scanner;
    private ScheduledExecutorService watchers;
    private DirectoryWatch directories;
    private WebEndpoints web;
    private volatile org.osgi.framework.ServiceRegistration<?> settledMarker;
    /** Service property of the marker registered once the plugins found at start are started. */
    public static final String STARTUP_SETTLED = "understudy.startup.settled";

    @Override
    public void start(BundleContext context) throws Exception {
        HostSettings host = HostSettings.from(context::getProperty);
        Files.createDirectories(host.data());
        Files.createDirectories(host.bundles());
        runtime = new PluginRuntime(host.data(), host.conf(), System::getenv, Clock.systemUTC());
        runtime.version(context.getBundle().getVersion().toString());

        watchers = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "understudy-deploy");
            t.setDaemon(true);
            return t;
        });
        // conf/ and bundles/ are scanned when they change, on the deploy thread, one scan at a time
        directories = new DirectoryWatch(watchers, "understudy-deploy-watch");
        // Configuration is wired when ConfigAdmin is there: at once in the distribution (it starts
        // first, so plugins start with their configuration), or whenever it arrives.
        configAdminTracker = new ServiceTracker<>(context, ConfigurationAdmin.class, null) {
            @Override
            public ConfigurationAdmin addingService(ServiceReference<ConfigurationAdmin> reference) {
                ConfigurationAdmin configAdmin = super.addingService(reference);
                if (configAdmin != null && bridge == null) {
                    wireConfiguration(context, host, configAdmin);
                }
                return configAdmin;
            }
        };
        configAdminTracker.open();
        if (bridge == null) {
            LOG.warn("no ConfigurationAdmin service yet: plugins run with defaults until it arrives");
        }

        AdminCredentials credentials = AdminCredentials.load(host.adminUser(), host.adminPassword(),
                System.getenv(AdminCredentials.ENV_PASSWORD), host.data());
        String metricsToken = System.getenv(MetricsServlet.ENV_TOKEN);
        web = new WebEndpoints(context, runtime, new AdminGate(credentials, host.loginThrottle()),
                metricsToken != null && !metricsToken.isBlank() ? metricsToken : host.metricsToken());
        web.open();

        // the plugins of bundles/ are all installed before any starts, so they start in kind order
        runtime.holdStarts();
        scanner = new BundlePluginScanner(context, runtime);
        scanner.open();

        BundleDeployer deployer = new BundleDeployer(context, host.bundles());
        runtime.addStatusEntries(deployer::failures);
        watchers.execute(() -> {
            try {
                deployer.run();
            } finally {
                runtime.startHeld();
                // tells the launcher that the devices are served: it starts the admin web only now
                Hashtable<String, Object> props = new Hashtable<>();
                props.put(STARTUP_SETTLED, Boolean.TRUE);
                settledMarker = context.registerService(Object.class, new Object(), props);
            }
        });
        directories.onChange(host.bundles(), host.pollInterval(), watchers, deployer);
        LOG.info("Understudy {} runtime started (data {}, conf {}, bundles {})", context.getBundle().getVersion(),
                host.data(), host.conf(), host.bundles());
    }

    private synchronized void wireConfiguration(BundleContext context, HostSettings host, ConfigurationAdmin configAdmin) {
        ConfFileWatcher conf = new ConfFileWatcher(host.conf(), host.data(), configAdmin);
        conf.run();
        bridge = new ConfigAdminBridge(context, runtime, configAdmin);
        bridge.preload();
        runtime.configurationSource(bridge::stored);
        runtime.configurationWriter(bridge::store);
        bridge.register(RuntimeSettings.PID, ConfigSchema.of(RuntimeSettings.class, RuntimeSettings.DEFAULTS));
        runtime.addListener(bridge);
        directories.onChange(host.conf(), host.pollInterval(), watchers, conf);
    }

    @Override
    public void stop(BundleContext context) throws Exception {
        if (settledMarker != null) {
            try {
                settledMarker.unregister();
            } catch (IllegalStateException alreadyGone) {
                // unregistered by the framework
            }
        }
        if (directories != null) {
            directories.close();
        }
        if (watchers != null) {
            watchers.shutdownNow();
            watchers.awaitTermination(2, TimeUnit.SECONDS);
        }
        if (web != null) {
            web.close();
        }
        if (scanner != null) {
            scanner.close();
        }
        if (runtime != null) {
            runtime.close();
        }
        if (bridge != null) {
            bridge.close();
        }
        if (configAdminTracker != null) {
            configAdminTracker.close();
        }
        LOG.info("Understudy runtime stopped");
    }

}
