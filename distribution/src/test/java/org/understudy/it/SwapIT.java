package org.understudy.it;

import static org.junit.Assert.assertEquals;

import java.nio.file.Files;
import java.time.Duration;
import java.util.Hashtable;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/** Item 5: which implementation of a single-active kind runs is configuration, and swaps live. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SwapIT extends GatewayTestSupport {

    @org.ops4j.pax.exam.Configuration
    public Option[] config() {
        return DistributionOptions.options("swap", false);
    }

    @Test
    public void twoImplementationsOfTheDnsSpiSwapOnTheSamePort() throws Exception {
        GatewayClient client = client();
        int port = Udp.freePort();
        Files.writeString(conf("understudy.swap-a"), "port=" + port + "\nprefix=a\n");
        Files.writeString(conf("understudy.swap-b"), "port=" + port + "\nprefix=b\n");
        Files.writeString(conf("understudy.runtime"), "dnsServer=swap-b\n");
        PluginBundles.swapPair().writeTo(bundles().resolve("swap.jar"));

        client.awaitPlugin("swap-b", Duration.ofSeconds(5), GatewayClient.inState("ACTIVE"), "ACTIVE");
        assertEquals("STANDBY", client.plugin("swap-a").orElseThrow().get("state").asText());
        assertEquals("b:swap-b:swap", Udp.ask(port));
        assertEquals("swap-b", client.status().get("selected").get("dnsServer").asText());

        // swap through ConfigAdmin (what the Web Console does)
        Hashtable<String, Object> select = new Hashtable<>();
        select.put("dnsServer", "swap-a");
        configAdmin.getConfiguration("understudy.runtime", "?").update(select);
        Udp.awaitAnswer(port, "a:swap-a:swap", 5);
        assertEquals("STANDBY", client.plugin("swap-b").orElseThrow().get("state").asText());
        assertEquals("ACTIVE", client.plugin("swap-a").orElseThrow().get("state").asText());

        // and back through the file
        Files.writeString(conf("understudy.runtime"), "dnsServer=swap-b\n# swapped back\n");
        Udp.awaitAnswer(port, "b:swap-b:swap", 5);

        // selecting something not installed runs none of them, and says which was selected
        select.put("dnsServer", "missing");
        configAdmin.getConfiguration("understudy.runtime", "?").update(select);
        client.awaitPlugin("swap-b", Duration.ofSeconds(5), GatewayClient.inState("STANDBY"), "STANDBY");
        assertEquals(null, Udp.ask(port));
        assertEquals("missing", client.status().get("selected").get("dnsServer").asText());
    }
}
