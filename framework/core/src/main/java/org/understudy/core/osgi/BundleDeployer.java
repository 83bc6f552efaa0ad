package org.understudy.core.osgi;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deploys the plugin jars of the {@code bundles/} directory: a new jar is installed and started, a
 * changed one updated (its plugins restart with their configuration kept), a deleted one uninstalled.
 * A file is acted on once its size and modification time stayed the same for one scan, so a jar being
 * copied is never read half-written; the jars present at the first scan are deployed at once (a half-written
 * one fails its manifest check and is deployed when it changes again). A jar that cannot be deployed is reported with its reason and
 * retried when any jar changes.
 */
final class BundleDeployer implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(BundleDeployer.class);
    static final String LOCATION_PREFIX = "understudy:bundles/";

    /** Compared by hand: a record's generated equals is linked through method handles at its first call, at start. */
    private record Stamp(long size, long modified) {
        @Override
        public boolean equals(Object other) {
            return other instanceof Stamp s && s.size == size && s.modified == modified;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(size) * 31 + Long.hashCode(modified);
        }
    }

    private final BundleContext context;
    private final Path directory;
    private final BundleRefresher refresher;
    private final Map<String, Stamp> lastScan = new HashMap<>();
    private final Map<String, Stamp> deployed = new HashMap<>();
    private final Map<String, String> errors = new ConcurrentHashMap<>();
    /** The first scan deploys what is there at start at once; later ones wait for a jar to be stable. */
    private boolean firstScan = true;

    BundleDeployer(BundleContext context, Path directory) {
        this.context = context;
        this.directory = directory;
        this.refresher = new BundleRefresher(context);
    }

    /** Jars that could not be deployed, as status entries. */
    List<Map<String, Object>> failures() {
        List<Map<String, Object>> out = new ArrayList<>();
        errors.forEach((file, error) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", file);
            m.put("kind", "BUNDLE");
            Bundle b = context.getBundle(LOCATION_PREFIX + file);
            m.put("version", b == null ? null : b.getVersion().toString());
            m.put("state", "FAILED");
            m.put("bundle", b == null ? file : b.getSymbolicName());
            m.put("error", error);
            out.add(m);
        });
        return out;
    }

    @Override
    public synchronized void run() {
        Map<String, Stamp> now = new HashMap<>();
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(directory, "*.jar")) {
            for (Path jar : jars) {
                String name = jar.getFileName().toString();
                if (!name.startsWith(".")) {
                    now.put(name, new Stamp(Files.size(jar), Files.getLastModifiedTime(jar).toMillis()));
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot scan {}: {}", directory, e.getMessage());
            return;
        }
        boolean changed = false;
        for (Map.Entry<String, Stamp> e : now.entrySet()) {
            String name = e.getKey();
            boolean stable = firstScan || e.getValue().equals(lastScan.get(name));
            if (stable && !e.getValue().equals(deployed.get(name))) {
                deploy(name, deployed.containsKey(name));
                deployed.put(name, e.getValue());
                changed = true;
            }
        }
        for (String name : new ArrayList<>(deployed.keySet())) {
            if (!now.containsKey(name)) {
                undeploy(name);
                deployed.remove(name);
                changed = true;
            }
        }
        lastScan.clear();
        lastScan.putAll(now);
        firstScan = false;
        if (changed) {
            retryUnresolved();
        }
    }

    private void deploy(String name, boolean update) {
        Path jar = directory.resolve(name);
        String location = LOCATION_PREFIX + name;
        errors.remove(name);
        String problem = checkManifest(jar);
        Bundle existing = context.getBundle(location);
        if (problem != null) {
            fail(name, existing == null ? problem
                    : problem + "; the previous version " + existing.getVersion() + " keeps running");
            return;
        }
        try (InputStream in = Files.newInputStream(jar)) {
            Bundle bundle;
            if (existing != null) {
                // Stop first so the plugins of the old revision stop exactly once, then update and
                // refresh so nothing keeps the old class loader, then start the new revision once.
                existing.stop();
                existing.update(in);
                refresher.refresh(existing);
                bundle = existing;
                LOG.info("updated {} to {} {}", name, bundle.getSymbolicName(), bundle.getVersion());
            } else {
                bundle = context.installBundle(location, in);
                LOG.info("installed {} as {} {}", name, bundle.getSymbolicName(), bundle.getVersion());
            }
            start(name, bundle);
        } catch (IOException | BundleException | RuntimeException e) {
            fail(name, (update ? "update failed: " : "install failed: ") + e.getMessage());
        }
    }

    private void start(String name, Bundle bundle) {
        if (bundle.getHeaders().get("Fragment-Host") != null) {
            return;
        }
        try {
            bundle.start();
            errors.remove(name);
        } catch (BundleException | RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            fail(name, e == cause ? e.getMessage() : e.getMessage() + ": " + cause);
        }
    }

    private void undeploy(String name) {
        errors.remove(name);
        Bundle bundle = context.getBundle(LOCATION_PREFIX + name);
        if (bundle == null) {
            return;
        }
        try {
            bundle.uninstall();
            refresher.refresh(bundle);
            LOG.info("uninstalled {} ({})", name, bundle.getSymbolicName());
        } catch (BundleException | IllegalStateException e) {
            LOG.warn("cannot uninstall {}: {}", name, e.getMessage());
        }
    }

    /** A jar that failed to resolve may resolve now that another one arrived. */
    private void retryUnresolved() {
        for (String name : new ArrayList<>(errors.keySet())) {
            Bundle bundle = context.getBundle(LOCATION_PREFIX + name);
            if (bundle != null && bundle.getState() != Bundle.ACTIVE) {
                start(name, bundle);
            }
        }
    }

    private void fail(String name, String reason) {
        errors.put(name, reason);
        LOG.error("cannot deploy bundles/{}: {}", name, reason);
    }

    private static String checkManifest(Path jar) {
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            if (manifest == null || manifest.getMainAttributes().getValue("Bundle-SymbolicName") == null) {
                return "not an OSGi bundle: its manifest has no Bundle-SymbolicName";
            }
            return null;
        } catch (IOException e) {
            return "not a readable jar: " + e.getMessage();
        }
    }
}
