package org.understudy.sink.mqtt;

import java.time.Duration;
import org.understudy.api.Description;
import org.understudy.api.Secret;

/** Configuration of the MQTT sink (pid {@code understudy.sink-mqtt}). */
@Description("Publishes every reading to an MQTT broker (QoS 1): each metric's value on "
        + "<topicPrefix>/<profile>/<device>/<metric>, the whole reading as JSON (with its store sequence) on "
        + "<topicPrefix>/<profile>/<device>/state, an availability topic <topicPrefix>/status with a last will, "
        + "and Home Assistant discovery per device and metric. With the runtime's site set, every topic is under "
        + "<topicPrefix>/<site> and the default client id ends with -<site>.")
public record MqttConfig(
        @Description("Whether the sink runs; when off, readings wait in the store.") boolean enabled,
        @Description("Broker URI: tcp://host:1883 or ssl://host:8883.") String broker,
        @Description("MQTT client id of the gateway.") String clientId,
        @Description("User name; empty = anonymous.") String username,
        @Description("Password.") @Secret String password,
        @Description("First level of every state and availability topic.") String topicPrefix,
        @Description("Publish Home Assistant discovery messages.") boolean discovery,
        @Description("Home Assistant discovery prefix (its status topic is <prefix>/status).") String discoveryPrefix,
        @Description("Retain state messages, so subscribers see the last values at once.") boolean retainState,
        @Description("How long connecting may take.") Duration connectTimeout,
        @Description("MQTT keep-alive interval.") Duration keepAlive,
        @Description("How long the broker may take to acknowledge a batch.") Duration publishTimeout,
        @Description("Most messages awaiting the broker's acknowledgement at once.") int maxInflight,
        @Description("First wait before connecting again after the broker was lost or refused; it doubles up to reconnectMax.")
        Duration reconnectInitial,
        @Description("Longest wait between two connection attempts while the broker stays unreachable.") Duration reconnectMax) {

    public static final MqttConfig DEFAULTS = new MqttConfig(false, "tcp://127.0.0.1:1883", "understudy-gateway", "", "",
            "understudy", true, "homeassistant", true, Duration.ofSeconds(10), Duration.ofSeconds(30),
            Duration.ofSeconds(30), 1000, Duration.ofSeconds(1), Duration.ofMinutes(1));

    public MqttConfig {
        if (broker == null || !broker.matches("(tcp|ssl)://[^/\\s]+(:\\d+)?")) {
            throw new IllegalArgumentException("broker must look like tcp://host:1883 or ssl://host:8883, got '" + broker + "'");
        }
        if (clientId == null || clientId.isBlank() || clientId.length() > 64) {
            throw new IllegalArgumentException("clientId must be 1 to 64 characters");
        }
        for (String prefix : new String[] {topicPrefix, discoveryPrefix}) {
            if (prefix == null || prefix.isBlank() || prefix.contains("#") || prefix.contains("+")) {
                throw new IllegalArgumentException("topicPrefix and discoveryPrefix must be topic levels without wildcards");
            }
        }
        for (Duration d : new Duration[] {connectTimeout, keepAlive, publishTimeout}) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("connectTimeout, keepAlive and publishTimeout must be positive");
            }
        }
        for (Duration d : new Duration[] {reconnectInitial, reconnectMax}) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("reconnectInitial and reconnectMax must be positive");
            }
        }
        if (reconnectMax.compareTo(reconnectInitial) < 0) {
            throw new IllegalArgumentException("reconnectMax must not be shorter than reconnectInitial");
        }
        if (maxInflight < 1 || maxInflight > 65535) {
            throw new IllegalArgumentException("maxInflight must be between 1 and 65535, got " + maxInflight);
        }
    }

    /**
     * This configuration for a gateway of site {@code site} (empty: unchanged): its topics one level deeper,
     * under {@code <topicPrefix>/<site>}, and the default client id suffixed with the site, so that the gateways
     * of several sites on one broker neither overwrite each other's topics nor take each other's session.
     */
    MqttConfig forSite(String site) {
        if (site.isEmpty()) {
            return this;
        }
        String id = clientId.equals(DEFAULTS.clientId()) ? clientId + "-" + site : clientId;
        return new MqttConfig(enabled, broker, id, username, password, topicPrefix + "/" + site, discovery, discoveryPrefix,
                retainState, connectTimeout, keepAlive, publishTimeout, maxInflight, reconnectInitial, reconnectMax);
    }
}
