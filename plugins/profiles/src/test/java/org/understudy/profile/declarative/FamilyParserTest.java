package org.understudy.profile.declarative;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.understudy.api.model.HostPattern;
import org.understudy.api.model.Quantity;

/** The family file format: what the shipped files say, and where a bad file's problems are named. */
class FamilyParserTest {

    /** The files the distribution ships, read where they live in the source tree. */
    static final Path SHIPPED = Path.of("../../distribution/src/main/dist/conf/profiles");
    private static final Duration MAX = Duration.ofSeconds(10);
    private final FamilyParser parser = new FamilyParser();

    static Family shipped(String file) throws Exception {
        return new FamilyParser().parse(file, Files.readString(SHIPPED.resolve(file)), MAX);
    }

    @Test
    void everyShippedFileIsValidAndSaysWhereItsFactsCameFrom() throws Exception {
        List<String> ids = new ArrayList<>();
        try (Stream<Path> files = Files.list(SHIPPED)) {
            for (Path f : files.sorted().toList()) {
                String text = Files.readString(f);
                ids.add(parser.parse(f.getFileName().toString(), text, MAX).id());
                assertTrue(text.contains("\"source\""), f + " names its sources");
            }
        }
        assertEquals(List.of("ecowitt", "smartmesh-clouddata", "wunderground"), ids);
    }

    @Test
    void theSmartMeshFileIsTheSeedsServer() throws Exception {
        Family f = shipped("smartmesh-clouddata.json");
        assertEquals(List.of(HostPattern.of("clouddata.dustcloud.org")), f.hosts());
        Route r = f.route("POST", "/api/v1/oap").orElseThrow().route();
        assertEquals(new Route.Source(Route.Kind.JSON, "/mac"), r.device());
        assertEquals(Quantity.TEMPERATURE, r.metrics().get("temperature").quantity());
        assertEquals("Cel", r.metrics().get("temperature").unit());
        assertEquals(200, r.offline().status());
        assertEquals("", r.offline().body());
        assertTrue(f.route("GET", "/api/v1/oap").isEmpty(), "only what the seed served");
    }

    @Test
    void aTextThatPassedTheSchemaIsNamedAndReadTheSameWayAgainWithoutTheCheck() throws Exception {
        String text = Files.readString(SHIPPED.resolve("wunderground.json"));
        assertEquals(FamilyParser.schemaCheckName(text), FamilyParser.schemaCheckName(new String(text.toCharArray())));
        assertTrue(!FamilyParser.schemaCheckName(text).equals(FamilyParser.schemaCheckName(text + " ")), "another text, another name");
        Family checked = parser.parse("w.json", text, MAX);
        Family trusted = new FamilyParser().parse("w.json", text, MAX, true);
        assertEquals(checked.id(), trusted.id());
        assertEquals(checked.hosts(), trusted.hosts());
        assertEquals(checked.routes().size(), trusted.routes().size());
        assertEquals(checked.route("GET", "/weatherstation/updateweatherstation.php").map(m -> m.route().metrics().keySet()),
                trusted.route("GET", "/weatherstation/updateweatherstation.php").map(m -> m.route().metrics().keySet()));
    }

    @Test
    void aNamedTextThatCannotBeReadIsStillReportedInFull() {
        String broken = "{\n  \"id\": \"x\",\n  oops\n}";
        var e = assertThrows(FamilyParser.Invalid.class, () -> parser.parse("x.json", broken, MAX, true));
        assertTrue(e.getMessage().startsWith("not JSON at line 3, column 3"), e.getMessage());
        String noRoutes = "{\"id\": \"x\", \"name\": \"X\", \"hosts\": [\"x.example.com\"]}";
        var missing = assertThrows(FamilyParser.Invalid.class, () -> parser.parse("x.json", noRoutes, MAX, true));
        assertTrue(missing.getMessage().contains("routes"), missing.getMessage());
    }

    @Test
    void notJsonIsReportedWithItsLineAndColumn() {
        var e = assertThrows(FamilyParser.Invalid.class, () -> parser.parse("x.json", "{\n  \"id\": \"x\",\n  oops\n}", MAX));
        assertTrue(e.getMessage().startsWith("not JSON at line 3, column 3"), e.getMessage());
        assertTrue(assertThrows(FamilyParser.Invalid.class, () -> parser.parse("x.json", "  ", MAX)).getMessage().contains("empty"));
    }

    @Test
    void schemaViolationsAreReportedEachWithItsPlace() {
        String text = minimal().replace("\"POST\"", "\"DELETE\"").replace("\"status\": 200", "\"status\": 99");
        var e = assertThrows(FamilyParser.Invalid.class, () -> parser.parse("x.json", text, MAX));
        assertTrue(e.getMessage().contains("/routes/0/method"), e.getMessage());
        assertTrue(e.getMessage().contains("/routes/0/offline/status"), e.getMessage());
        var missing = assertThrows(FamilyParser.Invalid.class, () -> parser.parse("x.json", "{\"id\": \"x\"}", MAX));
        assertTrue(missing.getMessage().contains("hosts") && missing.getMessage().contains("routes"), missing.getMessage());
        var unknown = assertThrows(FamilyParser.Invalid.class,
                () -> parser.parse("x.json", minimal().replace("\"forward\"", "\"forwardd\""), MAX));
        assertTrue(unknown.getMessage().contains("/routes/0") && unknown.getMessage().contains("forwardd"), unknown.getMessage());
    }

    @Test
    void whatTheSchemaCannotSayIsReportedWithItsPlaceToo() {
        var segment = assertThrows(FamilyParser.Invalid.class,
                () -> parser.parse("x.json", minimal().replace("{\"json\": \"/mac\"}", "{\"path\": \"station\"}"), MAX));
        assertEquals("/routes/0/device/path: the route's path has no {station} segment", segment.getMessage());
        var convert = assertThrows(FamilyParser.Invalid.class, () -> parser.parse("x.json",
                minimal().replace("\"unit\": \"Cel\"", "\"type\": \"text\", \"convert\": \"fahrenheit-to-celsius\""), MAX));
        assertEquals("/routes/0/metrics/temperature/convert: only a number can be converted", convert.getMessage());
        var slow = assertThrows(FamilyParser.Invalid.class,
                () -> parser.parse("x.json", minimal().replace("\"hosts\"", "\"replyDeadline\": \"30s\", \"hosts\""), MAX));
        assertEquals("/replyDeadline: 30s is longer than maxReplyDeadline (10s)", slow.getMessage());
    }

    @Test
    void pathSegmentsAreMatchedAndNamed() throws Exception {
        Family f = parser.parse("x.json", minimal().replace("/api/v1/oap", "/station/{id}/upload")
                .replace("{\"json\": \"/mac\"}", "{\"path\": \"id\"}"), MAX);
        Route.Match m = f.route("POST", "/station/ab%20c/upload").orElseThrow();
        assertEquals("ab c", m.pathValues().get("id"));
        assertTrue(f.route("POST", "/station//upload").isEmpty());
        assertTrue(f.route("POST", "/station/a/b/upload").isEmpty());
    }

    @Test
    void conversionsAreLinear() throws Exception {
        Family f = parser.parse("x.json", minimal().replace("\"unit\": \"Cel\"", "\"unit\": \"Cel\", \"convert\": \"fahrenheit-to-celsius\""), MAX);
        Route.MetricSpec t = f.routes().get(0).metrics().get("temperature");
        assertEquals(100.0, 212 * t.scale() + t.offset(), 1e-9);
        assertEquals(0.0, 32 * t.scale() + t.offset(), 1e-9);
        Family g = parser.parse("x.json", minimal().replace("\"unit\": \"Cel\"", "\"unit\": \"Cel\", \"convert\": {\"scale\": 0.1, \"offset\": -40}"), MAX);
        Route.MetricSpec s = g.routes().get(0).metrics().get("temperature");
        assertEquals(-15.0, 250 * s.scale() + s.offset(), 1e-9);
    }

    /** A small valid family, edited by the tests. */
    static String minimal() {
        return """
                {
                  "id": "test-family",
                  "name": "Test family",
                  "hosts": ["upload.example.com"],
                  "routes": [
                    {
                      "method": "POST",
                      "path": "/api/v1/oap",
                      "device": {"json": "/mac"},
                      "metrics": {"temperature": {"json": "/temperature", "unit": "Cel", "quantity": "TEMPERATURE"}},
                      "forward": true,
                      "offline": {"status": 200, "body": ""}
                    }
                  ]
                }
                """;
    }
}
