package org.understudy.launcher;

import java.io.IOException;
import java.io.InputStream;
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
 * activate a bundle twice; configuration lives outside the cache in {@code data/config}.
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
            config = LauncherConfig.load(home, System::getenv);
        } catch (IllegalArgumentException e) {
            System.err.println("understudy: " + e.getMessage());
            System.exit(2);
            return;
        }
        LogSetup.configure(config.path("understudy.data").resolve("log"), config.get("understudy.log.level"));
        Logger log = LoggerFactory.getLogger(Main.class);
        long t0 = System.nanoTime();
        Framework framework = newFramework(config);
        framework.init();
        List<Bundle> bundles = installSystemBundles(framework, config.path("understudy.system"), log);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> shutdown(framework, log), "understudy-shutdown"));
        framework.start();
        for (Bundle b : bundles) {
            if (b.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                try {
                    b.start();
                } catch (BundleException e) {
                    log.error("system bundle {} failed to start: {}", b.getSymbolicName(), e.getMessage());
                    if (RUNTIME_BUNDLE.equals(b.getSymbolicName())) {
                        log.error("the Understudy runtime cannot start; stopping");
                        framework.stop();
                        framework.waitForStop(SHUTDOWN_TIMEOUT.toMillis());
                        System.exit(1);
                    }
                }
            }
        }
        log.info("Understudy started in {} ms: admin web on http://{}:{}/system/console, status at /api/status",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), config.get("org.apache.felix.http.host"),
                config.get("org.osgi.service.http.port"));
        FrameworkEvent end = framework.waitForStop(0);
        log.info("framework stopped ({})", end.getType() == FrameworkEvent.STOPPED ? "clean" : "event " + end.getType());
    }

    static Framework newFramework(LauncherConfig config) {
        Map<String, Object> props = new HashMap<>(config.all());
        Path data = config.path("understudy.data");
        props.put(Constants.FRAMEWORK_STORAGE, data.resolve("felix-cache").toString());
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
            try (InputStream in = Files.newInputStream(jar)) {
                installed.add(framework.getBundleContext().installBundle("understudy:system/" + jar.getFileName(), in));
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
