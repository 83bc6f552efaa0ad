package org.understudy.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.understudy.it.scenario.ScenarioStation;
import org.understudy.proxy.StrictStation;

/**
 * {@code /metrics} as a monitoring system sees it: the distribution run by {@code bin/understudy}, scraped by a
 * real Prometheus server (Debian's) with the metrics token, its page checked by {@code promtool}.
 */
class MetricsScrapeIT {

    private static final String PASSWORD = "metrics admin";
    private static final String TOKEN = "scrape-token-0123456789";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void prometheusScrapesTheGatewayWithTheTokenAndSeesDnsProxyStoreAndJvmSeries() throws Exception {
        Path home = DistributionOptions.home("metrics");
        GatewayProcess.install(home);
        int webPort = DistributionOptions.freeTcpPort();
        int dnsPort = Udp.freePort();
        int proxyPort = DistributionOptions.freeTcpPort();
        Files.writeString(home.resolve("conf/dns.rules"), "A hello.lan 10.1.2.3\n");
        Map<String, String> env = Map.of("UNDERSTUDY_WEB_PORT", String.valueOf(webPort), "UNDERSTUDY_ADMIN_PASSWORD", PASSWORD,
                "UNDERSTUDY_METRICS_TOKEN", TOKEN, "UNDERSTUDY_DNS_PORT", String.valueOf(dnsPort),
                "UNDERSTUDY_PROXY_HOST", "127.0.0.1", "UNDERSTUDY_PROXY_PORT", String.valueOf(proxyPort),
                // the vendors' names are looked up where nobody answers: the Bloomsky cloud is down, uploads answered here
                "UNDERSTUDY_DNS_UPSTREAM", "127.0.0.1:" + Udp.freePort());
        try (GatewayProcess gateway = GatewayProcess.start(home, env, home.resolve("run.out"))) {
            GatewayClient client = new GatewayClient(webPort, "admin", PASSWORD);
            await("the gateway ready").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .ignoreExceptionsInstanceOf(IOException.class)
                    .until(() -> client.get("/api/status", true).statusCode() == 200);
            for (String id : List.of("dns", "proxy", "store-sqlite")) {
                client.awaitPlugin(id, Duration.ofSeconds(15), GatewayClient.inState("ACTIVE"), "ACTIVE");
            }
            for (int i = 0; i < 3; i++) {
                assertEquals("10.1.2.3", Dns.resolveA(dnsPort, "hello.lan"));
            }
            long ts = System.currentTimeMillis() / 1000;
            assertEquals(200, StrictStation.post("127.0.0.1", proxyPort, ScenarioStation.HOST, "/devc/skydevice/?Info="
                    + ScenarioStation.info(ts), new byte[0], 10_000).status(), "a station upload, answered locally");
            assertEquals(421, StrictStation.post("127.0.0.1", proxyPort, "nobody.example", "/", new byte[0], 10_000).status());

            String url = "/metrics";
            assertEquals(401, client.get(url, false).statusCode(), "no credentials");
            assertEquals(401, client.get(url, "Bearer not-the-token").statusCode(), "a wrong token");
            assertEquals(401, client.get("/api/status", "Bearer " + TOKEN).statusCode(), "the token opens /metrics only");
            HttpResponse<String> asAdmin = client.get(url, true);
            assertEquals(200, asAdmin.statusCode(), "the admin login opens it too");
            HttpResponse<String> page = client.get(url, "Bearer " + TOKEN);
            assertEquals(200, page.statusCode());
            String type = page.headers().firstValue("Content-Type").orElse("");
            assertTrue(type.replace(" ", "").startsWith("text/plain;version=0.0.4"), type);
            String body = page.body();
            assertTrue(value(body, "understudy_dns_queries_total{source=\"rule\"}") >= 3, body);
            assertEquals(1.0, value(body, "understudy_plugin_up{kind=\"dns_server\",plugin=\"dns\"}"), body);
            assertEquals(1.0, value(body, "understudy_plugin_up{kind=\"reading_store\",plugin=\"store-sqlite\"}"), body);
            assertEquals(0.0, value(body, "understudy_plugin_up{kind=\"reading_store\",plugin=\"store-memory\"}"), "on standby");
            assertTrue(value(body, "understudy_store_database_bytes") > 0, body);
            assertTrue(value(body, "understudy_data_free_bytes") > 0, body);
            assertTrue(value(body, "process_resident_memory_bytes") > 10e6, body);
            assertTrue(value(body, "jvm_memory_used_bytes{area=\"heap\"}") > 0, body);
            assertEquals(1.0, value(body, "understudy_proxy_request_duration_seconds_count{outcome=\"impersonated\",profile=\"bloomsky\"}"));
            assertEquals(1.0, value(body, "understudy_proxy_refused_requests_total{reason=\"unrouted\"}"));
            assertTrue(value(body, "understudy_device_last_seen_age_seconds{device=\"" + ScenarioStation.DEVICE
                    + "\",family=\"bloomsky\"}") < 600, body);
            assertTrue(value(body, "understudy_store_readings_per_commit_count") >= 1, body);

            Path metricsFile = home.resolve("metrics.txt");
            Files.writeString(metricsFile, body);
            ProcessResult lint = run(List.of("promtool", "check", "metrics"), metricsFile);
            assertEquals(0, lint.exit(), "promtool check metrics:\n" + lint.output());

            scrapedByPrometheus(home, webPort);
            gateway.terminate();
        }
    }

    /** A real Prometheus scrapes the gateway every second with the token; its query API then answers from it. */
    private void scrapedByPrometheus(Path home, int webPort) throws Exception {
        Path dir = Files.createDirectories(home.resolve("prometheus"));
        Files.writeString(dir.resolve("token"), TOKEN);
        Files.writeString(dir.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                scrape_configs:
                  - job_name: understudy
                    authorization:
                      credentials_file: %s
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                """.formatted(dir.resolve("token"), webPort));
        int port = DistributionOptions.freeTcpPort();
        Process prometheus = new ProcessBuilder("prometheus", "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        try {
            ObjectMapper json = new ObjectMapper();
            await("Prometheus to have scraped the gateway").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .ignoreExceptionsInstanceOf(IOException.class)
                    .untilAsserted(() -> {
                        assertTrue(prometheus.isAlive(), () -> "prometheus exited: " + log(dir));
                        JsonNode up = query(json, port, "up{job=\"understudy\"}");
                        assertEquals(1, up.size(), () -> up + "\n" + log(dir));
                        assertEquals("1", up.get(0).get("value").get(1).asText(), () -> "target down: " + targets(port));
                        JsonNode rules = query(json, port, "understudy_dns_queries_total{source=\"rule\"}");
                        assertEquals(1, rules.size(), rules::toString);
                        assertTrue(rules.get(0).get("value").get(1).asDouble() >= 3, rules::toString);
                    });
        } finally {
            prometheus.destroy();
            if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
                prometheus.destroyForcibly();
            }
        }
    }

    private JsonNode query(ObjectMapper json, int port, String promql) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/query?query="
                + URLEncoder.encode(promql, StandardCharsets.UTF_8))).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        return json.readTree(r.body()).path("data").path("result");
    }

    private String targets(int port) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/targets")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException | InterruptedException e) {
            return e.toString();
        }
    }

    private static String log(Path dir) {
        try {
            return Files.readString(dir.resolve("prometheus.log"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** The value of one series on the page; fails when it is absent. */
    private static double value(String page, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(page);
        assertTrue(m.find(), () -> series + " not on the page:\n" + page);
        return Double.parseDouble(m.group(1));
    }

    private record ProcessResult(int exit, String output) {}

    private static ProcessResult run(List<String> command, Path stdin) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectInput(stdin.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return new ProcessResult(p.exitValue(), out);
    }
}
