package org.understudy.core.osgi;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.util.tracker.BundleTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.api.Plugin;
import org.understudy.api.PluginKind;
import org.understudy.core.DiscoveredPlugin;
import org.understudy.core.PluginOrigin;
import org.understudy.core.PluginRuntime;

/**
 * The extender: finds plugins registered in {@code META-INF/services} of every started bundle, loads them
 * through the bundle's own class loader, and withdraws them when the bundle stops.
 */
final class BundlePluginScanner extends BundleTracker<PluginOrigin> {

    private static final Logger LOG = LoggerFactory.getLogger(BundlePluginScanner.class);

    private final PluginRuntime runtime;
    private final Map<Long, List<Map<String, Object>>> failures = new ConcurrentHashMap<>();

    BundlePluginScanner(BundleContext context, PluginRuntime runtime) {
        super(context, Bundle.ACTIVE, null);
        this.runtime = runtime;
        runtime.addStatusEntries(() -> failures.values().stream().flatMap(List::stream).toList());
    }

    @Override
    public PluginOrigin addingBundle(Bundle bundle, BundleEvent event) {
        PluginOrigin origin = new PluginOrigin(bundle.getSymbolicName(), bundle.getVersion().toString(),
                bundle.getLocation());
        List<DiscoveredPlugin> found = new ArrayList<>();
        List<Map<String, Object>> broken = new ArrayList<>();
        for (PluginKind kind : PluginKind.values()) {
            URL services = bundle.getEntry("META-INF/services/" + kind.spi().getName());
            if (services == null) {
                continue;
            }
            for (String className : classNames(services, origin, broken)) {
                try {
                    Class<?> type = bundle.loadClass(className);
                    if (!kind.spi().isAssignableFrom(type)) {
                        throw new IllegalArgumentException(className + " does not implement " + kind.spi().getName()
                                + " (or is wired to another version of the api)");
                    }
                    var constructor = type.getConstructor();
                    Plugin<?> prototype = (Plugin<?>) constructor.newInstance();
                    found.add(new DiscoveredPlugin(kind, prototype, () -> {
                        try {
                            return (Plugin<?>) constructor.newInstance();
                        } catch (ReflectiveOperationException e) {
                            throw new IllegalStateException("cannot instantiate " + className, e);
                        }
                    }, origin));
                } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
                    String reason = "cannot load plugin class " + className + ": " + e;
                    LOG.error("bundle {}: {}", origin, reason);
                    broken.add(failure(className, kind.name(), origin, reason));
                }
            }
        }
        if (found.isEmpty() && broken.isEmpty()) {
            return null;
        }
        if (!broken.isEmpty()) {
            failures.put(bundle.getBundleId(), broken);
        }
        runtime.add(found);
        return origin;
    }

    @Override
    public void removedBundle(Bundle bundle, BundleEvent event, PluginOrigin origin) {
        failures.remove(bundle.getBundleId());
        runtime.remove(origin);
    }

    private static List<String> classNames(URL services, PluginOrigin origin, List<Map<String, Object>> broken) {
        List<String> names = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(services.openStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                int hash = line.indexOf('#');
                String name = (hash >= 0 ? line.substring(0, hash) : line).trim();
                if (!name.isEmpty()) {
                    names.add(name);
                }
            }
        } catch (IOException e) {
            broken.add(failure(services.getPath(), null, origin, "cannot read " + services + ": " + e.getMessage()));
        }
        return names;
    }

    static Map<String, Object> failure(String id, String kind, PluginOrigin origin, String error) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("kind", kind);
        m.put("version", origin.version());
        m.put("state", "FAILED");
        m.put("bundle", origin.name());
        m.put("error", error);
        return m;
    }
}
