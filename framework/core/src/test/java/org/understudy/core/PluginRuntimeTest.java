package org.understudy.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.api.RecordException;
import org.understudy.api.model.MetricValue;
import org.understudy.api.model.Reading;

/** The runtime in embedded mode: plugins found by ServiceLoader on the test class path. */
class PluginRuntimeTest {

    @TempDir
    Path data;
    private final Map<String, String> env = new HashMap<>();
    private PluginRuntime runtime;
    private int port;

    @BeforeEach
    void start() throws Exception {
        port = Udp.freePort();
        runtime = new PluginRuntime(data, data.resolve("conf"), env::get, Clock.systemUTC());
        runtime.configure("understudy.udp-a", Map.of("port", String.valueOf(port)));
        runtime.configure("understudy.udp-b", Map.of("port", String.valueOf(port), "prefix", "other"));
        runtime.add(testPlugins());
    }

    /** The test plugins on the class path (the in-memory store is there too, for other tests; not here). */
    private List<DiscoveredPlugin> testPlugins() {
        return ClasspathPlugins.discover(getClass().getClassLoader()).stream()
                .filter(d -> d.prototype().getClass().getPackageName().equals("org.understudy.core.testplugins")).toList();
    }

    @AfterEach
    void stop() {
        runtime.close();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> plugin(String id) {
        List<Map<String, Object>> plugins = (List<Map<String, Object>>) runtime.status().get("plugins");
        return plugins.stream().filter(p -> id.equals(p.get("id"))).findFirst().orElseThrow();
    }

    @Test
    void answersWhileRunningAndNotOnceClosed() {
        assertTrue(runtime.answers(java.time.Duration.ofSeconds(5)));
        runtime.close();
        assertFalse(runtime.answers(java.time.Duration.ofSeconds(1)));
    }

    @Test
    void everyConfigurationChangeIsSnapshotAndABadSnapshotIsRefusedWholeWithItsReason() throws Exception {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> runtime.configSnapshots().size() == 1);
        int other = Udp.freePort();
        runtime.configure("understudy.udp-a", Map.of("port", String.valueOf(other), "prefix", "moved"));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> runtime.configSnapshots().size() == 2);
        String first = (String) runtime.configSnapshots().get(1).get("id");
        String firstFile = new String(runtime.configSnapshot(first).orElseThrow(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(firstFile.contains("\"port\" : \"" + port + "\""), firstFile);

        // a snapshot with one value the plugin refuses changes nothing, and says why
        int b = firstFile.indexOf("\"understudy.udp-b\"");
        String broken = firstFile.substring(0, b) + firstFile.substring(b).replaceFirst("\"port\" : \"" + port + "\"", "\"port\" : \"99999\"");
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> runtime.restoreConfiguration(broken.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertTrue(refused.getMessage().contains("understudy.udp-b") && refused.getMessage().contains("nothing was changed"),
                refused.getMessage());
        assertEquals("moved", runtime.acceptedConfiguration("understudy.udp-a").orElseThrow().get("prefix"));

        // the first one restored: the plugin is back on its first port
        assertEquals(List.of("understudy.udp-a", "understudy.udp-b"), runtime.restoreConfigSnapshot(first).orElseThrow());
        assertEquals(String.valueOf(port), runtime.acceptedConfiguration("understudy.udp-a").orElseThrow().get("port"));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).ignoreExceptions()
                .until(() -> "id:udp-a".equals(Udp.ask(port)));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> runtime.configSnapshots().size() == 3);
        assertTrue(runtime.restoreConfigSnapshot("20990101T000000000Z").isEmpty());
    }

    @Test
    void theConfigurationsOfAHeldStartMakeOneSnapshotTakenOnceTheStartIsReleased(@TempDir Path home) throws Exception {
        try (PluginRuntime slow = new PluginRuntime(home, home.resolve("conf"), env::get, Clock.systemUTC())) {
            slow.holdStarts();
            slow.configure("understudy.udp-a", Map.of("port", String.valueOf(Udp.freePort())));
            slow.add(testPlugins());
            Thread.sleep(2500); // longer than the snapshot delay: a start slower than it, as on a busy box
            assertEquals(0, slow.configSnapshots().size(), "none taken while the start is held");
            slow.configure("understudy.udp-b", Map.of("port", String.valueOf(Udp.freePort()), "prefix", "other"));
            slow.startHeld();
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> slow.configSnapshots().size() == 1);
            @SuppressWarnings("unchecked")
            List<String> pids = (List<String>) slow.configSnapshots().get(0).get("pids");
            assertTrue(pids.containsAll(List.of("understudy.udp-a", "understudy.udp-b")), pids.toString());
        }
    }

    @Test
    void findsEveryRegisteredPluginOnTheClassPath() {
        assertEquals("DNS_SERVER", plugin("udp-a").get("kind"));
        assertEquals("DNS_SERVER", plugin("udp-b").get("kind"));
        assertEquals("SINK", plugin("exploding-sink").get("kind"));
        assertEquals("DEVICE_PROFILE", plugin("ticking").get("kind"));
        assertEquals("classpath", plugin("ticking").get("bundle"));
    }

    @Test
    void runsOnlyTheSelectedImplementationOfASingleActiveKindAndSwapsLive() throws Exception {
        assertEquals("ACTIVE", plugin("udp-a").get("state"), "automatic selection: first id");
        assertEquals("STANDBY", plugin("udp-b").get("state"));
        assertEquals("id:udp-a", Udp.ask(port));

        runtime.configure(RuntimeSettings.PID, Map.of("dnsServer", "udp-b"));
        assertEquals("STANDBY", plugin("udp-a").get("state"));
        assertEquals("ACTIVE", plugin("udp-b").get("state"));
        assertEquals("other:udp-b", Udp.ask(port), "the same port now answered by the other implementation");

        runtime.configure(RuntimeSettings.PID, Map.of("dnsServer", "udp-a"));
        assertEquals("id:udp-a", Udp.ask(port));
    }

    @Test
    void selectingAnUninstalledImplementationRunsNoneAndSaysSo() throws Exception {
        runtime.configure(RuntimeSettings.PID, Map.of("dnsServer", "nope"));
        assertEquals("STANDBY", plugin("udp-a").get("state"));
        assertTrue(Udp.free(port), "the previous implementation released its port");
        assertEquals("nope", ((Map<?, ?>) runtime.status().get("selected")).get("dnsServer"));
    }

    @Test
    void reconfiguresLiveAndRejectsAnInvalidValueKeepingThePreviousConfiguration() throws Exception {
        int other = Udp.freePort();
        runtime.configure("understudy.udp-a", Map.of("port", String.valueOf(other), "prefix", "moved"));
        assertEquals("moved:udp-a", Udp.ask(other));
        assertTrue(Udp.free(port), "restart with the new port released the old one");

        ConfigBinder.Result<?> rejected = runtime.configure("understudy.udp-a", Map.of("port", "70000"));
        assertFalse(rejected.valid());
        assertEquals(List.of("port must be between 1 and 65535, got 70000"), rejected.errors());
        assertEquals("moved:udp-a", Udp.ask(other), "previous configuration stays in force");
        assertEquals("ACTIVE", plugin("udp-a").get("state"));
        assertTrue(String.valueOf(plugin("udp-a").get("error")).contains("65535"), "rejection is visible");

        ConfigBinder.Result<?> notANumber = runtime.configure("understudy.udp-a", Map.of("port", "eighty"));
        assertEquals(List.of("property 'port': expected an integer, got 'eighty'"), notANumber.errors());
        assertEquals(Map.of("port", String.valueOf(other), "prefix", "moved"),
                runtime.acceptedConfiguration("understudy.udp-a").orElseThrow());
    }

    @Test
    void aRestartedPluginCanBindItsPortAgainAtOnce() throws Exception {
        // closing a channel frees its port only when its event loop next selects; the runtime waits for that
        for (int i = 0; i < 40; i++) {
            runtime.configure("understudy.udp-a", Map.of("port", String.valueOf(port), "prefix", "round" + i));
            assertEquals("ACTIVE", plugin("udp-a").get("state"), () -> "round " + plugin("udp-a").get("error"));
            assertEquals("round" + i + ":udp-a", Udp.ask(port));
        }
    }

    @Test
    void environmentOverrideWinsOverConfiguration() throws Exception {
        int fromEnv = Udp.freePort();
        env.put("TEST_DNS_PORT", String.valueOf(fromEnv));
        runtime.configure("understudy.udp-a", Map.of("port", String.valueOf(port), "prefix", "env"));
        assertEquals("env:udp-a", Udp.ask(fromEnv));
        assertEquals(String.valueOf(fromEnv), ((Map<?, ?>) plugin("udp-a").get("config")).get("port"));
    }

    @Test
    void listenerEnvironmentVariablesApplyToWhicheverProxyRuns() {
        env.put("UNDERSTUDY_PROXY_PORT", "18081");
        env.put("UNDERSTUDY_PROXY_HOST", "127.0.0.9");
        runtime.configure("understudy.hanging-proxy", Map.of("port", "9999"));
        Map<?, ?> config = (Map<?, ?>) plugin("hanging-proxy").get("config");
        assertEquals("18081", config.get("port"));
        assertEquals("127.0.0.9", config.get("host"));
    }

    @Test
    void aPluginStuckInStopDoesNotHoldUpTheRuntime() {
        runtime.configure(RuntimeSettings.PID, Map.of("stopTimeout", "200ms"));
        runtime.configure("understudy.hanging-proxy", Map.of("stopHang", "30s"));
        assertEquals("ACTIVE", plugin("hanging-proxy").get("state"));
        long t0 = System.nanoTime();
        runtime.configure(RuntimeSettings.PID, Map.of("stopTimeout", "200ms", "trafficProxy", "none-installed"));
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertEquals("STANDBY", plugin("hanging-proxy").get("state"));
        assertTrue(millis < 2000, "swap took " + millis + " ms despite a stop() hanging for 30 s");
    }

    @Test
    void aPluginThatThrowsInStartIsFailedWithItsReasonAndHarmsNothingElse() throws Exception {
        Map<String, Object> sink = plugin("exploding-sink");
        assertEquals("FAILED", sink.get("state"));
        assertEquals("start failed: IllegalStateException: boom on purpose", sink.get("error"));
        assertEquals("ACTIVE", plugin("ticking").get("state"));
        assertEquals("id:udp-a", Udp.ask(port));
    }

    @Test
    void stopReleasesOwnedResourcesAndCancelsTimersEvenIfThePluginForgets() throws Exception {
        long before = ticks();
        Thread.sleep(100);
        assertTrue(ticks() > before, "timer runs while active");
        runtime.close();
        assertTrue(Udp.free(port), "socket handed to own() closed although stop() did nothing");
        assertTrue(Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("understudy-") && t.isAlive() && !t.getName().equals("understudy-lifecycle")),
                "runtime threads are gone");
    }

    private long ticks() {
        return ((Number) ((Map<?, ?>) plugin("ticking").get("status")).get("ticks")).longValue();
    }

    @Test
    void profileHostnamesAreVisibleToTheDirectoryAndFollowReconfiguration() {
        assertEquals("ticking", runtime.profiles().interceptorOf("API.example.com.").orElseThrow().id());
        assertEquals("ticking", runtime.profiles().interceptorOf("x.devices.example.net").orElseThrow().id());
        assertTrue(runtime.profiles().interceptorOf("devices.example.net").isEmpty(), "wildcard is not the suffix");
        assertTrue(runtime.profiles().interceptorOf("api.example.com.evil.org").isEmpty(), "never a prefix match");

        runtime.configure("understudy.ticking", Map.of("hosts", "new.example.org"));
        assertTrue(runtime.profiles().interceptorOf("api.example.com").isEmpty());
        assertEquals("ticking", runtime.profiles().interceptorOf("new.example.org").orElseThrow().id());
    }

    @Test
    void recordingWithoutAStoreFailsClearly() {
        Reading r = new Reading("dev1", "ticking", Instant.now(), Instant.now(),
                Map.of("t", MetricValue.of(20.5, "Cel")), Map.of());
        RecordException e = assertThrows(RecordException.class, () -> runtime.recorder().record(List.of(r)));
        assertEquals("no reading store is running: no reading store plugin is installed", e.getMessage());
    }

    @Test
    void aSecondPluginWithTheSameIdIsRejected() {
        runtime.add(testPlugins().stream()
                .filter(d -> d.id().equals("ticking"))
                .map(d -> new DiscoveredPlugin(d.kind(), d.prototype(), d.factory(), new PluginOrigin("other", "2", "x")))
                .toList());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> plugins = (List<Map<String, Object>>) runtime.status().get("plugins");
        Map<String, Object> dup = plugins.stream().filter(p -> "other".equals(p.get("bundle"))).findFirst().orElseThrow();
        assertEquals("FAILED", dup.get("state"));
        assertEquals("duplicate plugin id 'ticking': already provided by classpath", dup.get("error"));
        assertNull(plugin("ticking").get("error"));
    }

    @Test
    void aReturningPluginStartsWithTheStoredConfigurationNotTheOneItLeftWith() throws Exception {
        // In Felix, ConfigAdmin may change a pid while no plugin listens (its bundle was removed);
        // the plugin must come back with that, not with what the runtime last saw.
        List<DiscoveredPlugin> found = testPlugins();
        runtime.remove(found.get(0).origin());
        int moved = Udp.freePort();
        runtime.configurationSource(pid -> pid.equals("understudy.udp-a")
                ? Map.of("port", String.valueOf(moved), "prefix", "stored") : null);
        runtime.add(testPlugins());
        assertEquals("ACTIVE", plugin("udp-a").get("state"));
        assertEquals("stored:udp-a", Udp.ask(moved));
        assertTrue(Udp.free(port), "the configuration it left with is not used");
    }

    @Test
    void aConfiguredValueMustBeValidEvenWhileTheEnvironmentOverridesIt() throws Exception {
        int fromEnv = Udp.freePort();
        env.put("TEST_DNS_PORT", String.valueOf(fromEnv));
        var r = runtime.configure("understudy.udp-a", Map.of("port", "99999", "prefix", "env"));
        assertFalse(r.valid(), "port=99999 would break the next start without the variable");
        assertTrue(r.errors().get(0).contains("TEST_DNS_PORT overrides it for now, but a saved value must be valid too"), r.errors().toString());
        assertTrue(String.valueOf(plugin("udp-a").get("error")).contains("configuration rejected"));
        assertEquals("ACTIVE", plugin("udp-a").get("state"), "the previous configuration stays in force");
    }

    @Test
    void aStoredConfigurationThatCannotBeAppliedRunsTheDefaultsAndSaysSoOnce() throws Exception {
        List<DiscoveredPlugin> found = testPlugins();
        runtime.remove(found.get(0).origin());
        runtime.configurationSource(pid -> pid.equals("understudy.udp-a") ? Map.of("port", "99999") : null);
        runtime.add(testPlugins());
        Map<String, Object> a = plugin("udp-a");
        assertTrue(String.valueOf(a.get("error")).contains("99999"), String.valueOf(a.get("error")));
        assertEquals("45353", ((Map<?, ?>) a.get("config")).get("port"), "running on its defaults");
        // ConfigAdmin offers the stored dictionary again: rejected again, nothing to put back, no loop
        assertFalse(runtime.configure("understudy.udp-a", Map.of("port", "99999")).valid());
        assertTrue(runtime.acceptedConfiguration("understudy.udp-a").isEmpty(), "the rejected one is never 'accepted'");
    }
}
