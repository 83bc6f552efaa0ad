package org.understudy.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.api.spi.HttpRequest;
import org.understudy.api.spi.Observation;
import org.understudy.api.web.WebRequest;
import org.understudy.api.web.WebResponse;

class QuarantineTest {

    private static final Instant NOW = Instant.parse("2026-11-28T01:00:00Z");
    @TempDir
    Path dir;

    private static HttpRequest request(String host, String target) {
        return new HttpRequest(null, NOW, "GET", target, host, List.of(), null);
    }

    @Test
    void eachSurpriseIsKeptOnceWithACountAndNeverAValue() throws Exception {
        Quarantine q = new Quarantine(dir.resolve("quarantine.json"), 100, Clock.fixed(NOW, ZoneOffset.UTC));
        Observation drift = Observation.NONE.withUnknownFields(List.of("soilmoisture1", "pm25_ch1"));
        for (int i = 0; i < 3; i++) {
            q.observed("wunderground", request("weatherstation.wunderground.com", "/u.php?ID=K1&PASSWORD=s3cret&soilmoisture1=40"),
                    drift);
        }
        q.observed("bloomsky", request("bloomsky.example", "/devc/new?token=abc"), Observation.UNKNOWN_ROUTE);
        q.observed("bloomsky", request("bloomsky.example", "/devc/skydevice/"), Observation.NONE);
        q.unknownHost("Elsewhere.Example", "POST", "/x?key=v");

        List<Quarantine.Entry> entries = q.entries();
        assertEquals(4, entries.size());
        Quarantine.Entry soil = entries.stream().filter(e -> e.key.subject().equals("soilmoisture1")).findFirst().orElseThrow();
        assertEquals(Quarantine.Kind.UNKNOWN_FIELD, soil.key.kind());
        assertEquals("wunderground", soil.key.profile());
        assertEquals(3, soil.count.sum());
        assertEquals("GET /u.php?ID&PASSWORD&soilmoisture1", soil.example, "field names only: never a value, never a password");
        Quarantine.Entry route = entries.stream().filter(e -> e.key.kind() == Quarantine.Kind.UNKNOWN_ROUTE).findFirst().orElseThrow();
        assertEquals("GET /devc/new", route.key.subject());
        Quarantine.Entry host = entries.stream().filter(e -> e.key.kind() == Quarantine.Kind.UNKNOWN_HOST).findFirst().orElseThrow();
        assertEquals("elsewhere.example", host.key.subject());

        q.save();
        String saved = Files.readString(dir.resolve("quarantine.json"), StandardCharsets.UTF_8);
        assertFalse(saved.contains("s3cret") || saved.contains("abc") || saved.contains("=40"), saved);
        Quarantine again = new Quarantine(dir.resolve("quarantine.json"), 100, Clock.systemUTC());
        assertEquals(4, again.size(), "kept across a restart");
        again.observed("wunderground", request("weatherstation.wunderground.com", "/u.php?soilmoisture1=1"), drift);
        assertEquals(4, again.entries().stream().filter(e -> e.key.subject().equals("soilmoisture1")).findFirst().orElseThrow()
                .count.sum());
        assertEquals(NOW, again.entries().stream().filter(e -> e.key.subject().equals("soilmoisture1")).findFirst().orElseThrow()
                .firstSeen, "first seen is when it first came, not when the proxy restarted");
    }

    @Test
    void aFullQuarantineCountsWhatItCannotKeepAndADamagedFileIsNotFatal() throws Exception {
        Quarantine q = new Quarantine(dir.resolve("quarantine.json"), 2, Clock.systemUTC());
        for (int i = 0; i < 5; i++) {
            q.unknownHost("host" + i + ".example", "GET", "/");
        }
        assertEquals(2, q.size());
        assertEquals(3, q.overflow());
        q.unknownHost("host0.example", "GET", "/");
        assertEquals(3, q.overflow(), "a kept entry still counts");
        q.unknownHost("h".repeat(5000), "GET", "/" + "p".repeat(5000));
        q.clear();
        assertEquals(0, q.size());
        q.unknownHost("h".repeat(5000) + ".example", "GET", "/");
        assertTrue(q.entries().get(0).key.subject().length() <= Quarantine.MAX_TEXT + 1, "a device cannot fill the disk");

        Files.writeString(dir.resolve("broken.json"), "[{\"kind\": \"NOPE\"");
        assertEquals(0, new Quarantine(dir.resolve("broken.json"), 10, Clock.systemUTC()).size());
    }

    @Test
    void thePageListsTheEntriesAndIsEmptiedFromTheGatewaysOwnPagesOnly() throws Exception {
        Quarantine q = new Quarantine(dir.resolve("quarantine.json"), 10, Clock.fixed(NOW, ZoneOffset.UTC));
        q.unknownHost("elsewhere.example", "GET", "/");
        QuarantinePage page = new QuarantinePage(q);
        WebResponse list = page.handle(new WebRequest("GET", "/", Map.of(), Map.of(), new byte[0], "admin"));
        assertEquals(200, list.status());
        String body = new String(list.body(), StandardCharsets.UTF_8);
        assertTrue(body.contains("\"kind\":\"unknown_host\"") && body.contains("\"count\":1") && body.contains("\"maxEntries\":10"), body);
        assertEquals(403, page.handle(new WebRequest("DELETE", "/", Map.of(), Map.of("sec-fetch-site", "cross-site"), new byte[0],
                "admin")).status());
        assertEquals(1, q.size());
        assertEquals(200, page.handle(new WebRequest("DELETE", "/", Map.of(), Map.of("sec-fetch-site", "same-origin"), new byte[0],
                "admin")).status());
        assertEquals(0, q.size());
        assertEquals(405, page.handle(new WebRequest("PUT", "/", Map.of(), Map.of(), new byte[0], "admin")).status());
        assertEquals(404, page.handle(new WebRequest("GET", "/x", Map.of(), Map.of(), new byte[0], "admin")).status());
    }
}
