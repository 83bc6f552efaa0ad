package org.understudy.sink.mqtt;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttMessageListener;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.api.Errors;
import org.understudy.api.GatewayInfo;
import org.understudy.api.PluginContext;
import org.understudy.api.QueryService;
import org.understudy.api.UpstreamState;
import org.understudy.api.model.ActionDescriptor;
import org.understudy.api.model.Device;
import org.understudy.api.model.MetricInfo;
import org.understudy.api.model.MetricValue;
import org.understudy.api.model.Quantity;
import org.understudy.api.model.Reading;
import org.understudy.api.model.StoredReading;
import org.understudy.api.spi.Sink;

/**
 * The MQTT sink (id {@code sink-mqtt}). Per reading: each metric's value on its own topic
 * ({@code <prefix>/<profile>/<device>/<metric>}, what Home Assistant reads) and the whole reading as JSON with
 * its store sequence on {@code <prefix>/<profile>/<device>/state}. A batch is acknowledged once the broker has
 * acknowledged every message of it (QoS 1); on any failure the runtime sends the batch again, so a consumer
 * may see a state message twice after a broker failure, and can tell by its {@code seq}.
 *
 * <p>The connection is kept up from the start, not only while there is something to deliver: connected, the
 * gateway is {@code online} on its availability topic (retained; the last will says {@code offline}), and
 * every device the store knows is announced to Home Assistant, again whenever Home Assistant says it is
 * online. A lost or refused connection is tried again after {@code reconnectInitial}, doubling up to
 * {@code reconnectMax}.
 */
public final class MqttSink implements Sink<MqttConfig> {

    private static final Logger LOG = LoggerFactory.getLogger(MqttSink.class);
    private static final JsonFactory JSON = new JsonFactory();
    private static final int QOS = 1;
    /** How often the connection is checked (and retried once its backoff has passed). */
    private static final Duration MAINTAIN_INTERVAL = Duration.ofSeconds(1);
    /** How often the gateway's backlog sensor is refreshed while connected. */
    private static final Duration BACKLOG_INTERVAL = Duration.ofSeconds(10);

    /** A discovery message, kept to send again when Home Assistant restarts. */
    private record Announcement(String topic, String payload) {}

    private final Map<String, Announcement> announced = new ConcurrentHashMap<>();
    /** The switches announced, by command topic. */
    private final Map<String, Command> commands = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.LongAdder commandsRun = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder commandsFailed = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder commandsIgnored = new java.util.concurrent.atomic.LongAdder();
    private final Object connecting = new Object();
    private volatile MqttConfig config = MqttConfig.DEFAULTS;
    private volatile PluginContext<MqttConfig> context;
    private volatile MqttAsyncClient client;
    private volatile Executor blocking;
    private volatile long published;
    private volatile String lastError;
    private volatile Instant nextAttempt = Instant.MIN;
    private volatile Duration backoff;
    private volatile Instant lastBacklog = Instant.MIN;

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
        this.context = context;
        config = context.config().forSite(context.gateway().site());
        blocking = context.scheduler().blocking();
        backoff = config.reconnectInitial();
        client = new MqttAsyncClient(config.broker(), config.clientId(), new MemoryPersistence());
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                lastError = "connection to " + config.broker() + " lost: " + cause.getMessage();
                LOG.warn("MQTT {}", lastError);
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                // subscriptions have listeners of their own
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
                // tokens are awaited where they are published
            }
        });
        context.own(this::close);
        if (config.enabled()) {
            context.scheduler().scheduleBlockingWithFixedDelay(this::keepConnected, Duration.ZERO, MAINTAIN_INTERVAL);
            if (config.discovery()) {
                context.connectivity().onChange(state -> blocking.execute(() -> publishUpstream(state)));
            }
        }
    }

    /** The broker is back once the sink's own connection (kept up every second) is. */
    @Override
    public boolean reachable() {
        MqttAsyncClient c = client;
        return c != null && c.isConnected();
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

    /** Runs every second: connects once the backoff has passed, and keeps the backlog sensor fresh. */
    private void keepConnected() {
        MqttAsyncClient c = client;
        if (c == null) {
            return;
        }
        if (c.isConnected()) {
            if (config.discovery() && Instant.now().isAfter(lastBacklog.plus(BACKLOG_INTERVAL))) {
                lastBacklog = Instant.now();
                publishQuietly(c, GatewayDevice.backlogTopic(config), String.valueOf(backlog()));
            }
            return;
        }
        if (Instant.now().isBefore(nextAttempt)) {
            return;
        }
        try {
            connected();
        } catch (IOException e) {
            LOG.debug("MQTT: {}", e.getMessage());
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
                    String key = key(r.deviceId(), m.getKey());
                    if (!announced.containsKey(key) && !fresh.containsKey(key)) {
                        Announcement a = announcement(r.profile(), r.deviceId(), m.getKey(), m.getValue());
                        if (a != null) {
                            tokens.add(publish(c, a.topic(), a.payload(), true, tokens));
                            fresh.put(key, a);
                        }
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

    private static String key(String device, String metric) {
        return device + "\u0000" + metric;
    }

    /**
     * How a metric is announced: a switch when the device offers actions to set it (its commands then run them),
     * else a sensor; {@code null} for a flag of a device the registry does not know yet (its actions are not
     * known: it is announced with a later reading).
     */
    private Announcement announcement(String profile, String device, String metric, MetricValue v) {
        Optional<MetricInfo> info = context.profiles().metricInfo(profile, metric);
        if (v instanceof MetricValue.Flag) {
            // asked before the actions: a device registered in between must not read as known but without actions
            boolean known = context.queries().device(device).isPresent();
            List<String> actions = context.actions().actionsOf(device).stream().map(ActionDescriptor::name).toList();
            Optional<Discovery.Switch> s = Discovery.switchOf(metric, v, info, actions);
            if (s.isPresent()) {
                commands.put(Discovery.commandTopic(config, profile, device, metric), new Command(device, s.get()));
                return new Announcement(Discovery.switchConfigTopic(config, device, metric),
                        Discovery.switchConfig(config, context.gateway().version(), profile, device, metric, s.get()));
            }
            if (!known && actions.isEmpty() && info.map(MetricInfo::quantity).orElse(null) == Quantity.POWER_STATE) {
                return null;
            }
        }
        return new Announcement(Discovery.configTopic(config, device, metric, v), Discovery.config(config,
                context.gateway().version(), profile, device, metric, v, info));
    }

    /** A switch's device and the actions its ON and OFF run. */
    private record Command(String device, Discovery.Switch actions) {}

    /** Home Assistant switched something: the device's action runs; its new state comes back as a reading. */
    private void command(String topic, MqttMessage message) {
        Command target = commands.get(topic);
        String payload = new String(message.getPayload(), StandardCharsets.UTF_8).trim();
        if (target == null || !(payload.equals("ON") || payload.equals("OFF"))) {
            commandsIgnored.increment();
            LOG.debug("MQTT command ignored on {}: '{}'", topic, payload);
            return;
        }
        String action = payload.equals("ON") ? target.actions().on() : target.actions().off();
        context.actions().run(target.device(), action, Map.of(), "mqtt").whenComplete((answer, error) -> {
            if (error != null) {
                commandsFailed.increment();
                Throwable cause = Errors.unwrap(error);
                LOG.warn("Home Assistant's {} for {} failed: {}", action, target.device(), cause.getMessage());
            } else {
                commandsRun.increment();
            }
        });
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

    /**
     * The connected client, connecting first if need be: last will, availability online, the Home Assistant
     * status subscription, and every device announced. A failure sets when the next attempt may be made.
     */
    private MqttAsyncClient connected() throws IOException {
        MqttAsyncClient c = client;
        if (c == null) {
            throw new IOException("the MQTT sink is stopped");
        }
        if (c.isConnected()) {
            return c;
        }
        synchronized (connecting) {
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
                            blocking.execute(this::announceAll);
                        }
                    };
                    c.subscribe(config.discoveryPrefix() + "/status", QOS, onStatus).waitForCompletion(config.publishTimeout().toMillis());
                    // switch commands: a device's action run for Home Assistant
                    c.subscribe(config.topicPrefix() + "/+/+/+/set", QOS, this::command).waitForCompletion(config.publishTimeout().toMillis());
                }
            } catch (MqttException e) {
                lastError = "cannot connect to MQTT broker " + config.broker() + ": " + e.getMessage();
                Duration wait = backoff.plusMillis(ThreadLocalRandom.current().nextLong(Math.max(1, backoff.toMillis() / 4)));
                nextAttempt = Instant.now().plus(wait);
                backoff = backoff.multipliedBy(2).compareTo(config.reconnectMax()) > 0 ? config.reconnectMax() : backoff.multipliedBy(2);
                try {
                    c.disconnectForcibly(0, 0, false); // a half-open attempt must not linger
                } catch (MqttException ignored) {
                    // not connected: nothing to release
                }
                throw new IOException(lastError, e);
            }
            backoff = config.reconnectInitial();
            lastError = null;
            LOG.info("connected to MQTT broker {}", config.broker());
        }
        if (config.discovery()) {
            blocking.execute(this::announceAll);
        }
        return c;
    }

    /**
     * Announces the gateway and every device the store knows (from its latest reading), with the gateway's own
     * states: at each connection and whenever Home Assistant comes online, so it finds every entity after a
     * restart of either, whether or not a device sent anything since.
     */
    private void announceAll() {
        MqttAsyncClient c = client;
        if (c == null || !c.isConnected()) {
            return;
        }
        GatewayInfo gateway = context.gateway();
        List<UpstreamState> upstreams = context.connectivity().all();
        int sent = 0;
        for (GatewayDevice.Message m : GatewayDevice.configs(config, gateway, upstreams)) {
            sent += publishQuietly(c, m.topic(), m.payload()) ? 1 : 0;
        }
        publishQuietly(c, GatewayDevice.startedTopic(config), gateway.startedAt().toString());
        publishQuietly(c, GatewayDevice.backlogTopic(config), String.valueOf(backlog()));
        upstreams.forEach(u -> publishUpstreamState(c, u));
        QueryService queries = context.queries();
        Map<String, Announcement> fromStore = new LinkedHashMap<>();
        for (Device d : queries.devices()) {
            queries.latest(d.id()).ifPresent(r -> r.metrics().forEach((metric, value) -> {
                Announcement a = announcement(r.profile(), d.id(), metric, value);
                if (a != null) {
                    fromStore.put(key(d.id(), metric), a);
                }
            }));
        }
        announced.forEach(fromStore::putIfAbsent);
        for (Map.Entry<String, Announcement> a : fromStore.entrySet()) {
            if (publishQuietly(c, a.getValue().topic(), a.getValue().payload())) {
                announced.put(a.getKey(), a.getValue());
                sent++;
            }
        }
        LOG.info("announced the gateway and {} device(s) to Home Assistant ({} discovery message(s))",
                queries.devices().size(), sent);
    }

    private void publishUpstream(UpstreamState state) {
        MqttAsyncClient c = client;
        if (c != null && c.isConnected()) {
            GatewayDevice.Message config = GatewayDevice.upstreamConfig(this.config, context.gateway(), state);
            publishQuietly(c, config.topic(), config.payload());
            publishUpstreamState(c, state);
        }
    }

    private void publishUpstreamState(MqttAsyncClient c, UpstreamState state) {
        String payload = GatewayDevice.upstreamPayload(state);
        if (payload != null) {
            publishQuietly(c, GatewayDevice.upstreamTopic(config, state.upstream()), payload);
        }
    }

    /** Publishes a retained message and waits for it; false (logged) when the broker does not take it. */
    private boolean publishQuietly(MqttAsyncClient c, String topic, String payload) {
        try {
            c.publish(topic, payload.getBytes(StandardCharsets.UTF_8), QOS, true).waitForCompletion(config.publishTimeout().toMillis());
            return true;
        } catch (MqttException e) {
            LOG.warn("MQTT publish to {} failed: {}", topic, e.getMessage());
            return false;
        }
    }

    /** Readings recorded that this sink has not published yet. */
    private long backlog() {
        QueryService q = context.queries();
        return Math.max(0, q.lastSequence() - q.sinkCursor(id()));
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
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("broker", config.broker());
        out.put("connected", c != null && c.isConnected());
        out.put("lastError", lastError);
        Instant next = nextAttempt;
        if (c != null && !c.isConnected() && next.isAfter(Instant.now())) {
            out.put("nextAttempt", next.toString());
        }
        out.put("published", published);
        out.put("discoveryMessages", announced.size());
        out.put("commandsRun", commandsRun.sum());
        out.put("commandsFailed", commandsFailed.sum());
        out.put("commandsIgnored", commandsIgnored.sum());
        return out;
    }
}
