package org.understudy.core;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Every series the gateway publishes on {@code /metrics}: the JVM's and the process's, the runtime's own
 * ({@link RuntimeMeters}) and each running plugin's ({@link PluginMeters}). The Prometheus client is only touched
 * when {@code /metrics} is scraped ({@link Exposition}); until then meters are plain adders. Thread-safe.
 */
public final class GatewayMetrics {

    static final String PREFIX = "understudy_";
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,99}");

    /** Which plugin (or "(runtime)") owns each name. */
    private final Map<String, String> owners = new ConcurrentHashMap<>();
    private final Set<PluginMeters> live = ConcurrentHashMap.newKeySet();
    private volatile Exposition exposition;

    GatewayMetrics() {
    }

    /** The meters of one plugin instance; {@link PluginMeters#close()} withdraws them. */
    PluginMeters forPlugin(String pluginId) {
        PluginMeters meters = new PluginMeters(pluginId, this);
        live.add(meters);
        return meters;
    }

    /** Writes every series in the Prometheus text format (version 0.0.4). */
    public void write(OutputStream out) throws IOException {
        exposition().write(out, List.copyOf(live));
    }

    public String contentType() {
        return exposition().contentType();
    }

    private Exposition exposition() {
        Exposition e = exposition;
        if (e == null) {
            synchronized (this) {
                e = exposition;
                if (e == null) {
                    e = new Exposition();
                    exposition = e;
                }
            }
        }
        return e;
    }

    /**
     * Claims {@code name} for {@code owner} and returns the series' full name.
     *
     * @throws IllegalArgumentException when the name is malformed or another owner has it
     */
    String claim(String owner, String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("metric name must be lower case letters, digits and '_', starting with a letter"
                    + " (at most 100): '" + name + "'");
        }
        String had = owners.putIfAbsent(name, owner);
        if (had != null && !had.equals(owner)) {
            throw new IllegalArgumentException("metric '" + name + "' is already published by " + had);
        }
        return PREFIX + name;
    }

    void release(String owner, String name) {
        owners.remove(name, owner);
    }

    void withdraw(PluginMeters meters) {
        live.remove(meters);
    }
}
