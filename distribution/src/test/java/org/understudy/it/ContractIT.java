package org.understudy.it;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * The plugin contract 0.3 in the real distribution, with a throwaway plugin jar (ContractProfile): a device
 * action round trip over REST, a profile changing its hosts and TLS ports live (DNS and the proxy follow), a web
 * endpoint mounted and withdrawn with its bundle, and a secret that never shows.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ContractIT extends GatewayTestSupport {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String SECRET = "s3cr3t-t0ken-value";
    private final ObjectMapper json = new ObjectMapper();

    @org.ops4j.pax.exam.Configuration
    public Option[] config() {
        return DistributionOptions.options("contract", true, Map.of(
                "understudy.runtime.cfg", "actionTimeout=1s\n",
                "understudy.contract.cfg", "token=" + SECRET + "\n"));
    }

    private int port(GatewayClient client, String plugin, String key) throws Exception {
        return client.plugin(plugin).orElseThrow().get("config").get(key).asInt();
    }

    private Path contributions() {
        return data().resolve("plugins/contract/contributions.properties");
    }

    private static String http(int port, String host) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (Exception refused) {
            return false;
        }
    }

    @Test
    public void actionsOverRestAreCheckedBoundedAndRecorded() throws Exception {
        GatewayClient client = client();
        PluginBundles.contract().writeTo(bundles().resolve("contract.jar"));
        client.awaitPlugin("contract", WAIT, GatewayClient.inState("ACTIVE"), "ACTIVE");
        await().atMost(WAIT).until(() -> client.get("/api/devices", true).body().contains("contract-1"));
        JsonNode devices = json.readTree(client.get("/api/devices", true).body());
        JsonNode device = null;
        for (JsonNode d : devices) {
            if (d.get("id").asText().equals("contract-1")) {
                device = d;
            }
        }
        assertEquals("echo", device.get("actions").get(0).get("name").asText());
        assertEquals("text", device.get("actions").get(0).get("parameters").get(0).get("name").asText());

        String url = "/api/devices/contract-1/actions/echo";
        var ok = client.post(url, "application/json", "{\"text\":\"hi\",\"times\":2}");
        assertEquals(ok.body(), 200, ok.statusCode());
        assertEquals("hihi", json.readTree(ok.body()).get("result").get("said").asText());
        assertEquals("a cross-site form post is refused", 415,
                client.post(url, "application/x-www-form-urlencoded", "text=hi").statusCode());
        assertEquals("a request from another site is refused", 403,
                client.post(url, "application/json", "{\"text\":\"hi\"}", "Origin", "http://evil.example").statusCode());
        assertEquals(400, client.post(url, "application/json", "{\"times\":2}").statusCode());
        assertEquals(400, client.post(url, "application/json", "{\"text\":\"hi\",\"times\":\"two\"}").statusCode());
        assertEquals(400, client.post(url, "application/json", "not json").statusCode());
        assertEquals(404, client.post("/api/devices/contract-1/actions/fly", "application/json", "{}").statusCode());
        assertEquals(404, client.post("/api/devices/nobody/actions/echo", "application/json", "{}").statusCode());
        var unreachable = client.post("/api/devices/contract-1/actions/unreachable", "application/json", "{}");
        assertEquals(504, unreachable.statusCode());
        assertTrue(unreachable.body(), unreachable.body().contains("connection refused by contract-1"));
        var slow = client.post("/api/devices/contract-1/actions/slow", "application/json", "{}");
        assertEquals(504, slow.statusCode());
        assertTrue(slow.body(), slow.body().contains("did not answer within 1000 ms"));

        // every action run is recorded where flows are: who, when, what, outcome
        await().atMost(WAIT).until(() -> json.readTree(client.get("/api/flows?outcome=ACTION", true).body()).get("flows").size() >= 6);
        JsonNode flows = json.readTree(client.get("/api/flows?outcome=ACTION&host=contract-1", true).body()).get("flows");
        JsonNode echo = null;
        for (JsonNode f : flows) {
            if (f.get("target").asText().equals("echo") && f.get("status").asInt() == 200) {
                echo = f;
            }
        }
        assertTrue("admin@127.0.0.1".equals(echo.get("client").asText()));
        assertTrue(echo.get("requestBody").get("text").asText().contains("\"text\":\"hi\""));
        assertTrue(echo.get("responseBody").get("text").asText().contains("hihi"));
        Files.delete(bundles().resolve("contract.jar"));
        client.awaitPlugin("contract", WAIT, Optional::isEmpty, "withdrawn");
    }

    @Test
    public void hostsAndPortsFollowTheProfileLiveAndAWebEndpointComesAndGoesWithItsBundle() throws Exception {
        GatewayClient client = client();
        PluginBundles.contract().writeTo(bundles().resolve("contract.jar"));
        client.awaitPlugin("contract", WAIT, GatewayClient.inState("ACTIVE"), "ACTIVE");
        int dns = port(client, "dns", "port");
        int proxy = port(client, "proxy", "port");
        int tls = Udp.freePort();
        assertFalse(accepts(tls));

        Files.writeString(contributions(), "hosts=live-a.test\npassThrough=pass.test\ntlsPort=" + tls + "\n");
        await().atMost(WAIT).until(() -> "127.0.0.1".equals(Dns.resolveA(dns, "live-a.test")));
        assertEquals("a pass-through-only name reaches the gateway too", "127.0.0.1", Dns.resolveA(dns, "pass.test"));
        assertTrue(http(proxy, "live-a.test").contains("contract answers live-a.test"));
        await().atMost(WAIT).until(() -> accepts(tls));

        Files.writeString(contributions(), "hosts=live-b.test\n");
        await().atMost(WAIT).until(() -> "127.0.0.1".equals(Dns.resolveA(dns, "live-b.test")));
        assertNull("withdrawn: no longer answered with the gateway", Dns.resolveA(dns, "live-a.test"));
        assertTrue(http(proxy, "live-a.test").startsWith("HTTP/1.1 421"));
        assertTrue(http(proxy, "live-b.test").contains("contract answers live-b.test"));
        await().atMost(WAIT).until(() -> !accepts(tls));
        assertEquals("contract", client.plugin("contract").orElseThrow().get("id").asText());
        assertEquals("no plugin restarted", "ACTIVE", client.plugin("contract").orElseThrow().get("state").asText());

        // the web endpoint: behind the same login, gone with its bundle
        var hello = client.get("/contract/hello?who=test", true);
        assertEquals(200, hello.statusCode());
        assertEquals("hello admin from test", hello.body());
        assertEquals(401, client.get("/contract/hello", false).statusCode());
        assertTrue("linked from the Web Console's Understudy tab",
                client.get("/system/console/understudy", true).body().contains("/contract/"));
        Files.delete(bundles().resolve("contract.jar"));
        client.awaitPlugin("contract", WAIT, Optional::isEmpty, "withdrawn");
        await().atMost(WAIT).until(() -> client.get("/contract/hello", true).statusCode() == 404);
    }

    /** Every log line of the gateway while the test runs (SLF4J goes to java.util.logging here). */
    private static final java.util.List<String> LOGGED = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Test
    public void aSecretNeverShowsInStatusOrLogs() throws Exception {
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                LOGGED.add(new java.util.logging.SimpleFormatter().formatMessage(r));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger.getLogger("").addHandler(capture);
        try {
            secretNeverShows();
        } finally {
            java.util.logging.Logger.getLogger("").removeHandler(capture);
        }
    }

    private void secretNeverShows() throws Exception {
        GatewayClient client = client();
        PluginBundles.contract().writeTo(bundles().resolve("contract.jar"));
        client.awaitPlugin("contract", WAIT, GatewayClient.inState("ACTIVE"), "ACTIVE");
        JsonNode contract = client.plugin("contract").orElseThrow();
        assertEquals("********", contract.get("config").get("token").asText());
        // a reconfigure logs the old and the new configuration
        Files.writeString(conf("understudy.contract"), "token=" + SECRET + "-2\ndevice=contract-2\n");
        client.awaitPlugin("contract", WAIT, p -> p.isPresent() && p.get().get("config").get("device").asText().equals("contract-2"),
                "reconfigured");
        assertFalse(client.get("/api/status", true).body().contains(SECRET));
        String logged = String.join("\n", LOGGED);
        assertTrue("the reconfigure was logged", logged.contains("reconfiguring plugin contract") || logged.contains("started DEVICE_PROFILE plugin contract"));
        assertFalse("no log line holds the secret", logged.contains(SECRET));
        Files.delete(bundles().resolve("contract.jar"));
        client.awaitPlugin("contract", WAIT, Optional::isEmpty, "withdrawn");
    }
}
