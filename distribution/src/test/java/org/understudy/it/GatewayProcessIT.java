package org.understudy.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

/**
 * The distribution as a user runs it: bin/understudy in the foreground, configured by environment
 * variables, secured by default, restarted, stopped by SIGTERM.
 */
class GatewayProcessIT {

    private static final Pattern GENERATED = Pattern.compile("Generated admin password for user 'admin': (\\S+)");
    private static final Duration READY_BUDGET = Duration.ofSeconds(20);

    private static Path home(String name) throws IOException {
        Path home = DistributionOptions.home("process-" + name);
        GatewayProcess.install(home);
        return home;
    }

    private static GatewayClient awaitReady(int webPort, String password, GatewayProcess gateway) throws Exception {
        GatewayClient client = new GatewayClient(webPort, "admin", password);
        try {
            await("the gateway ready").atMost(READY_BUDGET).pollInterval(Duration.ofMillis(100))
                    .ignoreExceptionsInstanceOf(IOException.class) // not listening yet
                    .until(() -> {
                        assertTrue(gateway.alive(), () -> "gateway exited:\n" + output(gateway));
                        return client.get("/api/status", true).statusCode() == 200;
                    });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("gateway not ready within " + READY_BUDGET + ":\n" + gateway.output(), e);
        }
        return client;
    }

    private static String output(GatewayProcess g) {
        try {
            return g.output();
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static String awaitPassword(GatewayProcess gateway) throws Exception {
        try {
            return await("a generated password printed").atMost(READY_BUDGET).pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        Matcher m = GENERATED.matcher(gateway.output());
                        if (m.find()) {
                            return m.group(1);
                        }
                        assertTrue(gateway.alive(), () -> "gateway exited:\n" + output(gateway));
                        return null;
                    }, Objects::nonNull);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("no generated password printed:\n" + gateway.output(), e);
        }
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void secureByDefaultConfiguredByEnvironmentAndRestartsWithoutActivatingTwice() throws Exception {
        Path home = home("main");
        Path data = home.resolve("elsewhere/data");
        int webPort = DistributionOptions.freeTcpPort();
        int dnsPort = Udp.freePort();
        Files.writeString(home.resolve("conf/dns.rules"), "A hello.lan 10.1.2.3\n");
        PluginBundles.echo("1.0.0").writeTo(home.resolve("bundles/echo.jar")); // a second DNS server, on standby
        Map<String, String> env = Map.of("UNDERSTUDY_WEB_PORT", String.valueOf(webPort),
                "UNDERSTUDY_DATA", data.toString(), "UNDERSTUDY_DNS_PORT", String.valueOf(dnsPort));

        String password;
        try (GatewayProcess gateway = GatewayProcess.start(home, env, home.resolve("run1.out"))) {
            password = awaitPassword(gateway);
            GatewayClient client = awaitReady(webPort, password, gateway);
            GatewayClient intruder = new GatewayClient(webPort, "admin", "admin");
            for (String path : new String[] {"/api/status", "/api/anything", "/system/console", "/system/console/bundles",
                    "/system/console/configMgr"}) {
                assertEquals(401, client.get(path, false).statusCode(), path + " without credentials");
            }
            for (String path : new String[] {"/api/status", "/system/console/configMgr"}) {
                // (few enough wrong attempts not to be locked out: throttling has a test of its own)
                assertEquals(401, intruder.get(path, true).statusCode(), path + " with admin/admin");
            }
            assertEquals(200, client.get("/system/console/bundles", true).statusCode());

            JsonNode dns = client.awaitPlugin("dns", Duration.ofSeconds(5), GatewayClient.inState("ACTIVE"), "ACTIVE");
            assertEquals(String.valueOf(dnsPort), dns.get("config").get("port").asText(), "UNDERSTUDY_DNS_PORT wins");
            assertEquals("127.0.0.1", dns.get("config").get("host").asText(), "UNDERSTUDY_DNS_HOST wins");
            assertEquals("10.1.2.3", Dns.resolveA(dnsPort, "hello.lan"));
            client.awaitPlugin("udp-echo", Duration.ofSeconds(5), GatewayClient.inState("STANDBY"), "STANDBY");
            client.awaitPlugin("store-sqlite", Duration.ofSeconds(5), GatewayClient.inState("ACTIVE"), "ACTIVE");
            client.awaitPlugin("store-memory", Duration.ofSeconds(5), GatewayClient.inState("STANDBY"), "STANDBY");

            assertThrows(ConnectException.class, () -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.2", webPort), 1000);
                }
            }, "the admin web listens on 127.0.0.1 only");
            assertTrue(Files.exists(data.resolve("admin-password.hash")), "UNDERSTUDY_DATA is the data directory");
            assertFalse(Files.readString(data.resolve("admin-password.hash")).contains(password), "only a hash is kept");
            for (String shipped : new String[] {"sink-influxdb", "sink-mqtt", "profiles", "kasa", "vstarcam", "bloomsky", "proxy", "dashboard"}) {
                client.awaitPlugin(shipped, Duration.ofSeconds(10), GatewayClient.inState("ACTIVE"), "ACTIVE");
            }
            var root = client.get("/", false);
            assertEquals(303, root.statusCode(), "/ leads to the dashboard");
            assertEquals("/dashboard/", root.headers().firstValue("Location").orElse(""));
            assertEquals(401, client.get("/dashboard/", false).statusCode(), "the dashboard asks for the admin login");
            assertEquals(200, client.get("/dashboard/", true).statusCode());
            assertEquals(404, client.get("/nothing-here", false).statusCode());
            String log = Files.readString(data.resolve("log/understudy.0.log"));
            assertTrue(log.contains("Understudy started"));
            assertFalse(log.contains("configuration rejected"), "every shipped conf/*.cfg is accepted as it is: " + log);
            assertFalse(log.contains(password), "the generated password is printed on the console only, never in a log file");

            gateway.terminate();
            // a clean stop, not the halt the launcher falls back to (how long it takes depends on the machine's load)
            assertTrue(gateway.output().contains("shut down in"), gateway.output());
            assertEquals(1, count(gateway.output(), "Generated admin password"));
        }

        try (GatewayProcess again = GatewayProcess.start(home, env, home.resolve("run2.out"))) {
            GatewayClient client = awaitReady(webPort, password, again);
            client.awaitPlugin("dns", Duration.ofSeconds(5), GatewayClient.inState("ACTIVE"), "ACTIVE");
            Thread.sleep(1500); // several deployer scans: nothing may start a second time
            String out = again.output();
            assertFalse(out.contains("Generated admin password"), "the password is printed only at the first start");
            assertEquals(1, count(out, "started DNS_SERVER plugin dns"), out);
            assertEquals(1, count(out, "started READING_STORE plugin store-sqlite"), out);
            assertEquals(1, count(out, "installed echo.jar"), out);
            assertEquals("10.1.2.3", Dns.resolveA(dnsPort, "hello.lan"));
            again.terminate();
            assertTrue(again.output().contains("shut down in"), again.output());
        }
    }

    private static String snapshot(GatewayClient client, String id) throws Exception {
        return client.get("/api/config/snapshots/" + id, true).body();
    }

    private static JsonNode snapshots(GatewayClient client) throws Exception {
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(client.get("/api/config/snapshots", true).body()).get("snapshots");
    }

    @Test
    void configurationSnapshotsAreKeptValidatedWholeAndRestoredForGood() throws Exception {
        Path home = home("snapshots");
        int webPort = DistributionOptions.freeTcpPort();
        Map<String, String> env = Map.of("UNDERSTUDY_WEB_PORT", String.valueOf(webPort), "UNDERSTUDY_ADMIN_PASSWORD", "snap",
                "UNDERSTUDY_DNS_PORT", String.valueOf(Udp.freePort()));
        Path dnsConf = home.resolve("conf/understudy.dns.cfg");
        String older;
        try (GatewayProcess gateway = GatewayProcess.start(home, env, home.resolve("run1.out"))) {
            GatewayClient client = awaitReady(webPort, "snap", gateway);
            var health = client.get("/health", false);
            assertEquals(200, health.statusCode(), "the watchdog's question needs no login");
            assertEquals("ok\n", health.body());
            // a start on a busy box may keep more than one snapshot (its configurations arrive over more than
            // the snapshot delay): what is checked is which ones hold what
            await("the configuration at start kept").atMost(READY_BUDGET).until(() -> snapshots(client).size() >= 1);
            Files.writeString(dnsConf, Files.readString(dnsConf).replace("rateLimit=200", "rateLimit=150"));
            await("the edited conf file kept").atMost(READY_BUDGET).until(() ->
                    snapshot(client, snapshots(client).get(0).get("id").asText()).contains("\"rateLimit\" : \"150\""));
            JsonNode list = snapshots(client);
            assertTrue(list.get(0).get("pids").toString().contains("understudy.dns"), list.toString());
            older = null;
            for (int i = 1; i < list.size() && older == null; i++) {
                String id = list.get(i).get("id").asText();
                older = snapshot(client, id).contains("\"rateLimit\" : \"200\"") ? id : null;
            }
            assertNotNull(older, "a snapshot from before the edit: " + list);
            var file = client.get("/api/config/snapshots/" + older, true);
            assertEquals(200, file.statusCode());
            assertTrue(file.headers().firstValue("Content-Disposition").orElse("").contains("attachment"));
            assertTrue(file.body().contains("\"rateLimit\" : \"200\""), file.body());

            String broken = file.body().replace("\"rateLimit\" : \"200\"", "\"rateLimit\" : \"-3\"");
            var refused = client.post("/api/config/restore", "application/json", broken);
            assertEquals(400, refused.statusCode(), refused.body());
            assertTrue(refused.body().contains("understudy.dns") && refused.body().contains("rateLimit"), refused.body());
            assertEquals(415, client.post("/api/config/restore", "text/plain", file.body()).statusCode());
            assertEquals(403, client.post("/api/config/snapshots/" + older + "/restore", "application/json", "{}",
                    "Origin", "http://evil.example").statusCode(), "not from another site");
            assertEquals(150, client.awaitPlugin("dns", Duration.ofSeconds(5), GatewayClient.inState("ACTIVE"), "ACTIVE")
                    .get("config").get("rateLimit").asInt(), "a refused snapshot changed nothing");

            int kept = snapshots(client).size();
            var restored = client.post("/api/config/snapshots/" + older + "/restore", "application/json", "{}");
            assertEquals(200, restored.statusCode(), restored.body());
            await("the DNS plugin on the restored configuration").atMost(READY_BUDGET).until(() ->
                    client.awaitPlugin("dns", Duration.ofSeconds(5), GatewayClient.inState("ACTIVE"), "ACTIVE")
                            .get("config").get("rateLimit").asInt() == 200);
            await("the restore kept as a snapshot too").atMost(READY_BUDGET).until(() -> snapshots(client).size() == kept + 1);
            gateway.terminate();
        }
        try (GatewayProcess again = GatewayProcess.start(home, env, home.resolve("run2.out"))) {
            GatewayClient client = awaitReady(webPort, "snap", again);
            assertEquals(200, client.awaitPlugin("dns", Duration.ofSeconds(5), GatewayClient.inState("ACTIVE"), "ACTIVE")
                    .get("config").get("rateLimit").asInt(), "the restore is stored, not only applied");
            ProcessBuilder command = new ProcessBuilder(home.resolve("bin/understudy-config").toString(), "list")
                    .redirectErrorStream(true);
            command.environment().putAll(Map.of("UNDERSTUDY_WEB_PORT", String.valueOf(webPort), "UNDERSTUDY_ADMIN_PASSWORD", "snap"));
            // a snapshot of this start may be kept while the listing runs: compare with what the API says around it
            await("bin/understudy-config lists what the API keeps").atMost(READY_BUDGET).until(() -> {
                int before = snapshots(client).size();
                Process listing = command.start();
                String listed = new String(listing.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                assertEquals(0, listing.waitFor(), listed);
                return count(listed, "\"id\"") == before && snapshots(client).size() == before;
            });
            assertEquals(404, client.get("/api/config/snapshots/admin-password.hash", true).statusCode());
            var traversal = client.get("/api/config/snapshots/..%2Fadmin-password.hash", true);
            assertTrue(traversal.statusCode() == 400 || traversal.statusCode() == 404, traversal.body());
            assertFalse(traversal.body().contains("$"), "no file outside the snapshots is served");
            again.terminate();
        }
    }

    @Test
    void passwordFromTheEnvironmentIsUsedAndNothingIsGenerated() throws Exception {
        Path home = home("envpw");
        int webPort = DistributionOptions.freeTcpPort();
        try (GatewayProcess gateway = GatewayProcess.start(home, Map.of("UNDERSTUDY_WEB_PORT", String.valueOf(webPort),
                "UNDERSTUDY_ADMIN_PASSWORD", "correct horse"), home.resolve("run.out"))) {
            GatewayClient client = awaitReady(webPort, "correct horse", gateway);
            assertEquals(200, client.get("/system/console/bundles", true).statusCode());
            assertFalse(gateway.output().contains("Generated admin password"));
            assertFalse(Files.exists(home.resolve("data/admin-password.hash")));
            String wrong = "Basic " + java.util.Base64.getEncoder().encodeToString("admin:guess".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            for (int i = 0; i < 5; i++) {
                assertEquals(401, client.get("/api/status", wrong).statusCode());
            }
            var throttled = client.get("/system/console/bundles", wrong);
            assertEquals(429, throttled.statusCode(), "guessing is throttled per address, the Web Console too");
            assertTrue(throttled.headers().firstValue("Retry-After").isPresent());
            assertEquals(429, client.get("/api/status", true).statusCode(), "even the right password waits out the lockout");
            gateway.terminate();
        }
    }

    @Test
    void anInvalidPortIsAClearErrorAtStart() throws Exception {
        Path home = home("badport");
        try (GatewayProcess gateway = GatewayProcess.start(home, Map.of("UNDERSTUDY_WEB_PORT", "eighty"),
                home.resolve("run.out"))) {
            assertEquals(2, gateway.waitForExit(Duration.ofSeconds(15)));
            assertTrue(gateway.output().contains("admin web port must be a number from 0 to 65535"
                    + " (org.osgi.service.http.port or UNDERSTUDY_WEB_PORT), got 'eighty'"), gateway.output());
        }
    }
}
