package org.understudy.api;

import java.util.List;

/**
 * Metrics a plugin publishes on the gateway's Prometheus endpoint ({@code /metrics}), since 0.5. Each one is
 * named by the plugin and exposed as {@code understudy_<name>}; the runtime adds nothing to the name, so two
 * implementations of one kind (two stores, two DNS servers) can publish the same series.
 *
 * <p>Names are lower case letters, digits and '_' and start with a letter; a counter's name ends in
 * {@code _total}; a unit, when there is one, is the name's last word before it ({@code _seconds},
 * {@code _bytes}). A name is owned by the plugin that registered it first: another plugin asking for it gets
 * an {@link IllegalArgumentException}; the same plugin asking again with the same kind and labels gets the same
 * meter back. Label values must come from a small set (an outcome, a device id), never from what a client
 * sends, or the series grow without bound.
 *
 * <p>A plugin's meters disappear from {@code /metrics} when it stops, and start again from zero when it
 * starts again (Prometheus treats that as a counter reset). All methods are thread-safe and never block;
 * counting and observing are cheap enough for a hot path (no lock, no I/O).
 */
@org.osgi.annotation.versioning.ProviderType
public interface Meters {

    /**
     * A counter, only ever going up.
     *
     * @param name ends in {@code _total}
     * @param labelNames the labels every value carries; give their values with {@link Counter#labels}
     */
    Counter counter(String name, String help, String... labelNames);

    /**
     * A histogram: how many observations fell at or below each bucket's upper bound, their count and sum.
     *
     * @param buckets the upper bounds, ascending (seconds for durations); {@code +Inf} is added
     */
    Histogram histogram(String name, String help, List<Double> buckets, String... labelNames);

    /**
     * A gauge read when {@code /metrics} is scraped: {@code callback} reports the values then, on the scraping
     * thread. It must be quick and must not block for long (read a field or a small indexed row, not scan a
     * table); a callback that throws is left out of that scrape.
     */
    void gauge(String name, String help, Callback callback, String... labelNames);

    /**
     * A counter the plugin keeps itself (a {@link java.util.concurrent.atomic.LongAdder} on its hot path), read
     * when {@code /metrics} is scraped, as {@link #gauge}. The values reported must never go down while the
     * plugin runs.
     *
     * @param name ends in {@code _total}
     */
    void counterWithCallback(String name, String help, Callback callback, String... labelNames);

    /** A counter, or one of its labelled series. */
    interface Counter {
        /** Adds {@code amount} (not negative) to a counter without labels, or to a series from {@link #labels}. */
        void add(double amount);

        default void increment() {
            add(1);
        }

        /**
         * The series with these label values, one per label name in order. Keep the result for a hot path: the
         * lookup costs a map access.
         */
        Counter labels(String... values);
    }

    /** A histogram, or one of its labelled series. */
    interface Histogram {
        void observe(double value);

        /** The series with these label values, as {@link Counter#labels}. */
        Histogram labels(String... values);
    }

    /** Reports a meter's values when it is scraped. */
    @FunctionalInterface
    interface Callback {
        void report(Values values);
    }

    /** Where a {@link Callback} puts its values. */
    @FunctionalInterface
    interface Values {
        /** One value, with one label value per label name in order (none for a gauge without labels). */
        void value(double value, String... labelValues);
    }
}
