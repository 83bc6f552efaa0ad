package org.understudy.core;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.Collector;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.api.Meters;

/**
 * The {@link Meters} of one plugin instance (or of the runtime itself): what it registers is published by
 * {@link GatewayMetrics} until {@link #close()}, when the plugin stops.
 */
final class PluginMeters implements Meters, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PluginMeters.class);

    /** One meter registered by this owner: what it is, so asking again gets it back. */
    private record Registered(String type, List<String> labels, Collector collector, Object meter) {}

    private final String owner;
    private final GatewayMetrics metrics;
    private final Map<String, Registered> registered = new LinkedHashMap<>();
    /** Callback meters whose last read failed (so a failure is logged once, not at every scrape). */
    private final java.util.Set<String> failing = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private boolean closed;

    PluginMeters(String owner, GatewayMetrics metrics) {
        this.owner = owner;
        this.metrics = metrics;
    }

    @Override
    public synchronized Meters.Counter counter(String name, String help, String... labelNames) {
        if (name == null || !name.endsWith("_total")) {
            throw new IllegalArgumentException("a counter's name ends in _total: '" + name + "'");
        }
        Object existing = existing(name, "counter", labelNames);
        if (existing != null) {
            return (Meters.Counter) existing;
        }
        String full = metrics.claim(owner, name);
        io.prometheus.metrics.core.metrics.Counter counter = io.prometheus.metrics.core.metrics.Counter.builder().name(full).help(help(help)).labelNames(labelNames).withoutExemplars().build();
        return (Meters.Counter) add(name, "counter", labelNames, counter, new CounterMeter(full, counter, labelNames.length));
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
        Object existing = existing(name, "histogram" + Arrays.toString(bounds), labelNames);
        if (existing != null) {
            return (Meters.Histogram) existing;
        }
        String full = metrics.claim(owner, name);
        io.prometheus.metrics.core.metrics.Histogram histogram = io.prometheus.metrics.core.metrics.Histogram.builder().name(full).help(help(help)).labelNames(labelNames).classicOnly()
                .classicUpperBounds(bounds).withoutExemplars().build();
        return (Meters.Histogram) add(name, "histogram" + Arrays.toString(bounds), labelNames, histogram,
                new HistogramMeter(full, histogram, labelNames.length));
    }

    @Override
    public synchronized void gauge(String name, String help, Callback callback, String... labelNames) {
        String full = claimOnce(name, "gauge", callback);
        GaugeWithCallback gauge = GaugeWithCallback.builder().name(full).help(help(help)).labelNames(labelNames)
                .callback(sink -> read(full, labelNames.length, callback, sink::call)).build();
        add(name, "gauge", labelNames, gauge, gauge);
    }

    @Override
    public synchronized void counterWithCallback(String name, String help, Callback callback, String... labelNames) {
        if (name == null || !name.endsWith("_total")) {
            throw new IllegalArgumentException("a counter's name ends in _total: '" + name + "'");
        }
        String full = claimOnce(name, "counter", callback);
        CounterWithCallback counter = CounterWithCallback.builder().name(full).help(help(help)).labelNames(labelNames)
                .callback(sink -> read(full, labelNames.length, callback, sink::call)).build();
        add(name, "counter", labelNames, counter, counter);
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

    /** Runs a callback for a scrape; what it cannot read is left out of that scrape, and said once, not at each. */
    private void read(String full, int labels, Callback callback, Values sink) {
        try {
            callback.report((value, labelValues) -> {
                if (labelValues.length != labels) {
                    throw new IllegalArgumentException(full + " has " + labels + " label(s), got " + labelValues.length);
                }
                sink.value(value, labelValues);
            });
            failing.remove(full);
        } catch (RuntimeException e) {
            if (failing.add(full)) {
                LOG.warn("{}: {} could not be read: {}", owner, full, e.toString());
            }
        }
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

    private Object add(String name, String type, String[] labelNames, Collector collector, Object meter) {
        if (closed) {
            metrics.release(owner, name, collector);
            throw new IllegalStateException(owner + " has stopped: its meters are withdrawn");
        }
        metrics.register(collector);
        registered.put(name, new Registered(type, List.of(labelNames), collector, meter));
        return meter;
    }

    private static String help(String help) {
        return help == null ? "" : help;
    }

    /** Withdraws every meter of this owner from {@code /metrics}. */
    @Override
    public synchronized void close() {
        closed = true;
        registered.forEach((name, r) -> metrics.release(owner, name, r.collector()));
        registered.clear();
    }

    private static void checkLabels(String name, int expected, String[] values) {
        if (values == null || values.length != expected) {
            throw new IllegalArgumentException(name + " has " + expected + " label(s), got " + (values == null ? 0 : values.length));
        }
    }

    /** A counter, or with labels given, one of its series. */
    private record CounterMeter(String name, io.prometheus.metrics.core.metrics.Counter counter, int labels, CounterDataPoint series) implements Meters.Counter {
        CounterMeter(String name, io.prometheus.metrics.core.metrics.Counter counter, int labels) {
            this(name, counter, labels, labels == 0 ? counter : null);
        }

        @Override
        public void add(double amount) {
            if (series == null) {
                throw new IllegalStateException(name + " has labels: count on one of its series, from labels(...)");
            }
            if (amount < 0 || Double.isNaN(amount)) {
                throw new IllegalArgumentException(name + ": a counter only goes up, got " + amount);
            }
            series.inc(amount);
        }

        @Override
        public Meters.Counter labels(String... values) {
            if (series != null) {
                throw new IllegalStateException(name + ": labels are given once, on the counter itself");
            }
            checkLabels(name, labels, values);
            return new CounterMeter(name, counter, labels, counter.labelValues(values));
        }
    }

    /** A histogram, or with labels given, one of its series. */
    private record HistogramMeter(String name, io.prometheus.metrics.core.metrics.Histogram histogram, int labels, DistributionDataPoint series)
            implements Meters.Histogram {
        HistogramMeter(String name, io.prometheus.metrics.core.metrics.Histogram histogram, int labels) {
            this(name, histogram, labels, labels == 0 ? histogram : null);
        }

        @Override
        public void observe(double value) {
            if (series == null) {
                throw new IllegalStateException(name + " has labels: observe on one of its series, from labels(...)");
            }
            series.observe(value);
        }

        @Override
        public Meters.Histogram labels(String... values) {
            if (series != null) {
                throw new IllegalStateException(name + ": labels are given once, on the histogram itself");
            }
            checkLabels(name, labels, values);
            return new HistogramMeter(name, histogram, labels, histogram.labelValues(values));
        }
    }
}
