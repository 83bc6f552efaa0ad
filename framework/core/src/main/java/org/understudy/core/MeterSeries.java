package org.understudy.core;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.understudy.api.Meters;

/**
 * The values behind {@link Meters}, kept in plain adders: counting and observing cost an adder each, and nothing of
 * the Prometheus client is loaded until {@code /metrics} is first scraped ({@link Exposition} turns these into its
 * snapshots then). Keeping the client off the start-up path saved about 0.4 s of a 2-core box's start.
 */
final class MeterSeries {

    private MeterSeries() {
    }

    /** What every meter says about itself. */
    interface Meter {
        String name();

        String help();

        List<String> labelNames();
    }

    /**
     * A counter or histogram: its series by label values (one, under no values, without labels). A meter without
     * labels counts into its own series; one with labels hands out its series from {@code labels(...)}.
     */
    abstract static class Family<S> implements Meter {
        private final String name;
        private final String help;
        private final List<String> labelNames;
        final Map<List<String>, S> series = new ConcurrentHashMap<>();
        private final Supplier<S> newSeries;
        /** The series a meter without labels counts into, else null. */
        private final S own;

        Family(String name, String help, List<String> labelNames, Supplier<S> newSeries) {
            this.name = name;
            this.help = help;
            this.labelNames = labelNames;
            this.newSeries = newSeries;
            this.own = labelNames.isEmpty() ? series.computeIfAbsent(List.of(), k -> newSeries.get()) : null;
        }

        /** The series with these label values, made at the first use. */
        final S series(String[] values) {
            if (own != null) {
                throw new IllegalStateException(name + ": labels are given once, on the meter itself");
            }
            if (values == null || values.length != labelNames.size()) {
                throw new IllegalArgumentException(name + " has " + labelNames.size() + " label(s), got "
                        + (values == null ? 0 : values.length));
            }
            for (String v : values) {
                if (v == null) {
                    throw new IllegalArgumentException(name + ": a label value must not be null");
                }
            }
            return series.computeIfAbsent(List.of(values), k -> newSeries.get());
        }

        /** The series a meter without labels counts into. */
        final S own() {
            if (own == null) {
                throw new IllegalStateException(name + " has labels: use one of its series, from labels(...)");
            }
            return own;
        }

        @Override
        public final String name() {
            return name;
        }

        @Override
        public final String help() {
            return help;
        }

        @Override
        public final List<String> labelNames() {
            return labelNames;
        }
    }

    /** A counter: one adder per label values. */
    static final class Counter extends Family<CounterSeries> implements Meters.Counter {
        Counter(String name, String help, List<String> labelNames) {
            super(name, help, labelNames, () -> new CounterSeries(name, new DoubleAdder()));
        }

        @Override
        public void add(double amount) {
            own().add(amount);
        }

        @Override
        public Meters.Counter labels(String... values) {
            return series(values);
        }
    }

    /** One series of a counter. */
    record CounterSeries(String name, DoubleAdder adder) implements Meters.Counter {
        @Override
        public void add(double amount) {
            if (amount < 0 || Double.isNaN(amount)) {
                throw new IllegalArgumentException(name + ": a counter only goes up, got " + amount);
            }
            adder.add(amount);
        }

        @Override
        public Meters.Counter labels(String... values) {
            throw new IllegalStateException(name + ": labels are given once, on the counter itself");
        }
    }

    /** A classic histogram: per label values, a count per bucket and the sum. */
    static final class Histogram extends Family<HistogramSeries> implements Meters.Histogram {
        final double[] bounds;

        Histogram(String name, String help, List<String> labelNames, double[] bounds) {
            super(name, help, labelNames, () -> new HistogramSeries(name, bounds));
            this.bounds = bounds;
        }

        @Override
        public void observe(double value) {
            own().observe(value);
        }

        @Override
        public Meters.Histogram labels(String... values) {
            return series(values);
        }
    }

    /** One series of a histogram: observations per bucket (the last past every bound) and their sum. */
    static final class HistogramSeries implements Meters.Histogram {
        private final String name;
        private final double[] bounds;
        final LongAdder[] counts;
        final DoubleAdder sum = new DoubleAdder();

        HistogramSeries(String name, double[] bounds) {
            this.name = name;
            this.bounds = bounds;
            counts = new LongAdder[bounds.length + 1];
            for (int i = 0; i < counts.length; i++) {
                counts[i] = new LongAdder();
            }
        }

        @Override
        public void observe(double value) {
            if (Double.isNaN(value)) {
                return;
            }
            int i = Arrays.binarySearch(bounds, value);
            counts[i >= 0 ? i : -i - 1].increment();
            sum.add(value);
        }

        @Override
        public Meters.Histogram labels(String... values) {
            throw new IllegalStateException(name + ": labels are given once, on the histogram itself");
        }
    }

    /** A gauge, or a counter the plugin keeps itself, read by its callback when scraped. */
    record Callback(String name, String help, List<String> labelNames, boolean counter, Meters.Callback callback) implements Meter {}
}
