package org.understudy.sink.influxdb;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.understudy.api.model.MetricValue;
import org.understudy.api.model.Reading;
import org.understudy.core.ClasspathPlugins;
import org.understudy.core.PluginRuntime;
import org.understudy.core.testing.Influxd;

/**
 * Load program for bench/sink.sh: records a backlog while the InfluxDB sink is off, turns it on and
 * measures how fast the backlog drains into a real influxd (points counted back in InfluxDB).
 * Args: work directory, readings, batch size.
 */
public final class SinkBench {

    private SinkBench() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int readings = Integer.parseInt(args[1]);
        String batch = args[2];
        Files.createDirectories(dir);
        try (Influxd influx = new Influxd(dir.resolve("influx")).start()) {
            influx.query("", "CREATE DATABASE bench");
            PluginRuntime r = new PluginRuntime(dir.resolve("gw"), dir.resolve("conf"), k -> null, Clock.systemUTC());
            try {
                r.configure("understudy.runtime", Map.of("readingStore", "store-sqlite", "sinkBatchSize", batch,
                        "sinkPollInterval", "50ms"));
                r.configure("understudy.sink-influxdb", Map.of("enabled", "false", "url", influx.url(), "database", "bench"));
                r.add(ClasspathPlugins.discover(SinkBench.class.getClassLoader()));
                Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
                List<Reading> chunk = new ArrayList<>();
                for (int i = 0; i < readings; i++) {
                    Instant t = t0.plusMillis(i * 10L);
                    chunk.add(new Reading("station-" + (i % 10), "bloomsky", t, t, Map.of(
                            "temperature", MetricValue.of(i % 40, "Cel"), "humidity", MetricValue.of(i % 100, "%"),
                            "pressure", MetricValue.of(1013, "hPa"), "rain", MetricValue.of(i % 2 == 0)), Map.of()));
                    if (chunk.size() == 10_000) {
                        r.recorder().record(chunk);
                        chunk.clear();
                    }
                }
                r.recorder().record(chunk);
                long start = System.nanoTime();
                r.configure("understudy.sink-influxdb", Map.of("enabled", "true", "url", influx.url(), "database", "bench"));
                while (true) {
                    Map<String, Object> d = InfluxSinkIT.delivery(r);
                    if (d.get("backlog") instanceof Number n && n.longValue() == 0) {
                        break;
                    }
                    Thread.sleep(20);
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                long counted = influx.count("bench", "SELECT count(temperature) FROM bloomsky");
                long perSecond = Math.round(readings / seconds);
                System.out.printf("drained %d readings (%d points counted in InfluxDB) in %.2f s, batches of %s%n",
                        readings, counted, seconds, batch);
                System.out.printf("RESULT influx_drain_points_per_s=%d points=%d counted=%d batch=%s%n", perSecond, readings, counted, batch);
                if (counted != readings) {
                    System.exit(1);
                }
            } finally {
                r.close();
            }
        }
    }
}
