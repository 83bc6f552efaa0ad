package org.understudy.store.sqlite;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.understudy.api.model.Blob;
import org.understudy.api.model.MetricValue;
import org.understudy.api.model.Reading;

/**
 * A simulated year for bench/retention.sh: one device of every family (a Bloomsky station with its picture, a Kasa
 * plug with a meter, a SmartMesh mote, a Weather Underground station, a VStarCam camera with its snapshot) recording
 * every 5 minutes for 365 days into the real store with the shipped retention (readings a year, pictures 30 days)
 * and a disk budget; retention runs at the end of every simulated day, as if it were that day (picture files carry
 * their simulated time, as files written that day would). Prints the store's size at the end of each month, the
 * largest it got, what retention removed and what the budget shed.
 * Args: data directory, budget in MB, station picture KB, camera picture KB.
 */
public final class YearOfData {

    private static final Duration STEP = Duration.ofMinutes(5);

    private YearOfData() {
    }

    private static Map<String, MetricValue> metrics(Object... kv) {
        Map<String, MetricValue> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 3) {
            Object v = kv[i + 1];
            m.put((String) kv[i], v instanceof Boolean b ? MetricValue.of(b) : MetricValue.of(((Number) v).doubleValue(), (String) kv[i + 2]));
        }
        return m;
    }

    /** What each family records at {@code t} (the slot number {@code n} varies the values as measurements do). */
    static List<Reading> slot(Instant t, long n) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        List<Reading> out = new ArrayList<>();
        out.add(StoreBench.bloomsky("94A1A2733B1A", t, n));
        out.add(new Reading("8006F2B1C3D4E5F60718293A4B5C6D7E8F901234", "kasa", t, t, metrics("relay", n % 97 < 60, "", "on_time",
                n * 300 % 86_400, "s", "rssi", -50 - r.nextInt(20), "dBm", "led", true, "", "online", true, "", "power",
                r.nextDouble(0, 1500), "W", "voltage", 228 + r.nextDouble(4), "V", "current", r.nextDouble(0, 6.5), "A", "energy",
                n * 0.01, "kWh"), Map.of()));
        out.add(new Reading("00-17-0d-00-00-58-9a-4b", "smartmesh-clouddata", t, t, metrics("temperature", r.nextDouble(-5, 30), "Cel",
                "voltage", 2.9 + r.nextDouble(0.4), "V", "rssi", -60 - r.nextInt(30), "dBm"), Map.of()));
        out.add(new Reading("KVALLEY1", "wunderground", t, t, metrics("temperature", r.nextDouble(-5, 30), "Cel", "humidity",
                r.nextDouble(20, 100), "%", "pressure", 1000 + r.nextDouble(30), "hPa", "wind_speed", r.nextDouble(15), "m/s",
                "wind_direction", r.nextInt(360), "deg", "rain", r.nextDouble(3), "mm"), Map.of()));
        out.add(new Reading("VSTC-123456-ABCDE", "vstarcam", t, t, metrics("online", true, "", "keepalive_rtt",
                r.nextDouble(2, 40), "ms"), Map.of()));
        return out;
    }

    private static byte[] picture(int kb) {
        byte[] b = new byte[kb * 1024]; // random bytes: a JPEG does not compress either
        ThreadLocalRandom.current().nextBytes(b);
        b[0] = (byte) 0xff;
        b[1] = (byte) 0xd8;
        return b;
    }

    private static long du(Path dir) throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        long budget = Long.parseLong(args[1]) * 1024 * 1024;
        int stationKb = Integer.parseInt(args[2]);
        int cameraKb = Integer.parseInt(args[3]);
        long t0 = System.nanoTime();
        long peakDisk = 0;
        long peakUsed = 0;
        long pictures = 0;
        long readings = 0;
        long removedReadings = 0;
        long removedPictures = 0;
        long shedReadings = 0;
        long shedPictures = 0;
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("readingRetention", "365d");
        config.put("pictureRetention", "30d");
        config.put("diskBudgetBytes", String.valueOf(budget));
        config.put("minFreeBytes", "0");
        config.put("retentionInterval", "24h"); // run by the simulation at each simulated day's end, not by the clock
        ExecutorService writers = Executors.newFixedThreadPool(8);
        try (EmbeddedStore store = new EmbeddedStore(data, config)) {
            // the store's own retention runs shortly after it starts, by the real clock, then every retentionInterval: let
            // that first run pass on the empty store, so that only the simulated days' runs judge the simulated data
            Thread.sleep(TimeUnit.SECONDS.toMillis(SqliteReadingStore.RETENTION_FIRST_DELAY_SECONDS + 2));
            Instant start = Instant.now().minus(Duration.ofDays(365)).plus(Duration.ofMinutes(1)).truncatedTo(ChronoUnit.MINUTES);
            Path dir = data.resolve("plugins/store-sqlite");
            Path blobDir = dir.resolve("blobs");
            long n = 0;
            for (int day = 0; day < 365; day++) {
                Instant dayStart = start.plus(Duration.ofDays(day));
                List<Reading> batch = new ArrayList<>();
                List<Future<?>> stored = new ArrayList<>();
                for (Instant t = dayStart; t.isBefore(dayStart.plus(Duration.ofDays(1))); t = t.plus(STEP), n++) {
                    batch.addAll(slot(t, n));
                    Instant at = t;
                    for (String[] p : new String[][] {{"94A1A2733B1A", "bloomsky", String.valueOf(stationKb)},
                            {"VSTC-123456-ABCDE", "vstarcam", String.valueOf(cameraKb)}}) {
                        stored.add(writers.submit(() -> {
                            Blob b = store.recorder().storeBlob(p[0], p[1], at, "image/jpeg", picture(Integer.parseInt(p[2])));
                            Files.setLastModifiedTime(blobDir.resolve(b.sha256().substring(0, 2)).resolve(b.sha256()), FileTime.from(at));
                            return b;
                        }));
                    }
                }
                store.recorder().record(batch);
                readings += batch.size();
                for (Future<?> f : stored) {
                    f.get();
                }
                pictures += stored.size();
                Retention.Run run = store.store().applyRetention(dayStart.plus(Duration.ofDays(1)));
                removedReadings += run.readings();
                removedPictures += run.blobs();
                shedPictures += run.droppedBlobs();
                long disk = du(dir);
                long used;
                try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("readings.db"))) {
                    used = Retention.usedBytes(c);
                }
                peakDisk = Math.max(peakDisk, disk);
                peakUsed = Math.max(peakUsed, used);
                if ((day + 1) % 30 == 0 || day == 364) {
                    System.out.printf("day %3d: %,d readings and %,d pictures so far; store %,.1f MB on disk (%,.1f MB in use)%n", day + 1,
                            readings, pictures, disk / 1048576.0, used / 1048576.0);
                }
            }
            long kept;
            long keptPictures;
            try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("readings.db")); var s = c.createStatement()) {
                var rs = s.executeQuery("SELECT count(*) FROM reading");
                rs.next();
                kept = rs.getLong(1);
                rs = s.executeQuery("SELECT count(*) FROM blob");
                rs.next();
                keptPictures = rs.getLong(1);
            }
            shedReadings = readings - kept - removedReadings;
            long dbBytes = Files.size(dir.resolve("readings.db"));
            long disk = du(dir);
            System.out.printf("RESULT year_readings=%d kept_readings=%d kept_pictures=%d store_mb=%.1f peak_mb=%.1f database_mb=%.1f"
                    + " bytes_per_reading=%.0f budget_mb=%d shed_readings=%d shed_pictures=%d removed_pictures=%d seconds=%d%n", readings,
                    kept, keptPictures, disk / 1048576.0, peakDisk / 1048576.0, dbBytes / 1048576.0, (double) dbBytes / Math.max(1, kept),
                    budget / 1048576, shedReadings, shedPictures, removedPictures, (System.nanoTime() - t0) / 1_000_000_000L);
        } finally {
            writers.shutdownNow();
        }
    }
}
