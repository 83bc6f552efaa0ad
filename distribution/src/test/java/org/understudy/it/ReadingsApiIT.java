package org.understudy.it;

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
        long deadline = System.nanoTime() + 5_000_000_000L;
        JsonNode hourly = null;
        while (System.nanoTime() < deadline) {
            hourly = get("/api/readings?device=feeder-1&metric=temperature&step=PT1H" + range);
            if (hourly.get("points").size() == 4) {
                break;
            }
            Thread.sleep(100);
        }
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
        JsonNode store = client.plugin("store-sqlite").orElseThrow();
        assertTrue(store.get("status").get("durable").asBoolean());
    }
}
