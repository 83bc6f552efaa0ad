package org.understudy.core;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.api.ActionException;
import org.understudy.api.model.Flow;
import org.understudy.api.web.WebRequest;

/** The plugin contract 0.3 on the class path (ServiceLoader): actions, live contributions, web endpoints. */
class ContractRuntimeTest {

    @TempDir
    Path data;
    private PluginRuntime runtime;

    @BeforeEach
    void start() {
        runtime = new PluginRuntime(data, data.resolve("conf"), k -> null, Clock.systemUTC());
        runtime.configure("understudy.runtime", Map.of("readingStore", "store-memory"));
        runtime.add(ClasspathPlugins.discover(getClass().getClassLoader()).stream()
                .filter(d -> d.id().equals("switch") || d.id().equals("store-memory")).toList());
    }

    @AfterEach
    void stop() {
        runtime.close();
    }

    @Test
    void anActionRunsThroughTheRuntimeIsCheckedAndRecorded() throws Exception {
        await().until(() -> runtime.queries().device("switch-1").isPresent());
        assertEquals(List.of("on", "off", "jam"), runtime.actions().actionsOf("switch-1").stream().map(a -> a.name()).toList());
        assertEquals(Map.of("on", true), runtime.actions().run("switch-1", "on", Map.of(), "test").get());
        ExecutionException bad = assertThrows(ExecutionException.class,
                () -> runtime.actions().run("switch-1", "on", Map.of("force", true), "test").get());
        assertEquals(ActionException.Kind.BAD_PARAMETERS, ((ActionException) bad.getCause()).kind());
        ExecutionException stuck = assertThrows(ExecutionException.class, () -> runtime.actions().run("switch-1", "jam", null, "test").get());
        assertEquals(ActionException.Kind.FAILED, assertInstanceOf(ActionException.class, stuck.getCause()).kind());
        ExecutionException nobody = assertThrows(ExecutionException.class, () -> runtime.actions().run("nobody", "on", null, "test").get());
        assertEquals(ActionException.Kind.UNKNOWN_DEVICE, ((ActionException) nobody.getCause()).kind());
        await().until(() -> runtime.flowLog().after(0, "switch-1", Flow.Outcome.ACTION, 10).size() == 3);
        Flow first = runtime.flowLog().after(0, "switch-1", Flow.Outcome.ACTION, 10).get(0).flow();
        assertEquals("test", first.client());
        assertEquals("on", first.target());
        assertEquals(200, first.status());
    }

    @Test
    void changedContributionsReachTheDirectoryWithoutARestart() throws Exception {
        Path hosts = data.resolve("plugins/switch/hosts.txt");
        await().until(() -> Files.isDirectory(hosts.getParent()));
        Files.writeString(hosts, "plug.example.com");
        await().until(() -> runtime.profiles().interceptorOf("plug.example.com").isPresent());
        Files.writeString(hosts, "other.example.com");
        await().until(() -> runtime.profiles().interceptorOf("plug.example.com").isEmpty()
                && runtime.profiles().interceptorOf("other.example.com").isPresent());
    }

    @Test
    void aWebEndpointIsMountedWhileItsPluginRuns() throws Exception {
        var mount = runtime.webMounts().get("switch").orElseThrow();
        assertEquals("The test switch", mount.title());
        var answer = mount.handler().handle(new WebRequest("GET", "/", Map.of(), Map.of(), new byte[0], "admin"));
        assertEquals("on=false", new String(answer.body()));
        assertThrows(IllegalArgumentException.class, () -> runtime.webMounts().mount("other", "switch", "taken", r -> null, false));
        assertThrows(IllegalArgumentException.class, () -> runtime.webMounts().mount("other", "api", "reserved", r -> null, false));
        runtime.close();
        assertTrue(runtime.webMounts().get("switch").isEmpty(), "withdrawn with its plugin");
    }
}
