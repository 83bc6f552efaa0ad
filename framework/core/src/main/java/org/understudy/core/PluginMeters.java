package org.understudy.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.understudy.api.Meters;

/**
 * The {@link Meters} of one plugin instance (or of the runtime itself): what it registers is published by
 * {@link GatewayMetrics} until {@link #close()}, when the plugin stops.
 */
final class PluginMeters implements Meters, AutoCloseable {

    /** One meter registered by this owner, with what it is, so asking again gets it back. */
    private record Registered(String type, List<String> labels, MeterSeries.Meter meter) {}

    private final String owner;
    private final GatewayMetrics metrics;
    private final Map<String, Registered> registered = new LinkedHashMap<>();
    /** Callback meters whose last read failed (so a failure is logged once, not at every scrape). */
    final Set<String> failing = ConcurrentHashMap.newKeySet();
    private boolean closed;

    PluginMeters(String owner, GatewayMetrics metrics) {
        this.owner = owner;
        this.metrics = metrics;
    }

    String owner() {
        return owner;
    }

    @Override
    public synchronized Meters.Counter counter(String name, String help, String... labelNames) {
        requireCounterName(name);
        Object existing = existing(name, "counter", labelNames);
        if (existing != null) {
            return (Meters.Counter) existing;
        }
        return (Meters.Counter) add(name, "counter", labelNames, new MeterSeries.Counter(metrics.claim(owner, name), help(help),
                List.of(labelNames)));
    }

    @Override
    public synchronized Meters.Histogram histogram(String name, String help, List<Double> buckets, String... labelNames) {
        double[] bounds = buckets == null ? new double[0] : buckets.stream().mapToDouble(Double::doubleValue).toArray();
        for (int i = 0; i < bounds.length; i++) {
            if (!Double.isFinite(bounds[i]) || i > 0 && bounds[i] <= bounds[i - 1]) {
                throw new IllegalArgumentException("histogram " + name + ": buckets must be finite and ascending, got " + buckets);
            }
        }
        if (bounds.length == 0) {
            throw new IllegalArgumentException("histogram " + name + " needs at least one bucket");
        }
        String type = "histogram" + Arrays.toString(bounds);
        Object existing = existing(name, type, labelNames);
        if (existing != null) {
            return (Meters.Histogram) existing;
        }
        return (Meters.Histogram) add(name, type, labelNames, new MeterSeries.Histogram(metrics.claim(owner, name), help(help),
                List.of(labelNames), bounds));
    }

    @Override
    public synchronized void gauge(String name, String help, Callback callback, String... labelNames) {
        add(name, "gauge", labelNames, new MeterSeries.Callback(claimOnce(name, "gauge", callback), help(help),
                List.of(labelNames), false, callback));
    }

    @Override
    public synchronized void counterWithCallback(String name, String help, Callback callback, String... labelNames) {
        requireCounterName(name);
        add(name, "counter", labelNames, new MeterSeries.Callback(claimOnce(name, "counter", callback), help(help),
                List.of(labelNames), true, callback));
    }

    private static void requireCounterName(String name) {
        if (name == null || !name.endsWith("_total")) {
            throw new IllegalArgumentException("a counter's name ends in _total: '" + name + "'");
        }
    }

    private String claimOnce(String name, String type, Callback callback) {
        if (callback == null) {
            throw new IllegalArgumentException(type + " " + name + " needs a callback");
        }
        if (registered.containsKey(name)) {
            throw new IllegalArgumentException("'" + name + "' is already registered by " + owner);
        }
        return metrics.claim(owner, name);
    }

    private Object existing(String name, String type, String[] labelNames) {
        Registered r = registered.get(name);
        if (r == null) {
            return null;
        }
        if (!r.type().equals(type) || !r.labels().equals(List.of(labelNames))) {
            throw new IllegalArgumentException("'" + name + "' is already registered by " + owner + " as a " + r.type()
                    + " with labels " + r.labels());
        }
        return r.meter();
    }

    private Object add(String name, String type, String[] labelNames, MeterSeries.Meter meter) {
        if (closed) {
            metrics.release(owner, name);
            throw new IllegalStateException(owner + " has stopped: its meters are withdrawn");
        }
        registered.put(name, new Registered(type, List.of(labelNames), meter));
        return meter;
    }

    private static String help(String help) {
        return help == null ? "" : help;
    }

    /** The meters registered now, for a scrape. */
    synchronized List<MeterSeries.Meter> meters() {
        List<MeterSeries.Meter> out = new ArrayList<>();
        registered.values().forEach(r -> out.add(r.meter()));
        return out;
    }

    /** Withdraws every meter of this owner from {@code /metrics}. */
    @Override
    public synchronized void close() {
        closed = true;
        registered.keySet().forEach(name -> metrics.release(owner, name));
        registered.clear();
        metrics.withdraw(this);
    }
}
