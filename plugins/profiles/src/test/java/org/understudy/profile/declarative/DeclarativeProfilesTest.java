package org.understudy.profile.declarative;

import static org.junit.jupiter.api.Assertions.assertFalse;
import org.understudy.api.web.WebResponse;
import org.understudy.api.web.WebRequest;
import org.understudy.api.web.WebHandler;
import java.nio.charset.StandardCharsets;
import com.fasterxml.jackson.databind.ObjectMapper;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.api.ProfileDirectory;
import org.understudy.api.model.Quantity;
import org.understudy.core.ClasspathPlugins;
import org.understudy.core.PluginRuntime;
import org.understudy.core.testing.PluginStatus;

/**
 * The plugin in a runtime (with the Bloomsky profile beside it): files in conf/profiles/ claim their hosts,
 * follow edits without a restart, and a bad file is reported with its name and place while the others, and its
 * own last good version, keep working.
 */
class DeclarativeProfilesTest {

    @TempDir
    Path dir;
    private Path profiles;
    private PluginRuntime runtime;

    @BeforeEach
    void start() throws Exception {
        profiles = Files.createDirectories(dir.resolve("conf/profiles"));
        for (String f : List.of("smartmesh-clouddata.json", "wunderground.json")) {
            Files.copy(FamilyParserTest.SHIPPED.resolve(f), profiles.resolve(f));
        }
        startRuntime();
    }

    private void startRuntime() {
        runtime = new PluginRuntime(dir.resolve("data"), dir.resolve("conf"), k -> null, Clock.systemUTC());
        runtime.configure("understudy.runtime", Map.of("readingStore", "store-memory"));
        runtime.configure("understudy.profiles", Map.of("reloadInterval", "200ms"));
        runtime.add(ClasspathPlugins.discover(getClass().getClassLoader()).stream()
                .filter(d -> List.of("profiles", "bloomsky", "store-memory").contains(d.id())).toList());
    }

    @AfterEach
    void stop() {
        runtime.close();
    }

    /** The runtime's directory of profile claims, as plugins see it. */
    private ProfileDirectory directory() {
        return runtime.profiles();
    }

    private Optional<String> owner(String host) {
        return directory().interceptorOf(host).map(p -> p.id());
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> file(String name) {
        return ((List<Map<String, Object>>) PluginStatus.of(runtime, "profiles").get("files")).stream()
                .filter(f -> name.equals(f.get("file"))).findFirst().orElse(Map.of());
    }

    @Test
    void theFilesPresentAtStartClaimTheirHostsAndDescribeTheirMetrics() {
        assertEquals(Optional.of("profiles"), owner("clouddata.dustcloud.org"), "claimed from the start");
        assertEquals(Optional.of("profiles"), owner("rtupdate.wunderground.com"));
        assertEquals(Optional.of("bloomsky"), owner("bskybackend.bloomsky.com"));
        assertEquals(Quantity.TEMPERATURE, directory().metricInfo("smartmesh-clouddata", "temperature").orElseThrow().quantity());
        assertEquals("hPa", directory().metricInfo("wunderground", "pressure").orElseThrow().unit());
        assertEquals("in force", file("smartmesh-clouddata.json").get("state"));
    }

    @Test
    void theTextsInForceAreKeptAsSchemaCheckedAcrossARestart() throws Exception {
        Path kept = dir.resolve("data/plugins/profiles").resolve(DeclarativeProfiles.SCHEMA_PASSED_FILE);
        Path smartmesh = profiles.resolve("smartmesh-clouddata.json");
        java.util.function.Supplier<java.util.Set<String>> expected = () -> {
            try {
                return java.util.Set.of(FamilyParser.schemaCheckName(Files.readString(smartmesh)),
                        FamilyParser.schemaCheckName(Files.readString(profiles.resolve("wunderground.json"))));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        assertEquals(expected.get(), java.util.Set.copyOf(Files.readAllLines(kept)));

        runtime.close();
        startRuntime();
        assertEquals(Optional.of("profiles"), owner("clouddata.dustcloud.org"), "in force again from the kept names");
        assertEquals("in force", file("wunderground.json").get("state"));

        Files.writeString(smartmesh, Files.readString(smartmesh).replace("clouddata.dustcloud.org", "other.example.com"));
        await().until(() -> owner("other.example.com").isPresent());
        await().until(() -> expected.get().equals(java.util.Set.copyOf(Files.readAllLines(kept))));
    }

    @Test
    void addingChangingAndDeletingAFileTakesEffectWithoutARestart() throws Exception {
        Path ecowitt = profiles.resolve("ecowitt.json");
        Files.copy(FamilyParserTest.SHIPPED.resolve("ecowitt.json"), ecowitt);
        await().until(() -> owner("cdnrtpdate.ecowitt.net").isPresent());
        assertTrue(directory().metricInfo("ecowitt", "rain_day").isPresent());

        Files.writeString(ecowitt, Files.readString(ecowitt).replace("cdnrtpdate.ecowitt.net", "weather.example.com"));
        await().until(() -> owner("cdnrtpdate.ecowitt.net").isEmpty() && owner("weather.example.com").isPresent());

        Files.delete(ecowitt);
        await().until(() -> owner("weather.example.com").isEmpty());
        assertTrue(directory().metricInfo("ecowitt", "rain_day").isEmpty(), "withdrawn with its file");
        assertEquals(Map.of(), file("ecowitt.json"));
        assertEquals(Optional.of("profiles"), owner("clouddata.dustcloud.org"), "the others untouched");
    }

    @Test
    void aBadFileIsReportedWithItsPlaceAndAGoodFileMadeBadKeepsItsLastGoodVersion() throws Exception {
        Files.writeString(profiles.resolve("broken.json"), "{\n  \"id\": \"broken\",\n  \"hosts\": [\"broken.example.com\"\n}");
        await().until(() -> file("broken.json").get("error") != null);
        assertEquals("not used", file("broken.json").get("state"));
        assertTrue(String.valueOf(file("broken.json").get("error")).startsWith("not JSON at line 4"), file("broken.json").toString());
        assertTrue(owner("broken.example.com").isEmpty());

        Path smartmesh = profiles.resolve("smartmesh-clouddata.json");
        String good = Files.readString(smartmesh);
        Files.writeString(smartmesh, good.replace("\"method\": \"POST\"", "\"method\": \"PATCH\"")
                .replace("clouddata.dustcloud.org", "other.example.com"));
        await().until(() -> file("smartmesh-clouddata.json").get("error") != null);
        assertEquals("last good version in force", file("smartmesh-clouddata.json").get("state"));
        assertTrue(String.valueOf(file("smartmesh-clouddata.json").get("error")).contains("/routes/0/method"));
        assertEquals(Optional.of("profiles"), owner("clouddata.dustcloud.org"), "the last good version still answers");
        assertTrue(owner("other.example.com").isEmpty());

        Files.writeString(smartmesh, good.replace("clouddata.dustcloud.org", "other.example.com"));
        await().until(() -> owner("other.example.com").isPresent() && owner("clouddata.dustcloud.org").isEmpty());
        assertEquals("in force", file("smartmesh-clouddata.json").get("state"));
        assertEquals(null, file("smartmesh-clouddata.json").get("error"));
    }

    @Test
    void aHostAlreadyClaimedIsRefusedWithWhoClaimsIt() throws Exception {
        String copy = Files.readString(FamilyParserTest.SHIPPED.resolve("smartmesh-clouddata.json")).replace("\"smartmesh-clouddata\"", "\"copy\"");
        Files.writeString(profiles.resolve("zz-copy.json"), copy);
        await().until(() -> file("zz-copy.json").get("error") != null);
        assertEquals("/hosts/0: host clouddata.dustcloud.org is already claimed by smartmesh-clouddata.json", file("zz-copy.json").get("error"));

        Files.writeString(profiles.resolve("bloomsky-too.json"), copy.replace("\"copy\"", "\"sky\"")
                .replace("clouddata.dustcloud.org", "bskybackend.bloomsky.com"));
        await().until(() -> file("bloomsky-too.json").get("error") != null);
        assertEquals("/hosts/0: host bskybackend.bloomsky.com is already claimed by profile bloomsky", file("bloomsky-too.json").get("error"));
        assertEquals(Optional.of("bloomsky"), owner("bskybackend.bloomsky.com"));

        // the first file goes: the copy's claim is free now, and it takes over
        Files.delete(profiles.resolve("smartmesh-clouddata.json"));
        await().until(() -> "in force".equals(file("zz-copy.json").get("state")));
        assertEquals(Optional.of("profiles"), owner("clouddata.dustcloud.org"));
    }

    private static WebRequest request(String method, String path, String body, Map<String, String> headers) {
        return new WebRequest(method, path, Map.of(), headers, body.getBytes(StandardCharsets.UTF_8), "admin");
    }

    @Test
    void filesAreCheckedAndSavedFromTheWebAndOneThatWouldNotBeUsedIsNeverWritten() throws Exception {
        WebHandler editor = await().until(() -> runtime.webMounts().get("profiles").map(m -> m.handler()).orElse(null),
                java.util.Objects::nonNull);
        ObjectMapper json = new ObjectMapper();
        WebResponse list = editor.handle(request("GET", "/files", "", Map.of()));
        assertEquals(200, list.status());
        assertTrue(new String(list.body(), StandardCharsets.UTF_8).contains("\"wunderground.json\""));
        String text = Files.readString(profiles.resolve("wunderground.json"));
        assertEquals(text, json.readTree(editor.handle(request("GET", "/files/wunderground.json", "", Map.of())).body()).path("text").asText());

        String unparsable = text.replace("\"id\": \"wunderground\"", "\"id\": 5");
        WebResponse bad = editor.handle(request("PUT", "/files/valley.json", unparsable, Map.of()));
        assertEquals(422, bad.status());
        assertTrue(json.readTree(bad.body()).path("error").asText().contains("/id"), new String(bad.body(), StandardCharsets.UTF_8));
        assertEquals(422, editor.handle(request("PUT", "/files/valley.json", text, Map.of())).status(), "its id and hosts are taken");
        assertFalse(Files.exists(profiles.resolve("valley.json")), "a file that would not be used is never written");

        String valley = text.replace("\"id\": \"wunderground\"", "\"id\": \"valley\"")
                .replace("weatherstation.wunderground.com", "station.valley.test").replace("rtupdate.wunderground.com", "rt.valley.test");
        assertEquals(200, editor.handle(request("POST", "/files/valley.json/check", valley, Map.of())).status());
        assertFalse(Files.exists(profiles.resolve("valley.json")), "a check writes nothing");
        assertEquals(403, editor.handle(request("PUT", "/files/valley.json", valley, Map.of("sec-fetch-site", "cross-site"))).status());
        assertEquals(400, editor.handle(request("PUT", "/files/valley.txt", valley, Map.of())).status());
        WebResponse saved = editor.handle(request("PUT", "/files/valley.json", valley, Map.of("sec-fetch-site", "same-origin")));
        assertEquals(200, saved.status(), new String(saved.body(), StandardCharsets.UTF_8));
        assertEquals(valley, Files.readString(profiles.resolve("valley.json")));
        assertEquals("in force", file("valley.json").get("state"), "in force once saved, not at the next reload");
        await().until(() -> owner("station.valley.test").equals(Optional.of("profiles")));
    }
}
