package org.understudy.profile.vstarcam;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.api.ActionException;
import org.understudy.api.model.Blob;
import org.understudy.api.model.Device;
import org.understudy.api.model.MetricValue;
import org.understudy.api.model.StoredReading;
import org.understudy.core.ClasspathPlugins;
import org.understudy.core.PluginRuntime;
import org.understudy.core.testing.PluginStatus;

/**
 * The VStarCam profile in the runtime with the durable store, against fake cameras on loopback addresses of their
 * own (127.0.3.x), each with the real camera ports: found by DH discovery or listed, held in session, photographed into
 * the store; a camera that goes silent and comes back; garbage on every port; 20 cameras at once.
 */
class VstarcamIT {

    private static final int DH_PORT = 8600;
    private static final int SEARCH_PORT = 32108;
    @TempDir
    Path dir;
    private FakeCameraFleet fleet;
    private PluginRuntime runtime;
    private final int discoveryPort = freeUdpPort();
    private final int cloudPort = freeUdpPort();

    private static int freeUdpPort() {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void start(Map<String, String> settings) throws Exception {
        runtime = new PluginRuntime(dir.resolve("gw"), dir.resolve("conf"), k -> null, Clock.systemUTC());
        runtime.configure("understudy.runtime", Map.of("readingStore", "store-sqlite"));
        Map<String, String> c = new HashMap<>(Map.of("bindAddress", "127.0.0.1", "discoveryPort", String.valueOf(discoveryPort),
                "discoveryInterval", "5s", "keepaliveInterval", "500ms", "offlineAfter", "3s", "searchInterval", "500ms",
                "maxSearchInterval", "2s", "readingInterval", "2s", "cloudPort", String.valueOf(cloudPort)));
        c.putAll(settings);
        runtime.configure("understudy.vstarcam", Map.copyOf(c));
        runtime.add(ClasspathPlugins.discover(VstarcamIT.class.getClassLoader()).stream()
                .filter(d -> List.of("vstarcam", "store-sqlite").contains(d.id())).toList());
    }

    @AfterEach
    void stop() throws Exception {
        if (runtime != null) {
            runtime.close();
        }
        if (fleet != null) {
            fleet.close();
        }
    }

    private FakeCamera camera(int n, boolean http) throws Exception {
        return fleet.add("127.0.3." + n, 200000 + n, DH_PORT, SEARCH_PORT, http ? "admin" : null, "s3cret pass", Duration.ofMillis(400),
                Duration.ofSeconds(5));
    }

    private Map<String, Object> status() {
        return PluginStatus.of(runtime, "vstarcam");
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> cameraStatus(String ip) {
        return ((List<Map<String, Object>>) status().getOrDefault("cameras", List.of())).stream()
                .filter(m -> ip.equals(m.get("address"))).findFirst().orElse(Map.of());
    }

    private Map<String, MetricValue> latest(String id) {
        return runtime.queries().latest(id).map(r -> r.metrics()).orElse(Map.of());
    }

    private List<Blob> pictures(String id) {
        return runtime.queries().pictures(id, Instant.EPOCH, Instant.now().plusSeconds(60), null, 100);
    }

    @Test
    void discoveredToSessionToSnapshotToPictureInTheStore() throws Exception {
        fleet = new FakeCameraFleet();
        FakeCamera found = camera(1, true);
        FakeCamera listed = camera(2, true);
        start(Map.of("broadcastAddresses", "127.0.3.1:" + DH_PORT, "cameras", "127.0.3.2:" + listed.httpPort(),
                "username", "admin", "password", "s3cret pass", "snapshotInterval", "10s"));

        await().atMost(Duration.ofSeconds(30)).until(() -> found.inSession() && listed.inSession()
                && MetricValue.of(true).equals(latest(found.deviceId()).get("online"))
                && MetricValue.of(true).equals(latest(listed.deviceId()).get("online")));
        Device d = runtime.queries().device(found.deviceId()).orElseThrow();
        assertEquals("VSTC-200001-FAKEX", d.id());
        assertEquals("camera", d.attributes().get("type"));
        assertEquals("VSTC200001FAKEX", d.attributes().get("uid"), "the UID as the camera's discovery reply gives it");
        assertEquals("127.0.3.1", d.attributes().get("address"));
        assertEquals(String.valueOf(found.httpPort()), d.attributes().get("httpPort"), "the HTTP port from the DH record");
        assertEquals("00:11:22:33:44:" + String.format("%02x", 200001 % 250), d.attributes().get("mac"));
        assertEquals("255.0.0.0", d.attributes().get("netmask"));
        assertEquals("127.0.0.1", d.attributes().get("gateway"));
        assertEquals("127.0.0.1", d.attributes().get("dns"));
        assertEquals("Fake camera 200001", d.attributes().get("name"));

        // keepalives both ways: the gateway answers the camera's, the camera answers the gateway's; round trips recorded
        await().atMost(Duration.ofSeconds(20)).until(() -> latest(found.deviceId()).containsKey("keepalive_rtt")
                && found.aliveAcksReceived() > 2 && found.alivesAnswered.get() > 2);
        // periodic snapshots become pictures of the camera, durable and deduplicated by hash
        await().atMost(Duration.ofSeconds(30)).until(() -> !pictures(found.deviceId()).isEmpty() && !pictures(listed.deviceId()).isEmpty());
        Blob picture = pictures(found.deviceId()).get(0);
        assertEquals("image/jpeg", picture.contentType());
        byte[] jpeg = runtime.queries().pictureContent(picture.sha256()).orElseThrow();
        assertTrue(SnapshotClient.isJpeg(jpeg));
        assertEquals(org.understudy.api.Hashes.sha256(jpeg), picture.sha256());

        // the action: a picture now, answered with what was kept
        assertEquals(List.of("snapshot"), runtime.actions().actionsOf(found.deviceId()).stream().map(a -> a.name()).toList());
        int before = pictures(found.deviceId()).size();
        Map<String, Object> taken = runtime.actions().run(found.deviceId(), "snapshot", Map.of(), "test").get();
        assertTrue(pictures(found.deviceId()).stream().anyMatch(p -> p.sha256().equals(taken.get("sha256"))),
                taken + " in " + pictures(found.deviceId()));
        assertEquals(before + 1, pictures(found.deviceId()).size());

        // the password never appears in the status or the stored flows of the action
        assertTrue(!runtime.status().toString().contains("s3cret"), "the status holds no secret");
        // on stop every camera in session is sent Close
        runtime.close();
        runtime = null;
        await().atMost(Duration.ofSeconds(5)).until(() -> found.closesReceived() == 1 && listed.closesReceived() == 1);
    }

    @Test
    void wrongPasswordIsAClearSnapshotErrorAndTheSessionStaysUp() throws Exception {
        fleet = new FakeCameraFleet();
        FakeCamera cam = camera(3, true);
        start(Map.of("cameras", "127.0.3.3:" + cam.httpPort(), "username", "admin", "password", "wrong", "snapshotInterval", "0s"));
        await().atMost(Duration.ofSeconds(30)).until(() -> runtime.queries().device(cam.deviceId()).isPresent());
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> runtime.actions().run(cam.deviceId(), "snapshot", Map.of(), "test").get());
        ActionException refused = assertInstanceOf(ActionException.class, e.getCause());
        assertEquals(ActionException.Kind.FAILED, refused.kind());
        assertEquals("the camera refused the configured user and password (HTTP 401)", refused.getMessage());
        assertEquals("the camera refused the configured user and password (HTTP 401)", cameraStatus("127.0.3.3").get("lastSnapshotError"));
        assertTrue(pictures(cam.deviceId()).isEmpty());
        assertTrue(cam.inSession());
    }

    @Test
    void aCameraThatGoesSilentIsOfflineThenFoundAgain() throws Exception {
        fleet = new FakeCameraFleet();
        FakeCamera cam = camera(4, false);
        start(Map.of("cameras", "127.0.3.4"));
        await().atMost(Duration.ofSeconds(30)).until(() -> MetricValue.of(true).equals(latest(cam.deviceId()).get("online")));
        cam.mode(FakeCamera.Mode.SILENT);
        await().atMost(Duration.ofSeconds(30)).until(() -> MetricValue.of(false).equals(latest(cam.deviceId()).get("online"))
                && "false".equals(runtime.queries().device(cam.deviceId()).orElseThrow().attributes().get("online")));
        assertTrue(String.valueOf(cameraStatus("127.0.3.4").get("offlineReason")).startsWith("silent for 3s"),
                String.valueOf(cameraStatus("127.0.3.4")));
        long sessions = cam.sessions();
        cam.mode(FakeCamera.Mode.NORMAL);
        await().atMost(Duration.ofSeconds(30)).until(() -> MetricValue.of(true).equals(latest(cam.deviceId()).get("online"))
                && cam.sessions() > sessions);
        assertEquals("true", runtime.queries().device(cam.deviceId()).orElseThrow().attributes().get("online"));
        // online, offline, online: each change recorded once it happened
        List<Boolean> changes = new ArrayList<>();
        for (StoredReading r : runtime.store().orElseThrow().readAfter(0, 10_000)) {
            if (r.reading().deviceId().equals(cam.deviceId())) {
                boolean online = r.reading().metrics().get("online").equals(MetricValue.of(true));
                if (changes.isEmpty() || changes.get(changes.size() - 1) != online) {
                    changes.add(online);
                }
            }
        }
        assertEquals(List.of(true, false, true), changes);
    }

    @Test
    void garbageOnEveryPortCostsOnlyItsSender() throws Exception {
        fleet = new FakeCameraFleet();
        FakeCamera good = camera(5, true);
        FakeCamera bad = camera(6, true);
        start(Map.of("broadcastAddresses", "127.0.3.5:" + DH_PORT + ",127.0.3.6:" + DH_PORT, "username", "admin",
                "password", "s3cret pass", "snapshotInterval", "0s"));
        await().atMost(Duration.ofSeconds(30)).until(() -> good.inSession() && bad.inSession());
        bad.mode(FakeCamera.Mode.GARBAGE);
        // and garbage from anywhere on the gateway's discovery and cloud ports, and on the camera-facing ports
        Random random = new Random(7);
        try (DatagramSocket hostile = new DatagramSocket(new InetSocketAddress("127.0.3.6", 0))) {
            for (int i = 0; i < 3000; i++) {
                byte[] b = new byte[random.nextInt(1600)];
                random.nextBytes(b);
                if (b.length > 4 && i % 3 == 0) {
                    b[0] = (byte) 0xf1;
                    b[1] = (byte) (i % 2 == 0 ? 0x41 : 0xd0);
                }
                if (b.length > 4 && i % 5 == 0) {
                    b[0] = 0x44;
                    b[1] = 0x48;
                    b[2] = 1;
                    b[3] = 8;
                }
                int port = i % 2 == 0 ? discoveryPort : cloudPort;
                hostile.send(new DatagramPacket(b, b.length, new InetSocketAddress("127.0.0.1", port)));
            }
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> ((Number) status().get("unreadableDatagrams")).longValue() > 100
                && MetricValue.of(false).equals(latest(bad.deviceId()).get("online")));
        assertTrue(status().get("lastUnreadable") != null);
        // the good camera never left its session, and still answers
        long acks = good.aliveAcksReceived();
        await().atMost(Duration.ofSeconds(10)).until(() -> good.aliveAcksReceived() > acks + 3);
        assertEquals(1, good.sessions());
        assertEquals(MetricValue.of(true), latest(good.deviceId()).get("online"));
        assertEquals("VSTC-200005-FAKEX", runtime.actions().run(good.deviceId(), "snapshot", Map.of(), "test").get().get("sha256") == null
                ? "" : good.deviceId());
        // a camera serving garbage on HTTP: the snapshot's error says so
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> runtime.actions().run(bad.deviceId(), "snapshot", Map.of(), "test").get());
        assertTrue(e.getCause().getMessage().contains("not a JPEG"), e.getCause().getMessage());
        // and the registry holds only the two cameras: garbage registers nothing
        assertEquals(List.of("VSTC-200005-FAKEX", "VSTC-200006-FAKEX"),
                runtime.queries().devices().stream().map(Device::id).sorted().toList());
        assertTrue(((Number) status().get("cloudAttempts")).longValue() > 0, "garbage on the cloud port is only counted");
    }

    @Test
    void twentyCamerasAtOnce() throws Exception {
        fleet = new FakeCameraFleet();
        List<FakeCamera> cams = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            cams.add(camera(100 + i, true));
        }
        String half = cams.subList(0, 10).stream().map(c -> c.ip() + ":" + DH_PORT).collect(Collectors.joining(","));
        String listed = cams.subList(10, 20).stream().map(c -> c.ip() + ":" + c.httpPort()).collect(Collectors.joining(","));
        start(Map.of("broadcastAddresses", half, "cameras", listed, "username", "admin", "password", "s3cret pass",
                "snapshotInterval", "10s"));
        await().atMost(Duration.ofSeconds(60)).until(() -> cams.stream().allMatch(c -> c.inSession()
                && MetricValue.of(true).equals(latest(c.deviceId()).get("online")) && !pictures(c.deviceId()).isEmpty()));
        assertEquals(20L, ((Number) status().get("inSession")).longValue());
        Map<String, Long> stats = fleet.stats();
        assertEquals(20L, stats.get("sessions"), "one session each: " + stats);
        assertTrue(Files.exists(dir.resolve("gw")));
    }
}
