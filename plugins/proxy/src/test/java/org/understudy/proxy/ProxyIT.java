package org.understudy.proxy;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.api.model.MetricValue;
import org.understudy.api.model.StoredReading;
import org.understudy.core.ClasspathPlugins;
import org.understudy.core.PluginRuntime;
import org.understudy.core.testing.PluginStatus;
import org.understudy.core.testing.TestPorts;

/**
 * A Bloomsky station's cycle through the real runtime (SQLite store, Bloomsky profile, proxy): a
 * strict station client, a dnsmasq resolving the backend's name to a fake backend on 127.0.0.2, the
 * backend stopped and started again.
 */
class ProxyIT {

    static final String HOST = "bskybackend.bloomsky.com";
    static final String INFO = "{\"DeviceID\":\"94A1A2733B1A\",\"FWVersion1\":\"1.4.0\",\"FWVersion2\":\"1.2.4\","
            + "\"HWVersion\":\"1.0.1\",\"DeviceType\":\"SKY1\",\"Temperature\":16.33,\"Humidity\":34,\"Voltage\":2586,"
            + "\"UVIndex\":1234,\"Luminance\":2689636,\"Rain\":0,\"Pressure\":669,\"ChargerStatus\":0,\"TS\":%d}";
    static final byte[] JPEG = {(byte) 0xff, (byte) 0xd8, (byte) 0xff, (byte) 0xe0, 0, 16, 'J', 'F', 'I', 'F', 1, 2, 3, (byte) 0xff, (byte) 0xd9};

    @TempDir
    Path dir;
    private LoopbackDnsmasq dnsmasq;
    private FakeBloomskyBackend backend;
    private int backendPort;
    private PluginRuntime runtime;
    private int port;
    private final ObjectMapper json = new ObjectMapper();

    @BeforeEach
    void start() throws Exception {
        dnsmasq = LoopbackDnsmasq.start(dir, Map.of(HOST, "127.0.0.2"));
        backend = new FakeBloomskyBackend("127.0.0.2", 0);
        backendPort = backend.port();
        port = TestPorts.freeTcpPort();
        runtime = new PluginRuntime(dir.resolve("gw"), dir.resolve("conf"), k -> null, Clock.systemUTC());
        runtime.configure("understudy.runtime", Map.of("readingStore", "store-sqlite"));
        runtime.configure("understudy.proxy", Map.of("port", String.valueOf(port), "resolvers", "127.0.0.1:" + dnsmasq.port(),
                "backendPort", String.valueOf(backendPort), "connectTimeout", "500ms", "probeInterval", "200ms", "tlsPort", "0"));
        runtime.configure("understudy.bloomsky", Map.of("replyDeadline", "1500ms"));
        runtime.add(ClasspathPlugins.discover(ProxyIT.class.getClassLoader()));
    }

    @AfterEach
    void stop() throws Exception {
        runtime.close();
        backend.close();
        dnsmasq.close();
    }

    private String info(long ts) {
        return String.format(INFO, ts);
    }

    @SuppressWarnings("unchecked")
    private String upstreamState() {
        var upstreams = (List<Map<String, Object>>) runtime.status().get("upstreams");
        return upstreams.stream().filter(u -> String.valueOf(u.get("upstream")).startsWith(HOST))
                .map(u -> String.valueOf(u.get("status"))).findFirst().orElse("none");
    }

    private List<StoredReading> readings() {
        return runtime.store().orElseThrow().readAfter(0, 1000);
    }

    @Test
    void theStationCycleOnlineThenOfflineThenOnlineAgain() throws Exception {
        long now = System.currentTimeMillis() / 1000;
        // online: the raw JSON request line reaches the backend unchanged; the station gets its reply
        var online = StrictStation.post(port, HOST, "/devc/skydevice/?Info=" + info(now), new byte[0]);
        assertEquals(200, online.status());
        JsonNode body = json.readTree(online.body());
        assertEquals(1480938629L, body.get("SunsetTime").asLong(), "the backend's own answer");
        assertEquals("POST /devc/skydevice/?Info=" + info(now) + " HTTP/1.1", backend.received.get(0).requestLine());
        assertEquals(1, readings().size(), "recorded before the reply");
        assertEquals(MetricValue.of(16.33, "Cel"), readings().get(0).reading().metrics().get("temperature"));

        // the picture: forwarded and stored
        var picture = StrictStation.post(port, HOST, "/devc/skydevice/94A1A2733B1A?Info=" + info(now), JPEG);
        assertEquals(200, picture.status());
        assertArrayEquals(JPEG, backend.received.get(1).body());
        assertEquals(1, readings().size(), "the picture's Info repeats the measurement: still one reading");
        String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(JPEG));
        assertArrayEquals(JPEG, runtime.queries().pictureContent(sha).orElseThrow());

        // the backend goes away: the station still gets a valid 200, built, with the learned headers
        backend.close();
        var offline = StrictStation.post(port, HOST, "/devc/skydevice/?Info=" + info(now + 300), new byte[0]);
        assertEquals(200, offline.status());
        assertEquals("chunked", offline.headers().get("transfer-encoding"));
        assertEquals("Apache/2.4.23 (Amazon) mod_wsgi/3.5 Python/2.7.10", offline.headers().get("server"), "learned");
        JsonNode built = json.readTree(offline.body());
        assertEquals(200, built.get("ResponseValue").asInt());
        assertTrue(Math.abs(built.get("TS").asLong() - System.currentTimeMillis() / 1000) <= 2, "fresh TS");

        assertEquals(2, readings().size());
        var known = StrictStation.post(port, HOST, "/devc/skydevice/?Info=" + info(now + 600), new byte[0]);
        assertEquals(200, known.status());
        assertEquals("DOWN", upstreamState(), "the backend is known down: later uploads are answered without trying it");
        assertEquals(503, StrictStation.post(port, HOST, "/api/skydata/", new byte[0]).status(), "the app's API is never faked");

        // the backend returns: the probes notice, forwarding resumes
        backend = new FakeBloomskyBackend("127.0.0.2", backendPort);
        await("forwarding resumed after the backend returned").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    // the station keeps uploading: one of its uploads is forwarded once the probes notice the backend
                    StrictStation.post(port, HOST, "/devc/skydevice/?Info=" + info(now + 900), new byte[0]);
                    return !backend.received.isEmpty();
                });
        assertTrue(!backend.received.isEmpty(), "forwarding resumed after the backend returned");
    }

    @Test
    void aGatewayStartedOfflineForwardsOnceTheBackendsNameResolvesAgain() throws Exception {
        // the power came back before the uplink: the backend's name does not resolve, so there is nothing to probe
        dnsmasq = dnsmasq.restart(dir, Map.of());
        long now = System.currentTimeMillis() / 1000;
        var offline = StrictStation.post(port, HOST, "/devc/skydevice/?Info=" + info(now), new byte[0]);
        assertEquals(200, offline.status(), "answered for the backend");
        assertEquals(0, backend.received.size());
        assertEquals("DOWN", upstreamState());

        // the uplink returns: the name resolves again, and an upload gets through within a probe interval or so
        dnsmasq = dnsmasq.restart(dir, Map.of(HOST, "127.0.0.2"));
        await("forwarding resumed once the name resolved").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                .until(() -> {
                    StrictStation.post(port, HOST, "/devc/skydevice/?Info=" + info(now + 300), new byte[0]);
                    return !backend.received.isEmpty();
                });
        assertEquals("UP", upstreamState());
    }

    @Test
    void notAnOpenProxyAndBadRequestsAreRefused() throws Exception {
        assertEquals(421, StrictStation.post(port, "example.com", "/", new byte[0]).status());
        assertEquals(421, StrictStation.post(port, "bskybackend.bloomsky.com.evil.org", "/devc/skydevice/", new byte[0]).status());
        assertEquals(0, backend.received.size(), "nothing was forwarded");
        assertEquals(400, StrictStation.raw(port, "THIS IS NOT HTTP\r\n\r\n").status());
        assertEquals(400, StrictStation.raw(port, "GET / HTTP/1.1\r\nConnection: close\r\n\r\n").status(), "HTTP/1.1 without Host");
        assertEquals(421, StrictStation.raw(port, "GET / HTTP/1.0\r\n\r\n").status(), "HTTP/1.0 without Host: no profile can serve it");
    }

    @Test
    void aFullProxyMakesRoomByClosingAWaitingConnectionNeverABusyOne() throws Exception {
        runtime.configure("understudy.proxy", Map.of("port", String.valueOf(port), "resolvers", "127.0.0.1:" + dnsmasq.port(),
                "backendPort", String.valueOf(backendPort), "tlsPort", "0", "maxConnections", "1"));
        try (java.net.Socket waiting = new java.net.Socket("127.0.0.1", port)) {
            waiting.setSoTimeout(5000);
            await().until(() -> proxyConnections() == 1);
            // full: the new connection is served, the one that was only waiting for a request made room
            assertEquals(421, StrictStation.post(port, "example.com", "/", new byte[0]).status());
            assertEquals(-1, waiting.getInputStream().read(), "the waiting connection was closed");
        }
        await().until(() -> proxyConnections() == 0);
        try (java.net.Socket busy = new java.net.Socket("127.0.0.1", port)) {
            // a request whose body is still arriving is busy, not waiting: it keeps its place
            busy.getOutputStream().write(("POST /devc/skydevice/ HTTP/1.1\r\nHost: " + HOST + "\r\nContent-Length: 10\r\n\r\n12345")
                    .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            busy.getOutputStream().flush();
            await().until(() -> proxyConnections() == 1);
            try (java.net.Socket second = new java.net.Socket("127.0.0.1", port)) {
                second.setSoTimeout(5000);
                assertEquals(-1, second.getInputStream().read(), "a connection over maxConnections is closed at once");
            }
        }
        await().until(() -> proxyConnections() == 0);
        assertEquals(421, StrictStation.post(port, "example.com", "/", new byte[0]).status(), "served again once under the limit");
    }

    @Test
    @SuppressWarnings("unchecked")
    void uploadsAnsweredOfflineAreReSentInOrderOnceTheBackendIsBack() throws Exception {
        runtime.configure("understudy.proxy", Map.of("port", String.valueOf(port), "resolvers", "127.0.0.1:" + dnsmasq.port(),
                "backendPort", String.valueOf(backendPort), "connectTimeout", "500ms", "probeInterval", "200ms", "tlsPort", "0",
                "backfill", "true", "backfillInterval", "50ms"));
        long now = System.currentTimeMillis() / 1000;
        assertEquals(200, StrictStation.post(port, HOST, "/devc/skydevice/?Info=" + info(now), new byte[0]).status());
        backend.close();
        List<String> offline = List.of("/devc/skydevice/?Info=" + info(now + 300), "/devc/skydevice/94A1A2733B1A?Info=" + info(now + 300),
                "/devc/skydevice/?Info=" + info(now + 600));
        for (String target : offline) {
            assertEquals(200, StrictStation.post(port, HOST, target, target.contains("94A1") ? JPEG : new byte[0]).status());
        }
        assertEquals(0L, ((Number) ((Map<String, Object>) PluginStatus.of(runtime, "proxy").get("backfill")).get("resent")).longValue(),
                "nothing while down");

        // no device traffic now: the probes notice the backend, the backfill re-sends on its own
        backend = new FakeBloomskyBackend("127.0.0.2", backendPort);
        await("the three uploads re-sent").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> backend.received.size() >= 3);
        Thread.sleep(300); // nothing more arrives: each upload is re-sent once
        assertEquals(offline, backend.received.stream().map(r -> r.requestLine().split(" ")[1]).toList(), "in order, once each");
        assertArrayEquals(JPEG, backend.received.get(1).body(), "the picture whole");
        Map<String, Object> backfill = (Map<String, Object>) PluginStatus.of(runtime, "proxy").get("backfill");
        assertEquals(3L, ((Number) backfill.get("resent")).longValue());
        assertEquals(3, runtime.flowLog().after(0, HOST, org.understudy.api.model.Flow.Outcome.BACKFILLED, 10).size(),
                "each outcome recorded");
    }

    @Test
    void largeBodiesBeyondTheMemoryBudgetAreTurnedAwayWithRetryAfter() throws Exception {
        runtime.configure("understudy.proxy", Map.of("port", String.valueOf(port), "resolvers", "127.0.0.1:" + dnsmasq.port(),
                "backendPort", String.valueOf(backendPort), "tlsPort", "0", "maxBodyBytes", "65536", "maxBufferedBodyBytes", "100000"));
        long now = System.currentTimeMillis() / 1000;
        String target = "/devc/skydevice/94A1A2733B1A?Info=" + info(now);
        byte[] picture = new byte[60_000];
        System.arraycopy(JPEG, 0, picture, 0, JPEG.length);
        try (java.net.Socket slow = new java.net.Socket("127.0.0.1", port)) {
            // a first upload holds 60,000 of the 100,000 bytes while its body trickles in
            slow.getOutputStream().write(("POST " + target + " HTTP/1.1\r\nHost: " + HOST + "\r\nContent-Length: 60000\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            slow.getOutputStream().write(picture, 0, 1000);
            slow.getOutputStream().flush();
            await("the first upload holding 60,000 bytes of the budget").atMost(Duration.ofSeconds(5))
                    .pollInterval(Duration.ofMillis(10)).until(() -> bufferedBodyBytes() >= 60_000);
            var refused = StrictStation.post(port, HOST, target, picture);
            assertEquals(503, refused.status(), "a second one would pass the budget");
            assertEquals("5", refused.headers().get("retry-after"));
            slow.getOutputStream().write(picture, 1000, picture.length - 1000);
            slow.getOutputStream().flush();
            slow.setSoTimeout(5000);
            String statusLine = new java.io.BufferedReader(new java.io.InputStreamReader(slow.getInputStream(),
                    java.nio.charset.StandardCharsets.ISO_8859_1)).readLine();
            assertEquals("HTTP/1.1 200 OK", statusLine, "the first completes");
        }
        // given back once the answer is written, a moment after the device may already have read it
        await("the body budget given back").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10))
                .until(() -> bufferedBodyBytes() <= 0);
        assertEquals(200, StrictStation.post(port, HOST, target, picture).status(), "the budget is given back");
        assertEquals(1L, ((Number) PluginStatus.of(runtime, "proxy").get("refusedOverBodyBudget")).longValue());
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderOneAfterTheOther() throws Exception {
        long now = System.currentTimeMillis() / 1000;
        String first = "POST /devc/skydevice/?Info=" + info(now) + " HTTP/1.1\r\nHost: " + HOST + "\r\nContent-Length: 0\r\n\r\n";
        String second = "GET /not-an-upload HTTP/1.1\r\nHost: example.com\r\nContent-Length: 0\r\n\r\n";
        try (java.net.Socket device = new java.net.Socket("127.0.0.1", port)) {
            device.setSoTimeout(5000);
            // both in one write: the second is decoded while the first is still being answered
            device.getOutputStream().write((first + second).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            device.getOutputStream().flush();
            var in = new java.io.BufferedInputStream(device.getInputStream());
            var upload = StrictStation.read(in);
            assertEquals(200, upload.status(), "the upload's answer first");
            assertEquals(1480938629L, json.readTree(upload.body()).get("SunsetTime").asLong());
            assertEquals(421, StrictStation.read(in).status(), "then the other's");
        }
    }

    private int proxyConnections() {
        return ((Number) PluginStatus.of(runtime, "proxy").get("connections")).intValue();
    }

    private long bufferedBodyBytes() {
        return ((Number) PluginStatus.of(runtime, "proxy").get("bufferedBodyBytes")).longValue();
    }
}
