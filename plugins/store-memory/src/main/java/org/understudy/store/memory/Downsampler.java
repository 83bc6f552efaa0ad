package org.understudy.store.memory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.understudy.api.model.MetricValue;
import org.understudy.api.model.StoredReading;
import org.understudy.api.spi.ReadingQuery;
import org.understudy.api.spi.SeriesPoint;

/** Numeric series from readings: raw points, or min/max/mean per bucket aligned to whole steps since the epoch. */
final class Downsampler {

    private Downsampler() {
    }

    private static final class Bucket {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double sum;
        long count;

        void add(double v) {
            min = Math.min(min, v);
            max = Math.max(max, v);
            sum += v;
            count++;
        }
    }

    static List<SeriesPoint> series(Iterable<StoredReading> readings, ReadingQuery q) {
        List<SeriesPoint> out = new ArrayList<>();
        Map<String, TreeMap<Instant, Bucket>> buckets = new TreeMap<>();
        for (StoredReading stored : readings) {
            var r = stored.reading();
            if (!r.deviceId().equals(q.deviceId()) || r.time().isBefore(q.from()) || !r.time().isBefore(q.to())) {
                continue;
            }
            r.metrics().forEach((name, value) -> {
                if ((q.metric() == null || q.metric().equals(name)) && value instanceof MetricValue.Number n) {
                    if (q.step() == null) {
                        out.add(new SeriesPoint(name, r.time(), n.value(), n.value(), n.value(), 1));
                    } else {
                        buckets.computeIfAbsent(name, k -> new TreeMap<>())
                                .computeIfAbsent(bucketStart(r.time(), q.step()), k -> new Bucket())
                                .add(n.value());
                    }
                }
            });
        }
        buckets.forEach((name, series) -> series.forEach((start, b) ->
                out.add(new SeriesPoint(name, start, b.min, b.max, b.sum / b.count, b.count))));
        return out;
    }

    private static Instant bucketStart(Instant time, Duration step) {
        long ms = time.toEpochMilli();
        return Instant.ofEpochMilli(ms - Math.floorMod(ms, step.toMillis()));
    }
}
