package org.understudy.it;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.Map;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/** /api/devices and /api/readings over HTTP, from the SQLite store of the real distribution. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ReadingsApiIT extends GatewayTestSupport {

    private final ObjectMapper json = new ObjectMapper();

    @org.ops4j.pax.exam.Configuration
    public Option[] config() {
        return DistributionOptions.options("readings", true, Map.of("understudy.runtime.cfg", "readingStore=store-sqlite\n"));
    }

    private JsonNode get(String path) throws Exception {
        var r = client().get(path, true);
        assertEquals(path + ": " + r.body(), 200, r.statusCode());
        return json.readTree(r.body());
    }

    @Test
    public void devicesAndReadingsAnswerFromTheDurableStore() throws Exception {
        GatewayClient client = client();
        client.awaitPlugin("store-sqlite", Duration.ofSeconds(5), GatewayClient.inState("ACTIVE"), "ACTIVE");
        client.awaitPlugin("store-memory", Duration.ofSeconds(5), GatewayClient.inState("STANDBY"), "on standby");
        PluginBundles.feeder().writeTo(bundles().resolve("feeder.jar"));
        client.awaitPlugin("feeder", Duration.ofSeconds(5), GatewayClient.inState("ACTIVE"), "ACTIVE");

        String range = "&from=2026-03-01T00:00:00Z&to=2026-03-01T04:00:00Z";
        JsonNode hourly = await("four hourly points").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                .until(() -> get("/api/readings?device=feeder-1&metric=temperature&step=PT1H" + range),
                        h -> h.get("points").size() == 4);
        assertEquals(4, hourly.get("points").size());
        JsonNode first = hourly.get("points").get(0);
        assertEquals("2026-03-01T00:00:00Z", first.get("time").asText());
        assertEquals(0.0, first.get("min").asDouble(), 0);
        assertEquals(11.0, first.get("max").asDouble(), 0);
        assertEquals(5.5, first.get("mean").asDouble(), 1e-9);
        assertEquals(12, first.get("count").asInt());

        JsonNode raw = get("/api/readings?device=feeder-1" + range);
        assertEquals("without metric: every numeric metric, raw", 48, raw.get("points").size());
        assertEquals(47.0, raw.get("points").get(47).get("value").asDouble(), 0);

        JsonNode devices = get("/api/devices");
        JsonNode feeder = devices.get(0);
        assertEquals("feeder-1", feeder.get("id").asText());
        assertEquals("feeder", feeder.get("profile").asText());
        assertEquals("SKY2", feeder.get("attributes").get("model").asText());
        assertEquals(47.0, feeder.get("latest").get("values").get("temperature").get("value").asDouble(), 0);
        assertEquals("Cel", feeder.get("latest").get("values").get("temperature").get("unit").asText());
        assertEquals(false, feeder.get("latest").get("values").get("rain").asBoolean());

        assertEquals(400, client.get("/api/readings?metric=temperature", true).statusCode());
        assertTrue(client.get("/api/readings?device=feeder-1&from=yesterday", true).body().contains("ISO-8601"));
        assertTrue(client.get("/api/readings?device=feeder-1&step=PT1S&from=2020-01-01T00:00:00Z", true).body()
                .contains("apiMaxPoints"));
        assertEquals(401, client.get("/api/devices", false).statusCode());
        assertEquals("an unknown device", 404, client.get("/api/readings?device=nobody" + range, true).statusCode());

        // buckets start on whole steps whatever 'from' is: an hour at :00
        JsonNode aligned = get("/api/readings?device=feeder-1&metric=temperature&step=PT1H&from=2026-03-01T00:20:00Z&to=2026-03-01T02:00:00Z");
        assertEquals("2026-03-01T00:00:00Z", aligned.get("points").get(0).get("time").asText());
        assertEquals("2026-03-01T01:00:00Z", aligned.get("points").get(1).get("time").asText());

        // CSV, by Accept or format=csv
        var csv = client.get("/api/readings?device=feeder-1&metric=temperature&step=PT1H&format=csv" + range, true);
        assertTrue(csv.headers().firstValue("Content-Type").orElse("").startsWith("text/csv"));
        String[] lines = csv.body().split("\n");
        assertEquals("time,metric,min,max,mean,count", lines[0]);
        assertEquals("2026-03-01T00:00:00Z,temperature,0.0,11.0,5.5,12", lines[1]);
        assertEquals(5, lines.length);

        // pictures of the device, a page at a time, each served with its type and cached for good
        JsonNode pictures = get("/api/pictures?device=feeder-1&limit=2" + range);
        assertEquals(2, pictures.get("pictures").size());
        assertEquals("2026-03-01T00:00:00Z", pictures.get("pictures").get(0).get("time").asText());
        String next = pictures.get("next").asText();
        JsonNode rest = get("/api/pictures?device=feeder-1&limit=2&after=" + next + range);
        assertEquals(1, rest.get("pictures").size());
        assertTrue(rest.get("next").isNull());
        var image = client.get(rest.get("pictures").get(0).get("url").asText(), true);
        assertEquals(200, image.statusCode());
        assertEquals("image/jpeg", image.headers().firstValue("Content-Type").orElse(""));
        assertTrue(image.headers().firstValue("Cache-Control").orElse("").contains("immutable"));
        assertEquals(404, client.get("/api/pictures/" + "0".repeat(64), true).statusCode());
        assertEquals(404, client.get("/api/pictures?device=nobody", true).statusCode());
        JsonNode store = client.plugin("store-sqlite").orElseThrow();
        assertTrue(store.get("status").get("durable").asBoolean());
    }
}
