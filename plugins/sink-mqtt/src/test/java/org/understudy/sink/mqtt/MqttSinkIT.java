package org.understudy.sink.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.awaitility.core.ConditionTimeoutException;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.api.model.MetricValue;
import org.understudy.api.model.Reading;
import org.understudy.core.ClasspathPlugins;
import org.understudy.core.PluginRuntime;
import org.understudy.core.testing.Mosquitto;
import org.understudy.core.testing.PluginStatus;

/**
 * Store-and-forward into a real mosquitto: every reading arrives once and in order, through a broker
 * restart; Home Assistant discovery is published with units and device classes and sent again when
 * Home Assistant announces itself online.
 */
class MqttSinkIT {

    record Received(String topic, String payload, boolean retained) {}

    @TempDir
    Path dir;

    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final ObjectMapper json = new ObjectMapper();

    private MqttClient subscriber(String uri) throws MqttException {
        MqttClient c = new MqttClient(uri, "test-subscriber", new MemoryPersistence());
        c.setCallback(new MqttCallbackExtended() {
            @Override
            public void connectComplete(boolean reconnect, String serverURI) {
                try {
                    c.subscribe(new String[] {"understudy/#", "homeassistant/#"}, new int[] {1, 1});
                } catch (MqttException e) {
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                received.add(new Received(topic, new String(message.getPayload(), StandardCharsets.UTF_8), message.isRetained()));
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(false); // the broker keeps our queue while we are away
        o.setAutomaticReconnect(true);
        o.setMaxReconnectDelay(200);
        o.setConnectionTimeout(5); // an attempt made while the broker is still starting must not stall 30 s
        c.connect(o);
        return c;
    }

    static Reading reading(int i) {
        Instant t = Instant.parse("2026-02-01T00:00:00Z").plusSeconds(i);
        return new Reading("sky-1", "bloomsky", t, t, Map.of("temperature", MetricValue.of(i % 30, "Cel"),
                "humidity", MetricValue.of(50, "%"), "rain", MetricValue.of(i % 2 == 0)), Map.of());
    }

    /** Fails with an AssertionError, which a caller may catch to say more about what it saw. */
    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        try {
            org.awaitility.Awaitility.await(what).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                    .until(condition::getAsBoolean);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    static long backlog(PluginRuntime r) {
        return PluginStatus.backlog(r, "sink-mqtt");
    }

    static Map<String, Object> delivery(PluginRuntime r) {
        return PluginStatus.delivery(r, "sink-mqtt");
    }

    private List<Long> stateSequences() {
        List<Long> seqs = new ArrayList<>();
        for (Received m : received) {
            if (m.topic().equals("understudy/bloomsky/sky-1/state")) {
                try {
                    seqs.add(json.readTree(m.payload()).get("seq").asLong());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return seqs;
    }

    private String lastPayload(String topic) {
        String payload = payloadOrNull(topic);
        if (payload == null) {
            throw new AssertionError("nothing on " + topic);
        }
        return payload;
    }

    /** The last payload on {@code topic}, or {@code null} while nothing came. */
    private String payloadOrNull(String topic) {
        for (int i = received.size() - 1; i >= 0; i--) {
            if (received.get(i).topic().equals(topic)) {
                return received.get(i).payload();
            }
        }
        return null;
    }

    private JsonNode last(String topic) throws Exception {
        for (int i = received.size() - 1; i >= 0; i--) {
            if (received.get(i).topic().equals(topic)) {
                return json.readTree(received.get(i).payload());
            }
        }
        throw new AssertionError("nothing on " + topic);
    }

    @Test
    void everyReadingArrivesOnceAndInOrderWithHomeAssistantDiscovery() throws Exception {
        try (Mosquitto broker = new Mosquitto(dir.resolve("mosquitto")).start()) {
            MqttClient sub = subscriber(broker.uri());
            PluginRuntime r = new PluginRuntime(dir.resolve("gw"), dir.resolve("conf"), k -> null, Clock.systemUTC());
            try {
                r.configure("understudy.runtime", Map.of("readingStore", "store-sqlite", "sinkBatchSize", "100",
                        "sinkRetryInitial", "100ms", "sinkRetryMax", "400ms", "sinkPollInterval", "100ms"));
                r.configure("understudy.sink-mqtt", Map.of("enabled", "true", "broker", broker.uri()));
                r.add(ClasspathPlugins.discover(MqttSinkIT.class.getClassLoader()));
                List<Reading> first = new ArrayList<>();
                for (int i = 1; i <= 200; i++) {
                    first.add(reading(i));
                }
                r.recorder().record(first);
                await(() -> stateSequences().size() >= 200, "the first 200 state messages");

                JsonNode temperature = last("homeassistant/sensor/understudy_sky-1/temperature/config");
                assertEquals("temperature", temperature.get("device_class").asText());
                assertEquals("°C", temperature.get("unit_of_measurement").asText());
                assertEquals("measurement", temperature.get("state_class").asText());
                assertEquals("understudy/bloomsky/sky-1/temperature", temperature.get("state_topic").asText());
                assertEquals("20", lastPayload("understudy/bloomsky/sky-1/temperature"), "reading 200: 200 % 30");
                assertEquals("ON", lastPayload("understudy/bloomsky/sky-1/rain"));
                assertEquals("50", lastPayload("understudy/bloomsky/sky-1/humidity"));
                assertEquals("understudy/status", temperature.get("availability").get(0).get("topic").asText());
                assertEquals("sensor.bloomsky_sky_1_temperature", temperature.get("default_entity_id").asText());
                assertEquals("Understudy", temperature.get("origin").get("name").asText());
                assertEquals("understudy_sky-1", temperature.get("device").get("identifiers").get(0).asText());
                String gateway = temperature.get("device").get("via_device").asText();
                JsonNode started = last("homeassistant/sensor/" + gateway + "/started/config");
                assertEquals(gateway, started.get("device").get("identifiers").get(0).asText(), "the parent is announced too");
                assertEquals("diagnostic", started.get("entity_category").asText());
                assertEquals("timestamp", started.get("device_class").asText());
                assertEquals("humidity", last("homeassistant/sensor/understudy_sky-1/humidity/config").get("device_class").asText());
                JsonNode rain = last("homeassistant/binary_sensor/understudy_sky-1/rain/config");
                assertEquals("understudy/bloomsky/sky-1/rain", rain.get("state_topic").asText());
                assertEquals("moisture", rain.get("device_class").asText());
                assertTrue(received.stream().anyMatch(m -> m.topic().equals("understudy/status") && m.payload().equals("online")));

                broker.stop();
                List<Reading> second = new ArrayList<>();
                for (int i = 201; i <= 500; i++) {
                    second.add(reading(i));
                }
                r.recorder().record(second);
                await(() -> delivery(r).get("lastError") != null, "the outage noticed");
                assertTrue(backlog(r) > 0, "readings wait in the store");
                // pause the sink while the broker and the test's subscriber come back, so the observer
                // misses nothing; the backlog must then flow from the sink's durable cursor
                r.configure("understudy.sink-mqtt", Map.of("enabled", "false", "broker", broker.uri()));
                broker.start();
                sub = connectedAgain(sub, broker.uri());
                Thread.sleep(300);
                r.configure("understudy.sink-mqtt", Map.of("enabled", "true", "broker", broker.uri()));
                await(() -> backlog(r) == 0, "the backlog sent after the restart");
                try {
                    await(() -> stateSequences().stream().distinct().count() >= 500, "all 500 state messages at the subscriber");
                } catch (AssertionError e) {
                    List<Long> got = stateSequences();
                    throw new AssertionError(e.getMessage() + ": got " + got.size() + " (" + got.stream().distinct().count()
                            + " distinct), first " + got.subList(0, Math.min(3, got.size())) + ", last "
                            + got.subList(Math.max(0, got.size() - 3), got.size()) + ", sink " + delivery(r)
                            + ", subscriber connected " + sub.isConnected());
                }

                List<Long> seqs = stateSequences();
                List<Long> expected = new ArrayList<>();
                for (long i = 1; i <= 500; i++) {
                    expected.add(i);
                }
                assertEquals(expected, seqs, "every reading once, in store order");

                int configsBefore = (int) received.stream().filter(m -> m.topic().endsWith("/config")).count();
                sub.publish("homeassistant/status", "online".getBytes(StandardCharsets.UTF_8), 1, false);
                await(() -> received.stream().filter(m -> m.topic().endsWith("/config")).count() >= configsBefore + 3,
                        "discovery sent again when Home Assistant came online");
            } finally {
                r.close();
                closeQuietly(sub);
            }
        }
    }

    /**
     * The subscriber connected to the restarted broker: its own automatic reconnect if that comes back within
     * {@link #SUBSCRIBER_RECONNECT_WAIT}, else a new client with the same id (on a busy box Paho's reconnect cycle was
     * once not back within 30 s; a new client does not depend on that cycle's state).
     */
    private MqttClient connectedAgain(MqttClient sub, String uri) throws InterruptedException {
        try {
            org.awaitility.Awaitility.await().atMost(SUBSCRIBER_RECONNECT_WAIT).pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(50)).until(sub::isConnected);
            subscribed(sub);
            return sub;
        } catch (ConditionTimeoutException slow) {
            closeQuietly(sub);
        }
        MqttClient[] fresh = new MqttClient[1];
        await(() -> {
            try {
                fresh[0] = subscriber(uri);
                return true;
            } catch (MqttException brokerNotUpYet) {
                return false;
            }
        }, "a new test subscriber connected");
        subscribed(fresh[0]);
        return fresh[0];
    }

    /** Returns once the subscriber's subscription (made in connectComplete) delivers: its own probe came back. */
    private void subscribed(MqttClient sub) throws InterruptedException {
        String probe = "understudy/test-probe/" + System.nanoTime();
        await(() -> {
            try {
                sub.publish(probe, new byte[0], 1, false);
            } catch (MqttException notYet) {
                return false;
            }
            return received.stream().anyMatch(m -> m.topic().equals(probe));
        }, "the test subscriber's subscription in force");
    }

    static final Duration SUBSCRIBER_RECONNECT_WAIT = Duration.ofSeconds(5);

    /** Closing must not hide why a test failed. */
    private static void closeQuietly(MqttClient sub) {
        try {
            if (sub.isConnected()) {
                sub.disconnect();
            } else {
                sub.disconnectForcibly(0, 0); // also ends an automatic reconnect cycle
            }
        } catch (MqttException e) {
            // the test's own outcome matters, not the subscriber's goodbye
        }
        try {
            sub.close(true);
        } catch (MqttException e) {
            // as above
        }
    }

    @Test
    void afterARestartWithNoDeviceTrafficTheGatewayIsOnlineAndHomeAssistantsBirthGetsEveryConfig() throws Exception {
        try (Mosquitto broker = new Mosquitto(dir.resolve("mosquitto")).start()) {
            MqttClient sub = subscriber(broker.uri());
            Map<String, String> runtimeSettings = Map.of("readingStore", "store-sqlite", "sinkRetryInitial", "100ms",
                    "sinkRetryMax", "400ms", "sinkPollInterval", "100ms");
            PluginRuntime first = new PluginRuntime(dir.resolve("gw"), dir.resolve("conf"), k -> null, Clock.systemUTC());
            try {
                first.configure("understudy.runtime", runtimeSettings);
                first.configure("understudy.sink-mqtt", Map.of("enabled", "true", "broker", broker.uri()));
                first.add(ClasspathPlugins.discover(MqttSinkIT.class.getClassLoader()));
                first.recorder().record(List.of(reading(1)));
                await(() -> backlog(first) == 0, "the reading delivered");
            } finally {
                first.close();
            }
            await(() -> "offline".equals(lastPayload("understudy/status")), "offline once the gateway stopped");

            received.clear();
            PluginRuntime again = new PluginRuntime(dir.resolve("gw"), dir.resolve("conf"), k -> null, Clock.systemUTC());
            try {
                again.configure("understudy.runtime", runtimeSettings);
                again.configure("understudy.sink-mqtt", Map.of("enabled", "true", "broker", broker.uri()));
                again.add(ClasspathPlugins.discover(MqttSinkIT.class.getClassLoader()));
                // no device sends anything: the sink connects anyway, and says so
                await(() -> received.stream().anyMatch(m -> m.topic().equals("understudy/status") && m.payload().equals("online")),
                        "online without any new reading");
                await(() -> Boolean.TRUE.equals(PluginStatus.of(again, "sink-mqtt").get("connected")), "status says connected");

                received.clear();
                sub.publish("homeassistant/status", "online".getBytes(StandardCharsets.UTF_8), 1, false);
                for (String config : new String[] {"sensor/understudy_sky-1/temperature", "sensor/understudy_sky-1/humidity",
                        "binary_sensor/understudy_sky-1/rain"}) {
                    await(() -> received.stream().anyMatch(m -> m.topic().equals("homeassistant/" + config + "/config")),
                            config + " announced again from the store on Home Assistant's birth");
                }
                assertTrue(received.stream().filter(m -> m.topic().startsWith("homeassistant/"))
                        .noneMatch(m -> m.payload().contains("\"object_id\"")), "no deprecated object_id");
            } finally {
                again.close();
                closeQuietly(sub);
            }
        }
    }

    @Test
    void aSiteNameMovesEveryTopicUnderItAndChangingItRestartsTheSink() throws Exception {
        try (Mosquitto broker = new Mosquitto(dir.resolve("mosquitto")).start()) {
            MqttClient sub = subscriber(broker.uri());
            PluginRuntime r = new PluginRuntime(dir.resolve("gw"), dir.resolve("conf"), k -> null, Clock.systemUTC());
            try {
                Map<String, String> runtime = new java.util.HashMap<>(Map.of("readingStore", "store-sqlite",
                        "sinkRetryInitial", "100ms", "sinkRetryMax", "400ms", "sinkPollInterval", "100ms", "site", "leh"));
                r.configure("understudy.runtime", runtime);
                r.configure("understudy.sink-mqtt", Map.of("enabled", "true", "broker", broker.uri()));
                r.add(ClasspathPlugins.discover(MqttSinkIT.class.getClassLoader()));
                r.recorder().record(List.of(reading(1)));
                await(() -> "online".equals(payloadOrNull("understudy/leh/status")), "the site's gateway online");
                await(() -> "1".equals(payloadOrNull("understudy/leh/bloomsky/sky-1/temperature")), "the reading under the site");
                assertEquals("understudy/leh/bloomsky/sky-1/temperature",
                        last("homeassistant/sensor/understudy_sky-1/temperature/config").get("state_topic").asText());
                assertTrue(received.stream().noneMatch(m -> m.topic().startsWith("understudy/bloomsky/")), "nothing outside the site");

                runtime.put("site", "kargil");
                r.configure("understudy.runtime", runtime);
                await(() -> "online".equals(payloadOrNull("understudy/kargil/status")), "the sink restarted under the new site");
                r.recorder().record(List.of(reading(2)));
                await(() -> "2".equals(payloadOrNull("understudy/kargil/bloomsky/sky-1/temperature")), "the next reading under the new site");
            } finally {
                r.close();
                closeQuietly(sub);
            }
        }
    }
}
