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
import org.understudy.core.testing.PluginStatus;

/**
 * Load program for bench/sink.sh: records a backlog while the InfluxDB sink is off, turns it on and
 * measures how fast the backlog drains into a real influxd (points counted back in InfluxDB). A first, smaller
 * backlog is drained before, as a gateway that has been running has done: its figure (reported as cold) pays
 * for the JIT compiling the path in the same JVM. Then the peer:
 * the same points, encoded beforehand, POSTed straight to the same influxd in batches of the same size by one
 * writer, which is as fast as influxd takes them here; the ratio is what the sink's store reads, encoding and
 * cursor moves cost. Args: work directory, readings, batch size.
 */
public final class SinkBench {

    private SinkBench() {
    }

    /** Points per second of one writer POSTing the stored readings, encoded beforehand, into a fresh database. */
    private static long direct(Influxd influx, PluginRuntime r, long from, int batch) throws Exception {
        influx.query("", "CREATE DATABASE direct");
        List<String> bodies = new ArrayList<>();
        long points = 0;
        long reading = 0;
        long encoding = 0;
        for (long after = from; ; ) {
            long t0 = System.nanoTime();
            var stored = r.store().orElseThrow().readAfter(after, batch);
            long t1 = System.nanoTime();
            reading += t1 - t0;
            if (stored.isEmpty()) {
                break;
            }
            StringBuilder body = new StringBuilder(stored.size() * 96);
            for (var s : stored) {
                LineProtocol.append(body, s.reading(), s.sequence(), "");
            }
            bodies.add(body.toString());
            encoding += System.nanoTime() - t1;
            points += stored.size();
            after = stored.get(stored.size() - 1).sequence();
        }
        System.out.printf("the %d points read back from the store in %.2f s (%.1f us each), encoded in %.2f s (%.1f us each)%n",
                points, reading / 1e9, reading / 1e3 / points, encoding / 1e9, encoding / 1e3 / points);
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.URI uri = java.net.URI.create(influx.url() + "/write?precision=ns&db=direct");
        long start = System.nanoTime();
        for (String body : bodies) {
            var reply = http.send(java.net.http.HttpRequest.newBuilder(uri).POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            if (reply.statusCode() / 100 != 2) {
                throw new IllegalStateException("influxd answered " + reply.statusCode() + ": " + reply.body());
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return Math.round(points / seconds);
    }

    /** Records {@code count} readings numbered from {@code from} while the sink is off. */
    private static void record(PluginRuntime r, int from, int count) throws Exception {
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        List<Reading> chunk = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
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
        // a backlog builds up over hours: its index writes are long done when the uplink returns
        while (!(PluginStatus.of(r, "store-sqlite").get("indexPendingSamples") instanceof Number n && n.longValue() == 0)) {
            Thread.sleep(50);
        }
    }

    /** Turns the sink on and waits until the backlog is delivered; the seconds it took. The sink is off again after. */
    private static double drain(PluginRuntime r, Influxd influx) throws Exception {
        long start = System.nanoTime();
        r.configure("understudy.sink-influxdb", Map.of("enabled", "true", "url", influx.url(), "database", "bench"));
        while (!(InfluxSinkIT.delivery(r).get("backlog") instanceof Number n && n.longValue() == 0)) {
            Thread.sleep(20);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        r.configure("understudy.sink-influxdb", Map.of("enabled", "false", "url", influx.url(), "database", "bench"));
        return seconds;
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int readings = Integer.parseInt(args[1]);
        String batch = args[2];
        int warmUp = Math.max(50_000, readings / 3);
        Files.createDirectories(dir);
        try (Influxd influx = new Influxd(dir.resolve("influx")).start()) {
            influx.query("", "CREATE DATABASE bench");
            PluginRuntime r = new PluginRuntime(dir.resolve("gw"), dir.resolve("conf"), k -> null, Clock.systemUTC());
            try {
                r.configure("understudy.runtime", Map.of("readingStore", "store-sqlite", "sinkBatchSize", batch,
                        "sinkPollInterval", "50ms"));
                r.configure("understudy.sink-influxdb", Map.of("enabled", "false", "url", influx.url(), "database", "bench"));
                r.add(ClasspathPlugins.discover(SinkBench.class.getClassLoader()));
                // the first backlog of a fresh JVM is drained while the JIT compiles the path (on 2 cores, a core's worth)
                record(r, 0, warmUp);
                double cold = drain(r, influx);
                System.out.printf("first backlog after start (JIT compiling): %d readings in %.2f s%n", warmUp, cold);
                long after = r.store().orElseThrow().cursor("sink-influxdb"); // the last reading of the first backlog
                record(r, warmUp, readings);
                double seconds = drain(r, influx);
                long counted = influx.count("bench", "SELECT count(temperature) FROM bloomsky");
                long perSecond = Math.round(readings / seconds);
                System.out.printf("drained %d readings (%d points counted in InfluxDB) in %.2f s, batches of %s%n",
                        readings, counted, seconds, batch);
                long direct = direct(influx, r, after, Integer.parseInt(batch));
                System.out.printf("the same points POSTed straight to influxd: %d points/s%n", direct);
                System.out.printf("RESULT influx_drain_points_per_s=%d direct_points_per_s=%d ratio=%.2f cold_points_per_s=%d"
                                + " points=%d counted=%d batch=%s%n", perSecond, direct, (double) perSecond / direct,
                        Math.round(warmUp / cold), readings, counted, batch);
                if (counted != warmUp + readings) {
                    System.exit(1);
                }
            } finally {
                r.close();
            }
        }
    }
}
