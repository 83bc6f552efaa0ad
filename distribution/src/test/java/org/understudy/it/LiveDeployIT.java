package org.understudy.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Hashtable;
import java.util.Optional;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

/** Item 3: plugin jars copied into, overwritten in and deleted from bundles/ while running. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class LiveDeployIT extends GatewayTestSupport {

    private static final Duration DEPLOY_BUDGET = Duration.ofSeconds(3);

    @org.ops4j.pax.exam.Configuration
    public Option[] config() {
        // the shipped DNS server is a DNS_SERVER too: the test plugin is selected explicitly
        return DistributionOptions.options("deploy", true, java.util.Map.of("understudy.runtime.cfg", "dnsServer=udp-echo\n"));
    }

    @Test
    public void deployUpdateAndRemoveLive() throws Exception {
        GatewayClient client = client();
        int port = Udp.freePort();
        org.osgi.service.cm.Configuration c = configAdmin.getConfiguration("understudy.udp-echo", "?");
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("port", String.valueOf(port));
        props.put("prefix", "kept");
        c.update(props);

        Path jar = bundles().resolve("echo.jar");
        PluginBundles.echo("1.0.0").writeTo(jar);
        JsonNode v1 = client.awaitPlugin("udp-echo", DEPLOY_BUDGET, GatewayClient.inState("ACTIVE"), "ACTIVE");
        assertEquals("1.0.0", v1.get("version").asText());
        assertEquals("kept:udp-echo:v1.0.0", Udp.ask(port));

        // overwrite with a new version: the new one runs with the same configuration
        PluginBundles.echo("2.0.0").writeTo(jar);
        JsonNode v2 = client.awaitPlugin("udp-echo", DEPLOY_BUDGET,
                p -> p.isPresent() && p.get().get("version").asText().equals("2.0.0")
                        && p.get().get("state").asText().equals("ACTIVE"), "ACTIVE in version 2.0.0");
        assertEquals(String.valueOf(port), v2.get("config").get("port").asText());
        assertEquals("the same port now answered by the new version: the old socket is gone",
                "kept:udp-echo:v2.0.0", Udp.ask(port));
        Path data = data().resolve("plugins").resolve("udp-echo");
        String oldTicks = Files.readString(data.resolve("ticks-v1.0.0"));
        Thread.sleep(300);
        assertEquals("the old version's timer no longer runs", oldTicks, Files.readString(data.resolve("ticks-v1.0.0")));
        assertTrue(Files.exists(data.resolve("ticks-v2.0.0")));
        long echoBundles = java.util.Arrays.stream(context.getBundles())
                .filter(b -> "org.understudy.it.echo".equals(b.getSymbolicName())).count();
        assertEquals("one bundle, updated in place", 1, echoBundles);

        // delete: stopped and withdrawn
        Files.delete(jar);
        client.awaitPlugin("udp-echo", DEPLOY_BUDGET, Optional::isEmpty, "withdrawn");
        assertEquals("nothing answers any more", null, Udp.ask(port));
        assertTrue(java.util.Arrays.stream(context.getBundles())
                .noneMatch(b -> "org.understudy.it.echo".equals(b.getSymbolicName())));

        // configuration survives removal and comes back with a redeploy
        PluginBundles.echo("3.0.0").writeTo(jar);
        client.awaitPlugin("udp-echo", DEPLOY_BUDGET, GatewayClient.inState("ACTIVE"), "ACTIVE again");
        assertEquals("kept:udp-echo:v3.0.0", Udp.ask(port));
    }

    @Test
    public void aJarStillBeingCopiedIsNotDeployedHalfWritten() throws Exception {
        GatewayClient client = client();
        int port = Udp.freePort();
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("port", String.valueOf(port));
        props.put("prefix", "slow");
        configAdmin.getConfiguration("understudy.swap-a", "?").update(props);
        configAdmin.getConfiguration("understudy.swap-b", "?").update(props);
        PluginBundles.swapPair().writeSlowly(bundles().resolve("slow.jar"), 8, 150);
        // the plugins appear (on standby: udp-echo is the selected DNS server) once the copy is complete
        JsonNode swap = client.awaitPlugin("swap-a", DEPLOY_BUDGET, Optional::isPresent, "deployed");
        assertEquals("STANDBY", swap.get("state").asText());
        assertTrue("no failure recorded for the half-written jar", client.plugin("slow.jar").isEmpty());
        Files.delete(bundles().resolve("slow.jar"));
        client.awaitPlugin("swap-a", DEPLOY_BUDGET, Optional::isEmpty, "withdrawn");
    }

    @Test
    public void brokenJarsAreReportedWithTheirReasonAndHarmNothingElse() throws Exception {
        GatewayClient client = client();
        int port = Udp.freePort();
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("port", String.valueOf(port));
        props.put("prefix", "healthy");
        configAdmin.getConfiguration("understudy.udp-echo", "?").update(props);
        PluginBundles.echo("1.0.0").writeTo(bundles().resolve("healthy.jar"));
        client.awaitPlugin("udp-echo", DEPLOY_BUDGET, GatewayClient.inState("ACTIVE"), "ACTIVE");

        PluginBundles.notABundle().writeTo(bundles().resolve("plain.jar"));
        PluginBundles.unresolvable().writeTo(bundles().resolve("unresolvable.jar"));
        PluginBundles.throwingActivator().writeTo(bundles().resolve("bad-activator.jar"));
        PluginBundles.throwingProfile().writeTo(bundles().resolve("throwing.jar"));
        Files.writeString(bundles().resolve("garbage.jar"), "this is not a zip file");

        JsonNode plain = client.awaitPlugin("plain.jar", DEPLOY_BUDGET, GatewayClient.inState("FAILED"), "FAILED");
        assertEquals("not an OSGi bundle: its manifest has no Bundle-SymbolicName", plain.get("error").asText());
        JsonNode garbage = client.awaitPlugin("garbage.jar", DEPLOY_BUDGET, GatewayClient.inState("FAILED"), "FAILED");
        assertTrue(garbage.get("error").asText(), garbage.get("error").asText().startsWith("not a readable jar"));
        JsonNode unresolvable = client.awaitPlugin("unresolvable.jar", DEPLOY_BUDGET, GatewayClient.inState("FAILED"), "FAILED");
        assertTrue(unresolvable.get("error").asText(), unresolvable.get("error").asText().contains("org.nowhere.missing"));
        JsonNode activator = client.awaitPlugin("bad-activator.jar", DEPLOY_BUDGET, GatewayClient.inState("FAILED"), "FAILED");
        assertTrue(activator.get("error").asText(), activator.get("error").asText().contains("activator fails on purpose"));
        JsonNode throwing = client.awaitPlugin("throwing-profile", DEPLOY_BUDGET, GatewayClient.inState("FAILED"), "FAILED");
        assertEquals("start failed: IllegalStateException: this profile refuses to start", throwing.get("error").asText());
        assertEquals("DEVICE_PROFILE", throwing.get("kind").asText());

        assertEquals("healthy:udp-echo:v1.0.0", Udp.ask(port));
        assertEquals("ACTIVE", client.plugin("store-memory").orElseThrow().get("state").asText());

        // fixing a broken jar in place clears its report
        PluginBundles.echo("9.0.0").header("Bundle-SymbolicName", "org.understudy.it.fixed")
                .header("Import-Package", TestBundles.API_IMPORTS).writeTo(bundles().resolve("plain.jar"));
        client.awaitPlugin("plain.jar", DEPLOY_BUDGET, Optional::isEmpty, "no longer reported");
        for (String name : new String[] {"plain.jar", "unresolvable.jar", "bad-activator.jar", "throwing.jar",
                "garbage.jar", "healthy.jar"}) {
            Files.delete(bundles().resolve(name));
        }
        client.awaitPlugin("unresolvable.jar", DEPLOY_BUDGET, Optional::isEmpty, "no longer reported");
        client.awaitPlugin("udp-echo", DEPLOY_BUDGET, Optional::isEmpty, "withdrawn");
        for (Bundle b : context.getBundles()) {
            assertFalse(b.getLocation(), b.getLocation().startsWith("understudy:bundles/")
                    && !b.getLocation().startsWith("understudy:bundles/understudy-")); // the shipped plugins stay
        }
    }
}
