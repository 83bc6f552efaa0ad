package org.understudy.it;

import static org.junit.Assert.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

/**
 * Item 2 inside Felix: plugins registered only through META-INF/services are found in every started
 * bundle, whoever installed it, and withdrawn when the bundle stops.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ExtenderIT extends GatewayTestSupport {

    @org.ops4j.pax.exam.Configuration
    public Option[] config() {
        return DistributionOptions.options("extender", false);
    }

    @Test
    public void pluginsFollowTheirBundlesLifecycle() throws Exception {
        GatewayClient client = client();
        int port = Udp.freePort();
        Files.writeString(conf("understudy.udp-echo"),
                "port=" + port + "\nprefix=ext\n");
        Thread.sleep(500); // one conf scan

        Bundle bundle = context.installBundle("test:echo", new ByteArrayInputStream(PluginBundles.echo("1.2.3").bytes()));
        assertEquals("installed only: nothing runs yet", Optional.empty(), client.plugin("udp-echo"));
        bundle.start();
        JsonNode echo = client.awaitPlugin("udp-echo", Duration.ofSeconds(2), GatewayClient.inState("ACTIVE"), "ACTIVE");
        assertEquals("org.understudy.it.echo", echo.get("bundle").asText());
        assertEquals("DNS_SERVER", echo.get("kind").asText());
        assertEquals("ext:udp-echo:v1.2.3", Udp.ask(port));

        bundle.stop();
        assertEquals("withdrawn as soon as its bundle stopped", Optional.empty(), client.plugin("udp-echo"));
        assertEquals(null, Udp.ask(port));

        bundle.start();
        client.awaitPlugin("udp-echo", Duration.ofSeconds(2), GatewayClient.inState("ACTIVE"), "ACTIVE again");
        assertEquals("ext:udp-echo:v1.2.3", Udp.ask(port));
        bundle.uninstall();
        assertEquals(Optional.empty(), client.plugin("udp-echo"));
    }
}
