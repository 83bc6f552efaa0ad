package org.understudy.dashboard;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.understudy.api.RecordException;
import org.understudy.api.model.Device;
import org.understudy.api.model.MetricValue;
import org.understudy.api.model.Reading;
import org.understudy.core.ClasspathPlugins;
import org.understudy.core.PluginRuntime;

/**
 * For bench/dashboard.sh: a Bloomsky station's year of 5-minute readings (with a three-day outage in the middle),
 * written with the real store into a gateway data directory, as a year of uploads would have left it.
 * Args: data directory, device id. Prints the number of readings written.
 */
public final class YearOfReadings {

    private static final Duration EVERY = Duration.ofMinutes(5);

    private YearOfReadings() {
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        String device = args[1];
        PluginRuntime runtime = new PluginRuntime(data, data.resolve("conf"), k -> null, Clock.systemUTC());
        try {
            runtime.configure("understudy.runtime", Map.of("readingStore", "store-sqlite"));
            runtime.add(ClasspathPlugins.discover(YearOfReadings.class.getClassLoader()).stream()
                    .filter(d -> d.id().equals("store-sqlite")).toList());
            Instant end = Instant.now().truncatedTo(ChronoUnit.MINUTES);
            Instant start = end.minus(Duration.ofDays(364));
            Instant outage = start.plus(Duration.ofDays(180));
            recordDevice(runtime, new Device(device, "bloomsky", start, end, Map.of("alias", "Station with a year of readings")));
            List<Reading> batch = new ArrayList<>();
            long written = 0;
            for (Instant t = start; !t.isAfter(end); t = t.plus(EVERY)) {
                if (!t.isBefore(outage) && t.isBefore(outage.plus(Duration.ofDays(3)))) {
                    continue; // the station was off: the chart must show a gap, not a line across it
                }
                batch.add(reading(device, t));
                if (batch.size() == 5000) {
                    runtime.recorder().record(batch);
                    written += batch.size();
                    batch = new ArrayList<>();
                }
            }
            runtime.recorder().record(batch);
            written += batch.size();
            System.out.println(written);
        } finally {
            runtime.close();
        }
    }

    private static void recordDevice(PluginRuntime runtime, Device d) throws Exception {
        for (int attempt = 0; ; attempt++) {
            try {
                runtime.recorder().recordDevice(d);
                return;
            } catch (RecordException storeNotUpYet) {
                if (attempt > 100) {
                    throw storeNotUpYet;
                }
                Thread.sleep(100);
            }
        }
    }

    /** A day's swing over a year's, as a station in a valley sees them. */
    private static Reading reading(String device, Instant t) {
        double day = t.getEpochSecond() / 86400.0;
        double temperature = 8 - 10 * Math.cos(2 * Math.PI * (day - 15) / 365.25) + 6 * Math.sin(2 * Math.PI * (day - 0.375));
        Map<String, MetricValue> m = new LinkedHashMap<>();
        m.put("temperature", MetricValue.of(Math.round(temperature * 10) / 10.0, "Cel"));
        m.put("humidity", MetricValue.of(60 + 25 * Math.sin(2 * Math.PI * day), "%"));
        return new Reading(device, "bloomsky", t, t, m, Map.of());
    }
}
