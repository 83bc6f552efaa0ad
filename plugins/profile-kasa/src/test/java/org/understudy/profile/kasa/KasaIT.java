package org.understudy.profile.kasa;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.api.ActionException;
import org.understudy.api.model.Device;
import org.understudy.api.model.MetricValue;
import org.understudy.api.model.StoredReading;
import org.understudy.core.ClasspathPlugins;
import org.understudy.core.PluginRuntime;
import org.understudy.core.testing.PluginStatus;

/**
 * The Kasa profile against the real peers on loopback: the npm simulator's HS100, HS110 (meter in floats),
 * HS110 v2 (meter in milli-units) and HS300 strip; two of them found by discovery, two listed; a plug that talks
 * garbage and one that never answers beside them; a newer-protocol device answering only the KLAP probe. The
 * independent client tplink-smarthome-api checks what the gateway switched.
 */
class KasaIT {

    @TempDir
    Path dir;
    private Simulator sim;
    private PluginRuntime runtime;
    private ServerSocket garbage;
    private ServerSocket silent;
    private DatagramSocket klap;
    private final java.util.List<Socket> held = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        sim = Simulator.start(Simulator.NODE_DIR, "hs100", "hs110", "hs110v2", "hs300");
        garbage = serve(s -> {
            try (OutputStream out = s.getOutputStream()) {
                out.write(new byte[] {0, 0, 0, 12, 'n', 'o', 't', ' ', 'a', ' ', 'p', 'l', 'u', 'g', '!', '!'}); // framed, not JSON
            }
        });
        silent = serve(held::add); // accepts, reads nothing, answers nothing
        klap = new DatagramSocket(new InetSocketAddress("127.0.0.5", 0));
        Thread klapDevice = new Thread(() -> {
            byte[] buf = new byte[64];
            while (!klap.isClosed()) {
                try {
                    DatagramPacket probe = new DatagramPacket(buf, buf.length);
                    klap.receive(probe);
                    klap.send(new DatagramPacket(new byte[] {2, 0, 0, 1, 0, 0, 0, 0}, 8, probe.getSocketAddress()));
                } catch (java.io.IOException closed) {
                    return;
                }
            }
        }, "klap-device");
        klapDevice.setDaemon(true);
        klapDevice.start();

        runtime = new PluginRuntime(dir.resolve("gw"), dir.resolve("conf"), k -> null, Clock.systemUTC());
        runtime.configure("understudy.runtime", Map.of("readingStore", "store-sqlite"));
        runtime.configure("understudy.kasa", Map.of(
                "devices", "127.0.0.1:" + sim.plug(0).port() + ",127.0.0.1:" + sim.plug(1).port() + ",127.0.0.1:" + garbage.getLocalPort()
                        + ",127.0.0.1:" + silent.getLocalPort(),
                "broadcastAddresses", "127.0.0.1:" + sim.plug(2).port() + ",127.0.0.1:" + sim.plug(3).port() + ",127.0.0.5:9",
                "discoveryBindAddress", "127.0.0.1", "discoveryInterval", "5s", "klapDiscoveryPort", String.valueOf(klap.getLocalPort()),
                "pollInterval", "1s", "requestTimeout", "500ms", "offlineAfterMissedPolls", "2"));
        runtime.add(ClasspathPlugins.discover(KasaIT.class.getClassLoader()).stream()
                .filter(d -> List.of("kasa", "store-sqlite").contains(d.id())).toList());
    }

    private ServerSocket serve(ThrowingConsumer<Socket> conversation) throws Exception {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    conversation.accept(s);
                } catch (Exception closed) {
                    // next, or the end
                }
            }
        }, "bad-plug");
        t.setDaemon(true);
        t.start();
        return server;
    }

    interface ThrowingConsumer<T> {
        void accept(T t) throws Exception;
    }

    @AfterEach
    void stop() throws Exception {
        runtime.close();
        sim.close();
        garbage.close();
        silent.close();
        for (Socket s : held) {
            s.close();
        }
        klap.close();
    }

    private Optional<Device> device(String id) {
        return runtime.queries().device(id);
    }

    private Map<String, MetricValue> latest(String id) {
        return runtime.queries().latest(id).map(r -> r.metrics()).orElse(Map.of());
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> status() {
        return PluginStatus.of(runtime, "kasa");
    }

    private long readingsOf(String id) {
        return runtime.store().orElseThrow().readAfter(0, 100_000).stream().map(StoredReading::reading)
                .filter(r -> r.deviceId().equals(id)).count();
    }

    @Test
    void listedAndDiscoveredPlugsArePolledIntoReadingsWithTheirMetersNormalised() throws Exception {
        String hs110 = sim.plug(1).deviceId();
        String hs110v2 = sim.plug(2).deviceId();
        String strip = sim.plug(3).deviceId();
        String outlet = sim.plug(3).children().get(0);
        // readings follow their device into the store (batched every recordBatchInterval): wait for the readings
        await().atMost(Duration.ofSeconds(20)).until(() -> latest(hs110v2).containsKey("power") && latest(hs110).containsKey("power")
                && latest(outlet).containsKey("power") && latest(sim.plug(0).deviceId()).containsKey("relay")
                && sim.plug(3).children().stream().allMatch(c -> device(c).isPresent()));

        Device meter = device(hs110).orElseThrow();
        assertEquals("HS110(US)", meter.attributes().get("model"));
        assertEquals("plug", meter.attributes().get("type"));
        assertEquals("devs.tplinkcloud.com", meter.attributes().get("cloud.server"), "the plug's view of its cloud");
        assertEquals(MetricValue.of(3.14, "W"), latest(hs110).get("power"));
        assertEquals(((MetricValue.Number) latest(hs110).get("power")).value(), ((MetricValue.Number) latest(hs110v2).get("power")).value(),
                1e-9, "hardware 2's milliwatts are watts too");
        assertEquals(0.125, ((MetricValue.Number) latest(hs110v2).get("current")).value(), 1e-9);
        assertEquals(MetricValue.of(false), latest(sim.plug(0).deviceId()).get("relay"));
        assertTrue(!latest(sim.plug(0).deviceId()).containsKey("power"), "an HS100 has no meter");

        assertEquals("strip", device(strip).orElseThrow().attributes().get("type"));
        assertEquals(strip, device(outlet).orElseThrow().attributes().get("parent"));
        assertEquals(6, sim.plug(3).children().stream().filter(c -> device(c).isPresent()).count(), "one device per outlet");
        assertTrue(latest(outlet).containsKey("power"), "each outlet's own meter");

        // the bad plugs cost only themselves
        await().atMost(Duration.ofSeconds(10)).until(() -> plugStatus(garbage.getLocalPort()).get("lastError") != null
                && plugStatus(silent.getLocalPort()).get("lastError") != null);
        assertTrue(String.valueOf(plugStatus(garbage.getLocalPort()).get("lastError")).contains("not JSON"),
                String.valueOf(plugStatus(garbage.getLocalPort()).get("lastError")));
        assertTrue(String.valueOf(plugStatus(silent.getLocalPort()).get("lastError")).contains("no reply"),
                String.valueOf(plugStatus(silent.getLocalPort()).get("lastError")));
        long before = readingsOf(hs110);
        await().atMost(Duration.ofSeconds(10)).until(() -> readingsOf(hs110) >= before + 3);

        // the newer-protocol device is listed, with why
        await().atMost(Duration.ofSeconds(20)).until(() -> String.valueOf(status().get("unsupported")).contains("127.0.0.5"));
        assertTrue(String.valueOf(status().get("unsupported")).contains("KLAP"), String.valueOf(status().get("unsupported")));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> plugStatus(int port) {
        return ((List<Map<String, Object>>) status().get("plugs")).stream()
                .filter(p -> ("127.0.0.1:" + port).equals(p.get("address"))).findFirst().orElse(Map.of());
    }

    @Test
    void actionsSwitchThePlugsAndAnIndependentClientSeesIt() throws Exception {
        String hs100 = sim.plug(0).deviceId();
        String outlet = sim.plug(3).children().get(2);
        await().atMost(Duration.ofSeconds(20)).until(() -> device(hs100).isPresent() && device(outlet).isPresent());
        assertEquals(List.of("on", "off", "toggle", "led-on", "led-off", "reboot"),
                runtime.actions().actionsOf(hs100).stream().map(a -> a.name()).toList());
        assertEquals(List.of("on", "off", "toggle"), runtime.actions().actionsOf(outlet).stream().map(a -> a.name()).toList());

        assertEquals(Boolean.TRUE, runtime.actions().run(hs100, "on", Map.of(), "test").get().get("on"), "the plug's confirmed state");
        assertEquals(1, Simulator.state(Simulator.NODE_DIR, sim.plug(0).port(), null).get("relay_state").asInt());
        await().atMost(Duration.ofSeconds(5)).until(() -> MetricValue.of(true).equals(latest(hs100).get("relay")));

        assertEquals(Boolean.FALSE, runtime.actions().run(hs100, "toggle", Map.of(), "test").get().get("on"));
        assertEquals(0, Simulator.state(Simulator.NODE_DIR, sim.plug(0).port(), null).get("relay_state").asInt());
        assertEquals(Boolean.FALSE, runtime.actions().run(hs100, "led-off", Map.of(), "test").get().get("led"));
        assertEquals(1, Simulator.state(Simulator.NODE_DIR, sim.plug(0).port(), null).get("led_off").asInt());

        assertEquals(Boolean.TRUE, runtime.actions().run(outlet, "on", Map.of(), "test").get().get("on"));
        assertEquals(1, Simulator.state(Simulator.NODE_DIR, sim.plug(3).port(), outlet).get("relay_state").asInt());
        assertEquals(0, Simulator.state(Simulator.NODE_DIR, sim.plug(3).port(), sim.plug(3).children().get(1)).get("relay_state").asInt(),
                "only that outlet");
    }

    @Test
    void aPlugThatStopsAnsweringGoesOfflineAndComesBack() throws Exception {
        String hs100 = sim.plug(0).deviceId();
        await().atMost(Duration.ofSeconds(20)).until(() -> device(hs100).isPresent());
        sim.stop(0);
        await().atMost(Duration.ofSeconds(20)).until(() -> MetricValue.of(false).equals(latest(hs100).get("online"))
                && "false".equals(device(hs100).orElseThrow().attributes().get("online")));
        ExecutionException e = assertThrows(ExecutionException.class, () -> runtime.actions().run(hs100, "on", Map.of(), "test").get());
        assertEquals(ActionException.Kind.UNREACHABLE, assertInstanceOf(ActionException.class, e.getCause()).kind());
        assertTrue(e.getCause().getMessage().contains("did not answer"), e.getCause().getMessage());

        sim.start(0);
        await().atMost(Duration.ofSeconds(20)).until(() -> MetricValue.of(true).equals(latest(hs100).get("online"))
                && "true".equals(device(hs100).orElseThrow().attributes().get("online")));
        assertEquals(Boolean.TRUE, runtime.actions().run(hs100, "on", Map.of(), "test").get().get("on"));
    }
}
