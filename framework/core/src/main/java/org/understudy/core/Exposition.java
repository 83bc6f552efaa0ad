package org.understudy.core;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmBufferPoolMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmGarbageCollectorMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmThreadsMetrics;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Prometheus client's side of {@code /metrics}, made at the first scrape: the JVM's and the process's collectors
 * (prometheus-metrics-instrumentation-jvm, in a registry of this runtime's own, never the client's global one), the
 * plugins' meters turned into snapshots, and the text format writer.
 */
final class Exposition {

    private static final Logger LOG = LoggerFactory.getLogger(Exposition.class);

    private final PrometheusRegistry jvm = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    Exposition() {
        JvmMemoryMetrics.builder().register(jvm);
        JvmGarbageCollectorMetrics.builder().register(jvm);
        JvmThreadsMetrics.builder().register(jvm);
        JvmBufferPoolMetrics.builder().register(jvm);
        // process_resident_memory_bytes, open file descriptors, CPU seconds
        ProcessMetrics.builder().register(jvm);
    }

    String contentType() {
        return writer.getContentType();
    }

    void write(OutputStream out, List<PluginMeters> owners) throws IOException {
        MetricSnapshots.Builder all = MetricSnapshots.builder();
        jvm.scrape().forEach(all::metricSnapshot);
        for (PluginMeters owner : owners) {
            for (MeterSeries.Meter meter : owner.meters()) {
                MetricSnapshot s = snapshot(owner, meter);
                if (s != null && !s.getDataPoints().isEmpty()) {
                    all.metricSnapshot(s);
                }
            }
        }
        writer.write(out, all.build());
    }

    private static MetricSnapshot snapshot(PluginMeters owner, MeterSeries.Meter meter) {
        if (meter instanceof MeterSeries.Counter c) {
            CounterSnapshot.Builder b = CounterSnapshot.builder().name(counterName(c.name())).help(c.help());
            c.series.forEach((values, series) -> b.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                    .labels(labels(c.labelNames(), values)).value(series.adder().sum()).build()));
            return b.build();
        }
        if (meter instanceof MeterSeries.Histogram h) {
            double[] bounds = new double[h.bounds.length + 1];
            System.arraycopy(h.bounds, 0, bounds, 0, h.bounds.length);
            bounds[h.bounds.length] = Double.POSITIVE_INFINITY;
            HistogramSnapshot.Builder b = HistogramSnapshot.builder().name(h.name()).help(h.help());
            for (Map.Entry<List<String>, MeterSeries.HistogramSeries> e : h.series.entrySet()) {
                long[] counts = new long[bounds.length];
                for (int i = 0; i < counts.length; i++) {
                    counts[i] = e.getValue().counts[i].sum();
                }
                b.dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder().labels(labels(h.labelNames(), e.getKey()))
                        .classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, counts)).sum(e.getValue().sum.sum()).build());
            }
            return b.build();
        }
        MeterSeries.Callback c = (MeterSeries.Callback) meter;
        List<Labels> labels = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        try {
            c.callback().report((value, labelValues) -> {
                if (labelValues.length != c.labelNames().size()) {
                    throw new IllegalArgumentException(c.name() + " has " + c.labelNames().size() + " label(s), got " + labelValues.length);
                }
                labels.add(labels(c.labelNames(), List.of(labelValues)));
                values.add(value);
            });
            owner.failing.remove(c.name());
        } catch (RuntimeException e) {
            // left out of this scrape; said once, not at every scrape
            if (owner.failing.add(c.name())) {
                LOG.warn("{}: {} could not be read: {}", owner.owner(), c.name(), e.toString());
            }
            return null;
        }
        if (c.counter()) {
            CounterSnapshot.Builder b = CounterSnapshot.builder().name(counterName(c.name())).help(c.help());
            for (int i = 0; i < values.size(); i++) {
                b.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(labels.get(i)).value(values.get(i)).build());
            }
            return b.build();
        }
        GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(c.name()).help(c.help());
        for (int i = 0; i < values.size(); i++) {
            b.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels.get(i)).value(values.get(i)).build());
        }
        return b.build();
    }

    /** A counter's snapshot is named without {@code _total}: the writer adds it. */
    private static String counterName(String name) {
        return name.substring(0, name.length() - "_total".length());
    }

    private static Labels labels(List<String> names, List<String> values) {
        return names.isEmpty() ? Labels.EMPTY : Labels.of(names, values);
    }
}
