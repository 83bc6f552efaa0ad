package org.understudy.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;

/** Every bundle the distribution ships resolves and starts, and only the api exports packages. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DistributionResolvesIT extends GatewayTestSupport {

    @Configuration
    public Option[] config() {
        return DistributionOptions.options("resolves", true);
    }

    @Test
    public void everyShippedBundleIsActive() throws Exception {
        // the shipped plugins come through the bundles/ deployer: wait for them
        client().awaitPlugin("store-memory", Duration.ofSeconds(10), GatewayClient.inState("ACTIVE"), "ACTIVE");
        List<String> notActive = new ArrayList<>();
        int ours = 0;
        for (Bundle b : context.getBundles()) {
            String location = b.getLocation();
            boolean shipped = location.contains("/understudy/system/") || location.startsWith("understudy:bundles/");
            if (!shipped) {
                continue;
            }
            ours++;
            boolean fragment = b.getHeaders().get(Constants.FRAGMENT_HOST) != null;
            int expected = fragment ? Bundle.RESOLVED : Bundle.ACTIVE;
            if (b.getState() != expected) {
                notActive.add(b.getSymbolicName() + " in state " + b.getState());
            }
        }
        assertTrue("found the distribution's bundles (" + ours + ")", ours >= 18);
        assertEquals("bundles not active: " + notActive, List.of(), notActive);
    }

    @Test
    public void onlyTheApiBundleExportsAndPluginsImportNoOsgi() {
        for (Bundle b : context.getBundles()) {
            String name = b.getSymbolicName();
            if (name == null || !name.startsWith("org.understudy.")) {
                continue;
            }
            String exports = b.getHeaders().get(Constants.EXPORT_PACKAGE);
            if (name.equals("org.understudy.api")) {
                assertTrue(exports, exports.contains("org.understudy.api;version=\"0.7.0\""));
                assertTrue(exports, exports.contains("org.understudy.api.spi;version=\"0.5.0\""));
                assertTrue(exports, exports.contains("org.understudy.api.model;version=\"0.3.0\""));
                assertTrue(exports, exports.contains("org.understudy.api.web;version=\"0.4.0\""));
            } else {
                assertNull(name + " must not export anything", exports);
            }
            String imports = String.valueOf(b.getHeaders().get(Constants.IMPORT_PACKAGE));
            if (!name.equals("org.understudy.core")) {
                assertTrue(name + " imports OSGi: " + imports, !imports.contains("org.osgi"));
            }
        }
    }

    @Test
    public void statusListsTheRuntimeAndItsPlugins() throws Exception {
        GatewayClient client = client();
        client.awaitPlugin("store-memory", Duration.ofSeconds(10), GatewayClient.inState("ACTIVE"), "ACTIVE");
        JsonNode status = client.status();
        assertTrue(status.get("version").asText().startsWith("0.1.0"));
        assertTrue(status.get("uptimeSeconds").isIntegralNumber());
        JsonNode store = client.plugin("store-memory").orElseThrow();
        assertEquals("READING_STORE", store.get("kind").asText());
        assertEquals("org.understudy.store.memory", store.get("bundle").asText());
        assertTrue(store.get("error").isNull());
        assertTrue(store.get("version").asText().startsWith("0.1.0"));
    }
}
