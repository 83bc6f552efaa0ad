package org.understudy.launcher;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Boots Understudy: Felix with the infrastructure bundles of {@code system/} (the runtime bundle last),
 * in the foreground, until SIGTERM/SIGINT or a framework stop. The Felix cache is cleaned at every start
 * and everything is installed afresh from {@code system/} and {@code bundles/}, so a restart can never
 * activate a bundle twice; configuration lives outside the cache in {@code data/config}. The cache is
 * {@code understudy.cache} ({@code cache/} of the installation, {@code UNDERSTUDY_CACHE}), not in the data
 * directory.
 */
public final class Main {

    /** How long a clean shutdown may take before the JVM is halted. */
    static final Duration SHUTDOWN_TIMEOUT = Duration.ofMillis(2500);
    static final String RUNTIME_BUNDLE = "org.understudy.core";
    static final String SLF4J_PACKAGES = "org.slf4j;version=2.0.17,org.slf4j.event;version=2.0.17,"
            + "org.slf4j.helpers;version=2.0.17,org.slf4j.spi;version=2.0.17,"
            + "org.slf4j;version=1.7.36,org.slf4j.helpers;version=1.7.36";

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        Path home = Path.of(System.getProperty("understudy.home", ".")).toAbsolutePath().normalize();
        LauncherConfig config;
        try {
            // a setting the launcher cannot use is said once, on stderr, before anything starts
            config = LauncherConfig.load(home, System::getenv);
            String logFile = config.get("understudy.log.file").trim();
            if (!logFile.equals("true") && !logFile.equals("false")) {
                throw new IllegalArgumentException("UNDERSTUDY_LOG_FILE (understudy.log.file) must be true or false, got '" + logFile + "'");
            }
            LogSetup.LogFiles files = logFile.equals("false") ? null : new LogSetup.LogFiles(config.path("understudy.data").resolve("log"),
                    config.getLong("understudy.log.maxFileBytes"), (int) config.getLong("understudy.log.maxFiles"),
                    Duration.ofDays(config.getLong("understudy.log.maxAgeDays")));
            LogSetup.configure(files, config.get("understudy.log.level"));
        } catch (IllegalArgumentException e) {
            System.err.println("understudy: " + e.getMessage());
            System.exit(2);
            return;
        }
        Logger log = LoggerFactory.getLogger(Main.class);
        long t0 = System.nanoTime();
        Framework framework = newFramework(config);
        framework.init();
        List<Bundle> bundles = installSystemBundles(framework, config.path("understudy.system"), log);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> shutdown(framework, log), "understudy-shutdown"));
        framework.start();
        // The admin web (Jetty, Web Console) starts last, after the runtime: DNS and the proxy serve the
        // devices while it is still coming up, rather than a second later.
        List<Bundle> web = bundles.stream().filter(Main::isAdminWeb).toList();
        for (Bundle b : bundles) {
            if (!web.contains(b) && !startBundle(b, log)) {
                framework.stop();
                framework.waitForStop(SHUTDOWN_TIMEOUT.toMillis());
                System.exit(1);
            }
        }
        awaitDevicesServed(framework, log);
        web.forEach(b -> startBundle(b, log));
        log.info("Understudy started in {} ms: dashboard on http://{}:{}/ (Web Console at /system/console, status at /api/status)",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), config.get("org.apache.felix.http.host"),
                config.get("org.osgi.service.http.port"));
        FrameworkEvent end = framework.waitForStop(0);
        log.info("framework stopped ({})", end.getType() == FrameworkEvent.STOPPED ? "clean" : "event " + end.getType());
    }

    /** How long the admin web waits for the runtime to have started the plugins found at start. */
    static final Duration WEB_START_WAIT = Duration.ofSeconds(10);

    /**
     * Waits until the runtime says the plugins found at start are started (a marker service), at most
     * {@link #WEB_START_WAIT}: on a small box the admin web's start would otherwise take the cores the DNS
     * server and the proxy need to come up.
     */
    private static void awaitDevicesServed(Framework framework, Logger log) throws InterruptedException {
        long deadline = System.nanoTime() + WEB_START_WAIT.toNanos();
        String filter = "(understudy.startup.settled=true)";
        try {
            while (framework.getBundleContext().getServiceReferences((String) null, filter) == null) {
                if (System.nanoTime() > deadline) {
                    log.warn("plugins still starting after {} s; starting the admin web anyway", WEB_START_WAIT.toSeconds());
                    return;
                }
                Thread.sleep(10);
            }
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Bundles of the admin web, started after the runtime. */
    static boolean isAdminWeb(Bundle b) {
        String name = String.valueOf(b.getSymbolicName());
        return name.startsWith("org.apache.felix.http.jetty") || name.startsWith("org.apache.felix.webconsole")
                || name.startsWith("org.apache.felix.inventory");
    }

    /** Starts a system bundle (not a fragment); false when it is the runtime and it failed. */
    private static boolean startBundle(Bundle b, Logger log) {
        if (b.getHeaders().get(Constants.FRAGMENT_HOST) != null) {
            return true;
        }
        try {
            b.start();
            return true;
        } catch (BundleException e) {
            log.error("system bundle {} failed to start: {}", b.getSymbolicName(), e.getMessage());
            if (RUNTIME_BUNDLE.equals(b.getSymbolicName())) {
                log.error("the Understudy runtime cannot start; stopping");
                return false;
            }
            return true;
        }
    }

    static Framework newFramework(LauncherConfig config) {
        Map<String, Object> props = new HashMap<>(config.all());
        Path data = config.path("understudy.data");
        // the framework's cache (14 MB of unpacked bundles, rebuilt at every start) stays out of the data
        // directory: on a small data partition it alone could leave the store no room
        // (its felix/ folder: bin/understudy keeps its class archive beside it, which Felix's clean must not take)
        props.put(Constants.FRAMEWORK_STORAGE, config.path("understudy.cache").resolve("felix").toString());
        props.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        props.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, SLF4J_PACKAGES);
        props.put("felix.cm.dir", data.resolve("config").toString());
        props.put("felix.webconsole.security.providers", "understudy");
        props.put("felix.log.logger", new FelixLogBridge());
        props.put("felix.log.level", "2");
        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class).findFirst()
                .orElseThrow(() -> new IllegalStateException("no OSGi framework on the class path (lib/)"));
        // Felix takes object values (the logger); the OSGi signature says String.
        @SuppressWarnings({"unchecked", "rawtypes"})
        Map<String, String> untyped = (Map) props;
        return factory.newFramework(untyped);
    }

    /** Installs every jar of {@code system/}, the Understudy runtime last so its dependencies start first. */
    static List<Bundle> installSystemBundles(Framework framework, Path systemDirectory, Logger log) throws IOException {
        List<Path> jars = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(systemDirectory, "*.jar")) {
            dir.forEach(jars::add);
        }
        jars.sort((a, b) -> {
            boolean coreA = a.getFileName().toString().startsWith("understudy-core");
            boolean coreB = b.getFileName().toString().startsWith("understudy-core");
            return coreA != coreB ? Boolean.compare(coreA, coreB) : a.compareTo(b);
        });
        List<Bundle> installed = new ArrayList<>();
        for (Path jar : jars) {
            try {
                // by reference: the jar is used where it lies, not copied into the framework's cache at every start
                installed.add(framework.getBundleContext().installBundle("reference:" + jar.toUri()));
            } catch (BundleException e) {
                log.error("cannot install system bundle {}: {}", jar.getFileName(), e.getMessage());
            }
        }
        return installed;
    }

    private static void shutdown(Framework framework, Logger log) {
        if (framework.getState() != Bundle.ACTIVE && framework.getState() != Bundle.STARTING) {
            return;
        }
        long t0 = System.nanoTime();
        log.info("shutting down");
        try {
            framework.stop();
            FrameworkEvent event = framework.waitForStop(SHUTDOWN_TIMEOUT.toMillis());
            if (event.getType() == FrameworkEvent.WAIT_TIMEDOUT) {
                log.error("shutdown took longer than {} ms; halting", SHUTDOWN_TIMEOUT.toMillis());
                Runtime.getRuntime().halt(1);
            }
            log.info("shut down in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        } catch (BundleException | InterruptedException e) {
            log.error("shutdown failed", e);
        }
    }
}
