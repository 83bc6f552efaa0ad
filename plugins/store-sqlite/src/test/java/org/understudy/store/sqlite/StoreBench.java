package org.understudy.store.sqlite;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.understudy.api.model.MetricValue;
import org.understudy.api.model.Reading;
import org.understudy.api.spi.ReadingQuery;

/**
 * Load program for bench/store.sh: (1) devices record readings concurrently, one reading per call, each call
 * returning only when durable, for each number of writers in turn: readings/s and how many readings one commit
 * (one fsync) covered; (2) one device with a year of 5-minute readings is queried the way a plot asks for it
 * (one metric, hourly min/max/mean) and raw. Args: data directory, seconds per writer count, writer counts
 * (comma-separated; the last is durable_readings_per_s).
 */
public final class StoreBench {

    private StoreBench() {
    }

    static Reading bloomsky(String device, Instant t, long n) {
        Map<String, MetricValue> m = new LinkedHashMap<>();
        m.put("temperature", MetricValue.of(-5 + n % 20, "Cel"));
        m.put("humidity", MetricValue.of(40 + n % 50, "%"));
        m.put("pressure", MetricValue.of(1013.2, "hPa"));
        m.put("voltage", MetricValue.of(2600, "mV"));
        m.put("uv_index", MetricValue.of(n % 11, ""));
        m.put("luminance", MetricValue.of(n % 5000, ""));
        m.put("rain", MetricValue.of(n % 7 == 0));
        return new Reading(device, "bloomsky", t, t, m, Map.of());
    }

    /** The store's counters: commits, readings they committed. */
    private static long[] commits(EmbeddedStore store) {
        Map<?, ?> status = (Map<?, ?>) ((Map<?, ?>) ((List<?>) store.runtime().status().get("plugins")).stream()
                .map(Map.class::cast).filter(p -> "store-sqlite".equals(p.get("id"))).findFirst().orElseThrow()).get("status");
        return new long[] {((Number) status.get("commits")).longValue(), ((Number) status.get("committedReadings")).longValue()};
    }

    /** {@code threads} devices recording one reading per call for {@code seconds}: readings/s and readings per commit. */
    private static double[] durable(EmbeddedStore store, int threads, int seconds) throws Exception {
        AtomicLong acked = new AtomicLong();
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        List<Thread> writers = new ArrayList<>();
        long[] before = commits(store);
        long t0 = System.nanoTime();
        for (int i = 0; i < threads; i++) {
            String device = "station-" + threads + "-" + i;
            Thread w = new Thread(() -> {
                for (long n = 0; System.nanoTime() < end; n++) {
                    try {
                        store.recorder().record(List.of(bloomsky(device, Instant.now(), n)));
                        acked.incrementAndGet();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            });
            writers.add(w);
            w.start();
        }
        for (Thread w : writers) {
            w.join();
        }
        double elapsed = (System.nanoTime() - t0) / 1e9;
        long[] after = commits(store);
        double perCommit = (after[1] - before[1]) / (double) Math.max(1, after[0] - before[0]);
        System.out.printf("durable readings: %d in %.1f s from %d writers = %.0f/s, %.1f readings per commit (%.2f x the writers)%n",
                acked.get(), elapsed, threads, acked.get() / elapsed, perCommit, perCommit / threads);
        return new double[] {acked.get() / elapsed, perCommit};
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        int seconds = Integer.parseInt(args[1]);
        List<Integer> writerCounts = java.util.Arrays.stream(args[2].split(",")).map(String::trim).map(Integer::valueOf).toList();
        Files.createDirectories(data);
        try (EmbeddedStore store = new EmbeddedStore(data, Map.of())) {
            StringBuilder perCount = new StringBuilder();
            long perSecond = 0;
            for (int threads : writerCounts) {
                double[] r = durable(store, threads, seconds);
                perSecond = Math.round(r[0]);
                perCount.append(String.format(" readings_per_s_%d=%d per_commit_%d=%.1f", threads, perSecond, threads, r[1]));
            }
            Instant start = Instant.parse("2025-01-01T00:00:00Z");
            long load0 = System.nanoTime();
            List<Reading> year = new ArrayList<>();
            long rows = 365L * 24 * 12;
            for (long n = 0; n < rows; n++) {
                year.add(bloomsky("year-station", start.plus(Duration.ofMinutes(5 * n)), n));
                if (year.size() == 10_000) {
                    store.recorder().record(year);
                    year.clear();
                }
            }
            store.recorder().record(year);
            SqliteReadingStoreTest.awaitIndexed(store, store.store().lastSequence());
            double loadSeconds = (System.nanoTime() - load0) / 1e9;
            System.out.printf("bulk: %d readings in batches of 10,000 in %.2f s = %.0f/s%n", rows, loadSeconds, rows / loadSeconds);
            ReadingQuery plot = new ReadingQuery("year-station", "temperature", start, start.plus(Duration.ofDays(365)),
                    Duration.ofHours(1));
            ReadingQuery raw = new ReadingQuery("year-station", "temperature", start, start.plus(Duration.ofDays(365)), null);
            long best = Long.MAX_VALUE;
            long bestRaw = Long.MAX_VALUE;
            int points = 0;
            int rawPoints = 0;
            for (int i = 0; i < 10; i++) {
                long q0 = System.nanoTime();
                points = store.store().series(plot).size();
                best = Math.min(best, System.nanoTime() - q0);
                long r0 = System.nanoTime();
                rawPoints = store.store().series(raw).size();
                bestRaw = Math.min(bestRaw, System.nanoTime() - r0);
            }
            System.out.printf("year query: %d rows -> %d hourly points in %.1f ms (raw %d points in %.1f ms)%n",
                    rows, points, best / 1e6, rawPoints, bestRaw / 1e6);
            String delay = System.getenv("FSYNC_DELAY_MS");
            System.out.printf("RESULT durable_readings_per_s=%d%s fsync_delay_ms=%s query_year_ms=%.1f query_year_raw_ms=%.1f%n",
                    perSecond, perCount, delay == null || delay.isBlank() ? "0" : delay, best / 1e6, bestRaw / 1e6);
        }
    }
}
