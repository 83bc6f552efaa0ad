package org.understudy.core;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmBufferPoolMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmGarbageCollectorMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmThreadsMetrics;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Every series the gateway publishes on {@code /metrics}: the JVM's and the process's, the runtime's own
 * ({@link RuntimeMeters}) and each running plugin's ({@link PluginMeters}). One registry per runtime, never the
 * Prometheus client's global one. Thread-safe.
 */
public final class GatewayMetrics {

    static final String PREFIX = "understudy_";
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,99}");

    private final PrometheusRegistry registry = new PrometheusRegistry();
    /** Which plugin (or "runtime") owns each name. */
    private final Map<String, String> owners = new ConcurrentHashMap<>();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    GatewayMetrics() {
        JvmMemoryMetrics.builder().register(registry);
        JvmGarbageCollectorMetrics.builder().register(registry);
        JvmThreadsMetrics.builder().register(registry);
        JvmBufferPoolMetrics.builder().register(registry);
        // process_resident_memory_bytes, open file descriptors, CPU seconds
        ProcessMetrics.builder().register(registry);
    }

    /** The meters of one plugin instance; {@link PluginMeters#close()} withdraws them. */
    PluginMeters forPlugin(String pluginId) {
        return new PluginMeters(pluginId, this);
    }

    /** Writes every series in the Prometheus text format (version 0.0.4). */
    public void write(OutputStream out) throws IOException {
        writer.write(out, registry.scrape());
    }

    public String contentType() {
        return writer.getContentType();
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

    void register(Collector collector) {
        registry.register(collector);
    }

    void release(String owner, String name, Collector collector) {
        registry.unregister(collector);
        owners.remove(name, owner);
    }
}
