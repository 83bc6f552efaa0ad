package org.understudy.dashboard;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.api.model.MetricValue;
import org.understudy.api.model.Reading;
import org.understudy.api.web.WebRequest;
import org.understudy.api.web.WebResponse;
import org.understudy.core.ClasspathPlugins;
import org.understudy.core.PluginRuntime;
import org.understudy.core.WebMounts;

/** The dashboard on the runtime: the front page, its summary against the store and the profiles, its assets. */
class DashboardTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path data;
    private PluginRuntime runtime;

    @BeforeEach
    void start() {
        runtime = new PluginRuntime(data, data.resolve("conf"), k -> null, Clock.systemUTC());
        runtime.configure("understudy.runtime", Map.of("readingStore", "store-memory"));
        runtime.add(ClasspathPlugins.discover(getClass().getClassLoader()).stream()
                .filter(d -> List.of("meter", "store-memory", "dashboard").contains(d.id())).toList());
    }

    @AfterEach
    void stop() {
        runtime.close();
    }

    private WebResponse get(String path) throws Exception {
        WebMounts.Mount m = await().until(() -> runtime.webMounts().get("dashboard").orElse(null), java.util.Objects::nonNull);
        return m.handler().handle(new WebRequest("GET", path, Map.of(), Map.of(), new byte[0], "admin"));
    }

    @Test
    void theDashboardIsTheFrontPage() {
        await().until(() -> runtime.webMounts().home().isPresent());
        assertEquals("dashboard", runtime.webMounts().home().orElseThrow().path());
    }

    @Test
    void theSummarySaysHowFreshEachDeviceIsAgainstItsFamily() throws Exception {
        await().until(() -> runtime.queries().device("meter-1").isPresent());
        Instant now = Instant.now();
        runtime.recorder().record(List.of(new Reading("meter-1", "meter", now, now,
                Map.of("temperature", MetricValue.of(21.5, "Cel"), "on", MetricValue.of(true)), Map.of())));
        WebResponse r = get("/data/summary");
        assertEquals(200, r.status());
        assertEquals("no-store", r.headers().get("Cache-Control"));
        JsonNode summary = JSON.readTree(r.body());
        JsonNode device = summary.path("devices").get(0);
        assertEquals("meter-1", device.path("id").asText());
        assertEquals("Kitchen meter", device.path("name").asText());
        assertEquals("fresh", device.path("freshness").asText());
        assertEquals(60, device.path("expectedIntervalSeconds").asLong());
        assertEquals(21.5, device.path("latest").path("values").path("temperature").path("value").asDouble());
        assertEquals("Cel", device.path("latest").path("values").path("temperature").path("unit").asText());
        assertTrue(device.path("latest").path("values").path("on").path("value").asBoolean());
        assertTrue(summary.path("disk").path("freeBytes").asLong() > 0, summary.path("disk").toString());
        assertEquals(5, summary.path("refreshSeconds").asLong());
    }

    @Test
    void freshnessIsJudgedAgainstTheExpectedInterval() {
        DashboardConfig c = DashboardConfig.DEFAULTS;
        Duration minute = Duration.ofMinutes(1);
        assertEquals(Summary.Freshness.FRESH, Summary.freshness(Duration.ofSeconds(119), minute, c));
        assertEquals(Summary.Freshness.LATE, Summary.freshness(Duration.ofSeconds(121), minute, c));
        assertEquals(Summary.Freshness.LATE, Summary.freshness(Duration.ofMinutes(6), minute, c));
        assertEquals(Summary.Freshness.STALE, Summary.freshness(Duration.ofMinutes(7), minute, c));
        assertEquals(Summary.Freshness.UNKNOWN, Summary.freshness(Duration.ofDays(7), null, c));
    }

    @Test
    void pagesAndTheirAssetsComeFromTheJarAndNothingFromElsewhere() throws Exception {
        WebResponse page = get("/");
        assertEquals(200, page.status());
        String html = new String(page.body(), StandardCharsets.UTF_8);
        assertTrue(html.contains("vendor/uPlot.iife.min.js"), html);
        assertTrue(page.headers().get("Content-Security-Policy").startsWith("default-src 'self'"));
        for (String asset : List.of("/app.js", "/format.js", "/app.css", "/vendor/uPlot.iife.min.js", "/vendor/uPlot.min.css")) {
            assertEquals(200, get(asset).status(), asset);
        }
        assertEquals(404, get("/../../META-INF/MANIFEST.MF").status());
        assertEquals(404, get("/data/nothing").status());
    }
}
