package org.understudy.sink.influxdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.api.model.MetricValue;
import org.understudy.api.model.Reading;
import org.understudy.core.ClasspathPlugins;
import org.understudy.core.PluginRuntime;
import org.understudy.core.testing.Influxd;
import org.understudy.core.testing.PluginStatus;

/**
 * Store-and-forward into a real influxd 1.6: readings recorded while InfluxDB is down wait in the
 * SQLite store and arrive, exactly once, when it is back; a point InfluxDB refuses is parked and does
 * not block the rest; after a restart of the gateway delivery resumes from the durable cursor.
 */
class InfluxSinkIT {

    static final Instant T0 = Instant.parse("2026-02-01T00:00:00Z");

    @TempDir
    Path dir;

    static Reading reading(int i) {
        return new Reading("sky-" + (i % 3), "bloomsky", T0.plusSeconds(i), T0.plusSeconds(i),
                Map.of("temperature", MetricValue.of(i, "Cel"), "rain", MetricValue.of(i % 2 == 0)), Map.of("site", "stupa"));
    }

    private PluginRuntime runtime(Influxd influx) {
        PluginRuntime r = new PluginRuntime(dir.resolve("gw"), dir.resolve("conf"), k -> null, Clock.systemUTC());
        r.configure("understudy.runtime", Map.of("readingStore", "store-sqlite", "sinkBatchSize", "300",
                "sinkRetryInitial", "100ms", "sinkRetryMax", "400ms", "sinkPollInterval", "100ms"));
        r.configure("understudy.sink-influxdb", Map.of("enabled", "true", "url", influx.url(), "database", "understudy"));
        r.add(ClasspathPlugins.discover(InfluxSinkIT.class.getClassLoader()));
        return r;
    }

    @SuppressWarnings("unchecked")
    static long backlog(PluginRuntime r) {
        return PluginStatus.backlog(r, "sink-influxdb");
    }

    static Map<String, Object> delivery(PluginRuntime r) {
        return PluginStatus.delivery(r, "sink-influxdb");
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        org.awaitility.Awaitility.await(what).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(condition::getAsBoolean);
    }

    static void record(PluginRuntime r, int from, int to) throws Exception {
        List<Reading> batch = new ArrayList<>();
        for (int i = from; i < to; i++) {
            batch.add(reading(i));
            if (batch.size() == 100) {
                r.recorder().record(batch);
                batch.clear();
            }
        }
        r.recorder().record(batch);
    }

    @Test
    void everyReadingArrivesExactlyOnceThroughOutagesRefusalsAndRestarts() throws Exception {
        try (Influxd influx = new Influxd(dir.resolve("influx")).start()) {
            influx.query("", "CREATE DATABASE understudy");
            PluginRuntime r = runtime(influx);
            try {
                record(r, 0, 1000);
                await(() -> backlog(r) == 0, "first 1000 delivered");

                influx.stop();
                record(r, 1000, 2500);
                await(() -> delivery(r).get("lastError") != null, "the outage noticed");
                assertTrue(backlog(r) > 0);
                Thread.sleep(500);
                assertTrue(((Number) delivery(r).get("retries")).longValue() >= 2, "retried with backoff: " + delivery(r));

                influx.start();
                await(() -> backlog(r) == 0, "backlog drained after the outage");
                assertEquals(2500, influx.count("understudy", "SELECT count(temperature) FROM bloomsky"));

                // a field type conflict: InfluxDB refuses this point for good; it is parked, the rest flows
                r.recorder().record(List.of(new Reading("sky-0", "bloomsky", T0.plusSeconds(5000), T0.plusSeconds(5000),
                        Map.of("temperature", MetricValue.of("hot")), Map.of())));
                record(r, 2500, 2600);
                await(() -> backlog(r) == 0, "everything after the refused point");
                assertEquals(1L, ((Number) delivery(r).get("parked")).longValue());
                assertEquals(2501L, ((Number) ((Map<?, ?>) ((List<?>) delivery(r).get("recentlyParked")).get(0)).get("sequence")).longValue());
                assertEquals(2600, influx.count("understudy", "SELECT count(temperature) FROM bloomsky"));
            } finally {
                r.close();
            }

            // the gateway restarts: delivery resumes from the durable cursor, nothing is sent twice
            PluginRuntime again = runtime(influx);
            try {
                assertEquals(0L, ((Number) delivery(again).get("delivered")).longValue());
                record(again, 2600, 2700);
                await(() -> backlog(again) == 0, "new readings after the restart");
                assertEquals(100L, ((Number) delivery(again).get("delivered")).longValue(), "only the new ones were sent");
                assertEquals(2700, influx.count("understudy", "SELECT count(temperature) FROM bloomsky"));
                JsonNode values = influx.query("understudy", "SELECT temperature, device, site FROM bloomsky WHERE device = 'sky-1' ORDER BY time LIMIT 3")
                        .path("results").path(0).path("series").get(0).get("values");
                assertTrue(values.get(0).get(0).asText().startsWith("2026-02-01T00:00:01.000"), "the reading's own time: "
                        + values.get(0).get(0).asText());
                assertEquals(1.0, values.get(0).get(1).asDouble(), 0);
                assertEquals("stupa", values.get(0).get(3).asText());
                assertEquals(4.0, values.get(1).get(1).asDouble(), 0);
            } finally {
                again.close();
            }
        }
    }

    @Test
    void readingsOfOneDeviceInOneSecondAreAllPointsAndAnOutageWithARestartLosesAndDuplicatesNothing() throws Exception {
        try (Influxd influx = new Influxd(dir.resolve("influx")).start()) {
            influx.query("", "CREATE DATABASE understudy");
            Map<String, String> slowRetries = Map.of("readingStore", "store-sqlite", "sinkBatchSize", "300",
                    "sinkRetryInitial", "10m", "sinkRetryMax", "10m", "sinkPollInterval", "100ms", "sinkProbeInterval", "200ms");
            PluginRuntime r = new PluginRuntime(dir.resolve("gw"), dir.resolve("conf"), k -> null, Clock.systemUTC());
            try {
                r.configure("understudy.runtime", slowRetries);
                r.configure("understudy.sink-influxdb", Map.of("enabled", "true", "url", influx.url(), "database", "understudy"));
                r.add(ClasspathPlugins.discover(InfluxSinkIT.class.getClassLoader()));
                // a station clock of whole seconds: five cycles stamped within the same second, different values
                Instant second = T0.plusSeconds(100_000);
                for (int i = 0; i < 5; i++) {
                    r.recorder().record(List.of(new Reading("sky-9", "bloomsky", second, second.plusMillis(i),
                            Map.of("temperature", MetricValue.of(10 + i, "Cel")), Map.of())));
                }
                await(() -> backlog(r) == 0, "the five delivered");
                assertEquals(5, influx.count("understudy", "SELECT count(temperature) FROM bloomsky WHERE device = 'sky-9'"),
                        "five points, none overwritten");

                influx.stop();
                record(r, 0, 600);
                await(() -> "retrying".equals(delivery(r).get("state")), "the outage noticed");
            } finally {
                r.close();
            }
            // the gateway restarts in the middle of the outage, and the server comes back later
            PluginRuntime again = new PluginRuntime(dir.resolve("gw"), dir.resolve("conf"), k -> null, Clock.systemUTC());
            try {
                again.configure("understudy.runtime", slowRetries);
                again.configure("understudy.sink-influxdb", Map.of("enabled", "true", "url", influx.url(), "database", "understudy"));
                again.add(ClasspathPlugins.discover(InfluxSinkIT.class.getClassLoader()));
                await(() -> delivery(again).get("lastError") != null, "still down after the restart, and said so");
                record(again, 600, 800);
                influx.start();
                // the retry is ten minutes away: only the probe brings delivery back within this wait
                await(() -> backlog(again) == 0, "delivery resumed when the server came back");
                assertEquals(805, influx.count("understudy", "SELECT count(temperature) FROM bloomsky"), "nothing lost, nothing twice");
                assertTrue(((Number) delivery(again).get("probes")).longValue() > 0);
            } finally {
                again.close();
            }
        }
    }
}
