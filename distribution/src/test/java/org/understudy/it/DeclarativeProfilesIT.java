package org.understudy.it;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * The declarative profiles plugin as the distribution ships it, a bundle with its JSON Schema validator embedded:
 * the shipped files are in force, a file dropped in is used, and a bad one is reported in /api/status with its
 * place and a message a person can read (the validator's messages are inside the bundle).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DeclarativeProfilesIT extends GatewayTestSupport {

    private final ObjectMapper json = new ObjectMapper();

    @org.ops4j.pax.exam.Configuration
    public Option[] config() {
        return DistributionOptions.options("profiles", true);
    }

    private JsonNode file(String name) throws Exception {
        JsonNode status = json.readTree(client().get("/api/status", true).body());
        for (JsonNode p : status.get("plugins")) {
            if (p.get("id").asText().equals("profiles")) {
                for (JsonNode f : p.path("status").path("files")) {
                    if (f.get("file").asText().equals(name)) {
                        return f;
                    }
                }
            }
        }
        return json.createObjectNode();
    }

    @Test
    public void filesDroppedInAreUsedOrReportedWithTheirPlaceAndAReadableReason() throws Exception {
        Path profiles = Files.createDirectories(Path.of(context.getProperty("understudy.conf")).resolve("profiles"));
        for (String shipped : new String[] {"smartmesh-clouddata.json", "wunderground.json", "ecowitt.json"}) {
            Files.copy(DistributionOptions.dist().resolve("conf/profiles").resolve(shipped), profiles.resolve(shipped));
        }
        client().awaitPlugin("profiles", Duration.ofSeconds(10), GatewayClient.inState("ACTIVE"), "ACTIVE");
        await().atMost(Duration.ofSeconds(10)).until(() -> "in force".equals(file("wunderground.json").path("state").asText()));
        assertEquals("smartmesh-clouddata", file("smartmesh-clouddata.json").path("family").asText());

        String logger = Files.readString(profiles.resolve("smartmesh-clouddata.json"))
                .replace("\"smartmesh-clouddata\"", "\"logger\"").replace("clouddata.dustcloud.org", "logger.example.net");
        Files.writeString(profiles.resolve("logger.json"), logger);
        await().atMost(Duration.ofSeconds(10)).until(() -> "in force".equals(file("logger.json").path("state").asText()));

        Files.writeString(profiles.resolve("bad.json"), logger.replace("\"logger\"", "\"bad\"")
                .replace("logger.example.net", "bad.example.net").replace("\"POST\"", "\"DELETE\""));
        await().atMost(Duration.ofSeconds(10)).until(() -> file("bad.json").has("error") && !file("bad.json").get("error").isNull());
        String error = file("bad.json").get("error").asText();
        assertEquals("not used", file("bad.json").path("state").asText());
        assertTrue(error, error.startsWith("/routes/0/method: "));
        assertTrue("a sentence, not a message key: " + error, error.contains("enum") && error.contains(" "));
    }
}
