package org.understudy.profile.kasa;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.core.ClasspathPlugins;
import org.understudy.core.PluginRuntime;
import org.understudy.core.testing.Mosquitto;
import org.understudy.core.testing.PluginStatus;

/**
 * A plug as Home Assistant meets it through MQTT: announced as a switch (its relay, and its LED as a setting) with
 * power sensors, and switched by publishing ON or OFF on the switch's command topic, as Home Assistant does; the
 * independent client sees the plug switched, and the switch's state topic follows.
 */
class KasaMqttIT {

    @TempDir
    Path dir;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, String> retained = new ConcurrentHashMap<>();

    @Test
    void aPlugIsASwitchWithPowerSensorsThatHomeAssistantCanSwitch() throws Exception {
        try (Simulator sim = Simulator.start(Simulator.NODE_DIR, "hs110", "hs300");
             Mosquitto broker = new Mosquitto(dir.resolve("mosquitto")).start()) {
            MqttClient ha = new MqttClient(broker.uri(), "home-assistant", new MemoryPersistence());
            MqttConnectOptions o = new MqttConnectOptions();
            o.setCleanSession(true);
            ha.connect(o);
            ha.subscribe(new String[] {"homeassistant/#", "understudy/#"}, new int[] {1, 1},
                    new org.eclipse.paho.client.mqttv3.IMqttMessageListener[] {
                        (t, m) -> retained.put(t, new String(m.getPayload(), StandardCharsets.UTF_8)),
                        (t, m) -> retained.put(t, new String(m.getPayload(), StandardCharsets.UTF_8))});
            PluginRuntime runtime = new PluginRuntime(dir.resolve("gw"), dir.resolve("conf"), k -> null, Clock.systemUTC());
            try {
                runtime.configure("understudy.runtime", Map.of("readingStore", "store-sqlite", "sinkPollInterval", "100ms"));
                runtime.configure("understudy.kasa", Map.of("devices", "127.0.0.1:" + sim.plug(0).port() + ",127.0.0.1:" + sim.plug(1).port(),
                        "pollInterval", "1s", "requestTimeout", "500ms", "recordBatchInterval", "0s")); // each poll written at once
                runtime.configure("understudy.sink-mqtt", Map.of("enabled", "true", "broker", broker.uri()));
                runtime.add(ClasspathPlugins.discover(KasaMqttIT.class.getClassLoader()).stream()
                        .filter(d -> List.of("kasa", "store-sqlite", "sink-mqtt").contains(d.id())).toList());

                String plug = sim.plug(0).deviceId();
                String outlet = sim.plug(1).children().get(3);
                String relay = "homeassistant/switch/understudy_" + plug + "/relay/config";
                try {
                    await().atMost(Duration.ofSeconds(30)).until(() -> retained.containsKey(relay)
                            && retained.containsKey("homeassistant/switch/understudy_" + outlet + "/relay/config"));
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    throw new AssertionError("not announced; the broker has " + retained.keySet() + "; the sink says "
                            + PluginStatus.of(runtime, "sink-mqtt") + "; the store has "
                            + runtime.store().orElseThrow().readAfter(0, 1000).size() + " reading(s)", e);
                }
                JsonNode sw = json.readTree(retained.get(relay));
                assertEquals("outlet", sw.get("device_class").asText());
                assertEquals("understudy/kasa/" + plug + "/relay/set", sw.get("command_topic").asText());
                assertEquals("understudy/kasa/" + plug + "/relay", sw.get("state_topic").asText());
                JsonNode led = json.readTree(retained.get("homeassistant/switch/understudy_" + plug + "/led/config"));
                assertEquals("config", led.get("entity_category").asText(), "the LED is a setting of the plug");
                JsonNode power = json.readTree(retained.get("homeassistant/sensor/understudy_" + plug + "/power/config"));
                assertEquals("power", power.get("device_class").asText());
                assertEquals("W", power.get("unit_of_measurement").asText());
                JsonNode energy = json.readTree(retained.get("homeassistant/sensor/understudy_" + plug + "/energy/config"));
                assertEquals("total_increasing", energy.get("state_class").asText());
                assertEquals("OFF", retained.get("understudy/kasa/" + plug + "/relay"));

                // Home Assistant switches the plug on, then one outlet of the strip
                ha.publish(sw.get("command_topic").asText(), "ON".getBytes(StandardCharsets.UTF_8), 1, false);
                await().atMost(Duration.ofSeconds(10)).until(() -> "ON".equals(retained.get("understudy/kasa/" + plug + "/relay")));
                assertEquals(1, Simulator.state(Simulator.NODE_DIR, sim.plug(0).port(), null).get("relay_state").asInt());
                ha.publish("understudy/kasa/" + outlet + "/relay/set", "ON".getBytes(StandardCharsets.UTF_8), 1, false);
                await().atMost(Duration.ofSeconds(10)).until(() -> "ON".equals(retained.get("understudy/kasa/" + outlet + "/relay")));
                assertEquals(1, Simulator.state(Simulator.NODE_DIR, sim.plug(1).port(), outlet).get("relay_state").asInt());
                ha.publish("understudy/kasa/" + plug + "/led/set", "OFF".getBytes(StandardCharsets.UTF_8), 1, false);
                await().atMost(Duration.ofSeconds(10)).until(() -> "OFF".equals(retained.get("understudy/kasa/" + plug + "/led")));
                assertEquals(1, Simulator.state(Simulator.NODE_DIR, sim.plug(0).port(), null).get("led_off").asInt());
            } finally {
                runtime.close();
                ha.disconnect();
                ha.close();
            }
        }
    }
}
