package org.understudy.sink.mqtt;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttMessageListener;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.api.PluginContext;
import org.understudy.api.model.MetricValue;
import org.understudy.api.model.Reading;
import org.understudy.api.model.StoredReading;
import org.understudy.api.spi.Sink;

/**
 * The MQTT sink (id {@code sink-mqtt}). Per reading: each metric's value on its own topic
 * ({@code <prefix>/<profile>/<device>/<metric>}, what Home Assistant reads) and the whole reading as JSON with
 * its store sequence on {@code <prefix>/<profile>/<device>/state}. A batch is acknowledged once the broker has acknowledged every
 * message of it (QoS 1); on any failure the runtime sends the batch again, so a consumer may see a
 * state message twice after a broker failure, and can tell by its {@code seq}. Connects on the first
 * delivery and again after a loss; the last will marks the gateway offline.
 */
public final class MqttSink implements Sink<MqttConfig> {

    private static final Logger LOG = LoggerFactory.getLogger(MqttSink.class);
    private static final JsonFactory JSON = new JsonFactory();
    private static final int QOS = 1;

    /** A discovery message already sent, kept to send again when Home Assistant restarts. */
    private record Announcement(String topic, String payload) {}

    private final Map<String, Announcement> announced = new ConcurrentHashMap<>();
    private volatile MqttConfig config = MqttConfig.DEFAULTS;
    private volatile MqttAsyncClient client;
    private volatile Executor blocking;
    private volatile long published;

    @Override
    public String id() {
        return "sink-mqtt";
    }

    @Override
    public Class<MqttConfig> configType() {
        return MqttConfig.class;
    }

    @Override
    public MqttConfig defaultConfig() {
        return MqttConfig.DEFAULTS;
    }

    @Override
    public void start(PluginContext<MqttConfig> context) throws MqttException {
        config = context.config();
        blocking = context.scheduler().blocking();
        client = new MqttAsyncClient(config.broker(), config.clientId(), new MemoryPersistence());
        context.own(this::close);
    }

    @Override
    public boolean enabled() {
        return config.enabled();
    }

    @Override
    public void stop() {
        // the client is closed by close(), registered with own()
    }

    private void close() {
        MqttAsyncClient c = client;
        client = null;
        if (c == null) {
            return;
        }
        try {
            if (c.isConnected()) {
                c.publish(Discovery.availabilityTopic(config), "offline".getBytes(StandardCharsets.UTF_8), QOS, true)
                        .waitForCompletion(1000);
                c.disconnect(1000).waitForCompletion(1500);
            }
        } catch (MqttException e) {
            LOG.debug("MQTT disconnect: {}", e.getMessage());
        }
        try {
            c.close(true);
        } catch (MqttException e) {
            LOG.debug("MQTT close: {}", e.getMessage());
        }
    }

    @Override
    public void deliver(List<StoredReading> batch) throws Exception {
        MqttAsyncClient c = connected();
        List<IMqttDeliveryToken> tokens = new ArrayList<>();
        // announced only once the broker has acknowledged them: a failed batch announces again on retry
        Map<String, Announcement> fresh = new HashMap<>();
        for (StoredReading stored : batch) {
            Reading r = stored.reading();
            if (config.discovery()) {
                for (Map.Entry<String, MetricValue> m : r.metrics().entrySet()) {
                    String key = r.deviceId() + "\u0000" + m.getKey();
                    if (!announced.containsKey(key) && !fresh.containsKey(key)) {
                        Announcement a = new Announcement(Discovery.configTopic(config, r.deviceId(), m.getKey(), m.getValue()),
                                Discovery.config(config, r.profile(), r.deviceId(), m.getKey(), m.getValue()));
                        tokens.add(publish(c, a.topic(), a.payload(), true, tokens));
                        fresh.put(key, a);
                    }
                }
            }
            for (Map.Entry<String, MetricValue> m : r.metrics().entrySet()) {
                tokens.add(publish(c, Discovery.metricTopic(config, r.profile(), r.deviceId(), m.getKey()),
                        Discovery.metricPayload(m.getValue()), config.retainState(), tokens));
            }
            tokens.add(publish(c, Discovery.stateTopic(config, r.profile(), r.deviceId()), state(stored),
                    config.retainState(), tokens));
        }
        awaitAll(tokens);
        announced.putAll(fresh);
        published += batch.size();
    }

    private IMqttDeliveryToken publish(MqttAsyncClient c, String topic, String payload, boolean retain,
                                       List<IMqttDeliveryToken> tokens) throws IOException {
        if (tokens.size() >= config.maxInflight() - 1) {
            awaitAll(tokens); // stay within the broker's in-flight window
            tokens.clear();
        }
        try {
            return c.publish(topic, payload.getBytes(StandardCharsets.UTF_8), QOS, retain);
        } catch (MqttException e) {
            throw new IOException("MQTT publish to " + topic + " failed: " + e.getMessage(), e);
        }
    }

    private void awaitAll(List<IMqttDeliveryToken> tokens) throws IOException {
        for (IMqttDeliveryToken t : tokens) {
            try {
                t.waitForCompletion(config.publishTimeout().toMillis());
            } catch (MqttException e) {
                throw new IOException("MQTT broker did not acknowledge: " + e.getMessage(), e);
            }
            if (!t.isComplete() || t.getException() != null) {
                throw new IOException("MQTT broker did not acknowledge within " + config.publishTimeout().toMillis() + " ms");
            }
        }
    }

    /** Connects when needed: last will, availability online, and the Home Assistant status subscription. */
    private MqttAsyncClient connected() throws IOException {
        MqttAsyncClient c = client;
        if (c == null) {
            throw new IOException("the MQTT sink is stopped");
        }
        if (c.isConnected()) {
            return c;
        }
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(true);
        o.setAutomaticReconnect(false);
        o.setConnectionTimeout((int) Math.max(1, config.connectTimeout().toSeconds()));
        o.setKeepAliveInterval((int) Math.max(1, config.keepAlive().toSeconds()));
        o.setMaxInflight(config.maxInflight());
        o.setWill(Discovery.availabilityTopic(config), "offline".getBytes(StandardCharsets.UTF_8), QOS, true);
        if (!config.username().isBlank()) {
            o.setUserName(config.username());
            o.setPassword(config.password().toCharArray());
        }
        try {
            c.connect(o).waitForCompletion(config.connectTimeout().toMillis());
            c.publish(Discovery.availabilityTopic(config), "online".getBytes(StandardCharsets.UTF_8), QOS, true)
                    .waitForCompletion(config.publishTimeout().toMillis());
            if (config.discovery()) {
                IMqttMessageListener onStatus = (topic, message) -> {
                    if ("online".equals(new String(message.getPayload(), StandardCharsets.UTF_8).trim())) {
                        blocking.execute(this::announceAgain);
                    }
                };
                c.subscribe(config.discoveryPrefix() + "/status", QOS, onStatus).waitForCompletion(config.publishTimeout().toMillis());
            }
            LOG.info("connected to MQTT broker {}", config.broker());
            return c;
        } catch (MqttException e) {
            throw new IOException("cannot connect to MQTT broker " + config.broker() + ": " + e.getMessage(), e);
        }
    }

    /** Home Assistant came (back) online: it wants every discovery message again. */
    private void announceAgain() {
        MqttAsyncClient c = client;
        if (c == null || !c.isConnected()) {
            return;
        }
        for (Announcement a : announced.values()) {
            try {
                c.publish(a.topic(), new MqttMessage(a.payload().getBytes(StandardCharsets.UTF_8)) {
                    {
                        setQos(QOS);
                        setRetained(true);
                    }
                });
            } catch (MqttException e) {
                LOG.warn("re-sending discovery to {} failed: {}", a.topic(), e.getMessage());
                return;
            }
        }
        LOG.info("Home Assistant is online: re-sent {} discovery message(s)", announced.size());
    }

    /** The JSON state of one reading: store sequence, times, and every metric by name. */
    static String state(StoredReading stored) throws IOException {
        Reading r = stored.reading();
        StringWriter out = new StringWriter(64 + 24 * r.metrics().size());
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("seq", stored.sequence());
            g.writeStringField("time", r.time().toString());
            g.writeStringField("received", r.receivedAt().toString());
            for (Map.Entry<String, MetricValue> m : r.metrics().entrySet()) {
                String key = Discovery.id(m.getKey());
                MetricValue v = m.getValue();
                if (v instanceof MetricValue.Number n) {
                    g.writeNumberField(key, n.value());
                } else if (v instanceof MetricValue.Flag f) {
                    g.writeBooleanField(key, f.value());
                } else {
                    g.writeStringField(key, ((MetricValue.Text) v).value());
                }
            }
            g.writeEndObject();
        }
        return out.toString();
    }

    @Override
    public Map<String, Object> status() {
        MqttAsyncClient c = client;
        return Map.of("broker", config.broker(), "connected", c != null && c.isConnected(), "published", published,
                "discoveryMessages", announced.size());
    }
}
