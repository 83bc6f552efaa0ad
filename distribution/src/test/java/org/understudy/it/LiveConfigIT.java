package org.understudy.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;

/**
 * Item 4: conf/&lt;pid&gt;.cfg and the Web Console form both reconfigure a plugin live; an invalid value is
 * rejected with a clear message and the previous configuration stays in force.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class LiveConfigIT extends GatewayTestSupport {

    private static final int WAIT_SECONDS = 5;

    @Inject
    private MetaTypeService metaType;

    @org.ops4j.pax.exam.Configuration
    public Option[] config() {
        return DistributionOptions.options("config", false);
    }

    @Test
    public void confFileAndWebConsoleReconfigureLiveAndInvalidValuesAreRejected() throws Exception {
        GatewayClient client = client();
        int port = Udp.freePort();
        Files.writeString(conf("understudy.udp-echo"), "# test\nport=" + port + "\nprefix=file\n");
        PluginBundles.echo("1.0.0").writeTo(bundles().resolve("echo.jar"));
        client.awaitPlugin("udp-echo", Duration.ofSeconds(WAIT_SECONDS), GatewayClient.inState("ACTIVE"), "ACTIVE");
        assertEquals("started with the file's configuration", "file:udp-echo:v1.0.0", Udp.ask(port));

        // edit the file: applied live
        Files.writeString(conf("understudy.udp-echo"), "port=" + port + "\nprefix=edited\n");
        Udp.awaitAnswer(port, "edited:udp-echo:v1.0.0", WAIT_SECONDS);

        // the Web Console form: derived from the config record
        Bundle core = Arrays.stream(context.getBundles()).filter(b -> "org.understudy.core".equals(b.getSymbolicName()))
                .findFirst().orElseThrow();
        ObjectClassDefinition form = metaType.getMetaTypeInformation(core).getObjectClassDefinition("understudy.udp-echo", null);
        assertNotNull("a form for the plugin's pid", form);
        Map<String, AttributeDefinition> fields = Arrays.stream(form.getAttributeDefinitions(ObjectClassDefinition.ALL))
                .collect(Collectors.toMap(AttributeDefinition::getID, a -> a));
        assertEquals(java.util.Set.of("port", "prefix", "tick"), fields.keySet());
        assertEquals(AttributeDefinition.INTEGER, fields.get("port").getType());
        assertEquals("45353", fields.get("port").getDefaultValue()[0]);
        assertTrue(fields.get("port").getDescription(), fields.get("port").getDescription().startsWith("UDP port on 127.0.0.1."));
        assertTrue(fields.get("port").getDescription().contains("UNDERSTUDY_DNS_PORT"));
        assertEquals("50ms", fields.get("tick").getDefaultValue()[0]);
        assertEquals("Test UDP echo: answers every datagram with prefix:id:version. (pid understudy.udp-echo)", form.getDescription());
        assertEquals("a human title, not the pid", "Understudy DNS server: udp-echo", form.getName());

        // save the form through the Web Console over HTTP, as a browser does
        var saved = client.postForm("/system/console/configMgr/understudy.udp-echo", form(Map.of(
                "apply", "true", "action", "ajaxConfigManager", "propertylist", "port,prefix,tick",
                "port", String.valueOf(port), "prefix", "console", "tick", "50ms")));
        assertTrue("console answered " + saved.statusCode() + ": " + saved.body(), saved.statusCode() < 400);
        Udp.awaitAnswer(port, "console:udp-echo:v1.0.0", WAIT_SECONDS);
        assertTrue("console edits are kept in data/config, never written into conf/",
                Files.readString(conf("understudy.udp-echo")).contains("prefix=edited"));
        try (var stored = Files.walk(data().resolve("config"))) {
            assertTrue("console edit persisted under data/config",
                    stored.anyMatch(p -> p.getFileName().toString().startsWith("udp-echo")));
        }

        // an invalid value from the console is refused before it is stored, with the reason as the answer (the
        // console's error dialog shows it over the form); the previous configuration stays in force
        var refused = client.postForm("/system/console/configMgr/understudy.udp-echo", form(Map.of(
                "apply", "true", "action", "ajaxConfigManager", "propertylist", "port,prefix,tick",
                "port", "99999", "prefix", "bad", "tick", "50ms")));
        assertEquals(400, refused.statusCode());
        assertEquals("Not saved: port must be between 1 and 65535, got 99999", refused.body());

        JsonNode rejected = client.awaitPlugin("udp-echo", Duration.ofSeconds(WAIT_SECONDS),
                p -> p.isPresent() && p.get().get("error").asText().contains("65535"), "reporting the rejection");
        assertEquals("configuration rejected: port must be between 1 and 65535, got 99999", rejected.get("error").asText());
        assertEquals("ACTIVE", rejected.get("state").asText());
        assertEquals("console:udp-echo:v1.0.0", Udp.ask(port));
        Thread.sleep(300);
        assertEquals("the stored configuration was put back", "console",
                configAdmin.getConfiguration("understudy.udp-echo", "?").getProperties().get("prefix"));

        // an invalid value in the file is rejected the same way
        Files.writeString(conf("understudy.udp-echo"), "port=not-a-port\nprefix=x\n");
        JsonNode fileRejected = client.awaitPlugin("udp-echo", Duration.ofSeconds(WAIT_SECONDS),
                p -> p.isPresent() && p.get().get("error").asText().contains("not-a-port"), "reporting the rejection");
        assertEquals("configuration rejected: property 'port': expected an integer, got 'not-a-port'",
                fileRejected.get("error").asText());
        assertEquals("console:udp-echo:v1.0.0", Udp.ask(port));

        // fixing the file applies it and clears the error
        Files.writeString(conf("understudy.udp-echo"), "port=" + port + "\nprefix=fixed\n");
        Udp.awaitAnswer(port, "fixed:udp-echo:v1.0.0", WAIT_SECONDS);
        assertTrue(client.plugin("udp-echo").orElseThrow().get("error").isNull());
    }

    private static String form(Map<String, String> fields) {
        return fields.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }
}
