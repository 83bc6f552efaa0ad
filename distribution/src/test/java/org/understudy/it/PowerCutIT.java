package org.understudy.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.understudy.api.Hashes;
import org.understudy.it.scenario.ScenarioStation;
import org.understudy.proxy.StrictStation;

/**
 * Power cuts under station load, through the real proxy: the distribution started and killed with SIGKILL 20 times
 * while six Bloomsky stations upload (Info, picture, weather, each a reading of its own) to the proxy, whose vendor
 * is unreachable, so every 200 is the gateway's own promise that the upload is durable. After each cut the store
 * must pass SQLite's integrity check before the next start; at the end every acknowledged reading and picture must
 * be in it.
 */
class PowerCutIT {

    private static final int CYCLES = 20;
    private static final int STATIONS = 6;

    /** What a station was told was kept: a reading at a device time, or a picture by its hash. */
    private record Ack(String device, long ts, String pictureSha) {}

    @Test
    void twentyKillNineCyclesUnderStationLoadLoseNoAcknowledgedUpload() throws Exception {
        Path home = DistributionOptions.home("powercut");
        GatewayProcess.install(home);
        int proxyPort = DistributionOptions.freeTcpPort();
        Map<String, String> env = Map.of("UNDERSTUDY_WEB_PORT", String.valueOf(DistributionOptions.freeTcpPort()),
                "UNDERSTUDY_ADMIN_PASSWORD", "powercut", "UNDERSTUDY_DNS_PORT", String.valueOf(DistributionOptions.freeUdpPort()),
                "UNDERSTUDY_PROXY_PORT", String.valueOf(proxyPort), "UNDERSTUDY_PROXY_TLS_PORT", "0",
                // the vendor's name is looked up where nobody answers: every upload is answered by the gateway itself
                "UNDERSTUDY_DNS_UPSTREAM", "127.0.0.1:" + DistributionOptions.freeUdpPort());
        Path db = home.resolve("data/plugins/store-sqlite/readings.db");
        Set<Ack> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> stations = new ArrayList<>();
        for (int i = 0; i < STATIONS; i++) {
            String device = String.format("94A1A2%06X", 0xC0DE00 + i);
            Thread t = new Thread(() -> station(device, proxyPort, running, acknowledged), "station-" + device);
            t.setDaemon(true);
            t.start();
            stations.add(t);
        }
        List<String> integrity = new ArrayList<>();
        try {
            for (int cycle = 0; cycle < CYCLES; cycle++) {
                int before = acknowledged.size();
                try (GatewayProcess gateway = GatewayProcess.start(home, env, home.resolve("run-" + cycle + ".out"))) {
                    // serving: a station's upload was acknowledged by this run
                    await("cycle " + cycle + " serving").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50))
                            .until(() -> acknowledged.size() > before || !gateway.alive());
                    assertTrue(gateway.alive(), "the gateway exited by itself in cycle " + cycle + ":\n" + gateway.output());
                    Thread.sleep(ThreadLocalRandom.current().nextLong(300, 2500)); // the cut comes at any moment of the load
                    gateway.close(); // SIGKILL: no shutdown hook, no flush
                    gateway.waitForExit(Duration.ofSeconds(30));
                }
                integrity.add(quickCheck(db));
            }
        } finally {
            running.set(false);
            for (Thread t : stations) {
                t.join(TimeUnit.SECONDS.toMillis(15));
            }
        }
        assertEquals(List.of(), integrity.stream().filter(r -> !r.equals("ok")).toList(), "the store after each cut: " + integrity);

        Set<String> readings = new HashSet<>();
        Set<String> pictures = new HashSet<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            try (ResultSet r = s.executeQuery("SELECT device, time FROM reading")) {
                while (r.next()) {
                    readings.add(r.getString(1) + "@" + r.getLong(2));
                }
            }
            try (ResultSet r = s.executeQuery("SELECT device, sha256 FROM blob")) {
                while (r.next()) {
                    pictures.add(r.getString(1) + "@" + r.getString(2));
                }
            }
        }
        Set<String> blobFiles = new HashSet<>();
        try (Stream<Path> files = Files.walk(home.resolve("data/plugins/store-sqlite/blobs"))) {
            files.filter(Files::isRegularFile).forEach(f -> blobFiles.add(f.getFileName().toString()));
        }
        List<Ack> lost = new ArrayList<>();
        long pictureAcks = 0;
        for (Ack a : acknowledged) {
            boolean kept = readings.contains(a.device() + "@" + a.ts() * 1000);
            if (a.pictureSha() != null) {
                pictureAcks++;
                kept &= pictures.contains(a.device() + "@" + a.pictureSha())
                        && blobFiles.contains(a.pictureSha());
            }
            if (!kept) {
                lost.add(a);
            }
        }
        assertTrue(acknowledged.size() > CYCLES * STATIONS, "too little load to mean anything: " + acknowledged.size());
        assertTrue(pictureAcks > 0, "no picture was acknowledged");
        assertEquals(List.of(), lost.stream().limit(20).toList(), lost.size() + " of " + acknowledged.size()
                + " acknowledged uploads (" + pictureAcks + " with a picture) are not in the store");
        // what the run did, for a person to read (target/power-cut.txt)
        Files.writeString(Path.of("target/power-cut.txt"), CYCLES + " cuts: " + acknowledged.size() + " uploads acknowledged ("
                + pictureAcks + " with a picture), all in the store; the store's quick check ok after each cut\n");
    }

    /** A station's cycle, again and again: Info, then (after a 200) its picture and the weather; every 200 noted. */
    private static void station(String device, int proxyPort, AtomicBoolean running, Set<Ack> acknowledged) {
        long ts = System.currentTimeMillis() / 1000 - 86_400; // device times within the profile's trust, one per upload
        while (running.get()) {
            if (post(device, proxyPort, "/devc/skydevice/?Info=", ++ts, new byte[0], null, acknowledged)) {
                byte[] jpeg = ScenarioStation.jpeg(device + (++ts));
                post(device, proxyPort, "/devc/skydevice/" + device + "?Info=", ts, jpeg, Hashes.sha256(jpeg), acknowledged);
                post(device, proxyPort, "/devc/skydevice/?Info=", ++ts, new byte[0], null, acknowledged);
            } else {
                pause(); // the gateway is down or starting: a station retries a little later
            }
        }
    }

    private static boolean post(String device, int port, String target, long ts, byte[] body, String sha, Set<Ack> acknowledged) {
        String info = "{\"DeviceID\":\"" + device + "\",\"DeviceType\":\"SKY2\",\"Temperature\":" + (ts % 30) + ".5,\"Humidity\":34,"
                + "\"Voltage\":2586,\"Pressure\":669,\"TS\":" + ts + "}";
        try {
            StrictStation.Response r = StrictStation.post("127.0.0.1", port, ScenarioStation.HOST, target + info, body, 10_000);
            if (r.status() == 200) {
                acknowledged.add(new Ack(device, ts, sha));
                return true;
            }
        } catch (IOException | AssertionError cut) {
            // refused, reset or cut short by the kill: not acknowledged
        }
        return false;
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SQLite's quick check of the store as the cut left it (the write-ahead log replayed, as the next start would). */
    private static String quickCheck(Path db) throws Exception {
        if (!Files.exists(db)) {
            return "ok"; // cut before the store was created
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("PRAGMA quick_check")) {
            return r.next() ? r.getString(1) : "no answer";
        }
    }
}
