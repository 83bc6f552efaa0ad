package org.understudy.sink.mqtt;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.understudy.api.GatewayInfo;
import org.understudy.api.UpstreamState;

/**
 * The gateway as a Home Assistant device, the parent ({@code via_device}) of every device it stands in for,
 * with diagnostic entities: when it started (its version is the device's software version), the link state
 * of each vendor upstream, and how many readings this sink has still to publish.
 */
final class GatewayDevice {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One retained message. */
    record Message(String topic, String payload) {}

    private GatewayDevice() {
    }

    static String startedTopic(MqttConfig c) {
        return c.topicPrefix() + "/gateway/started";
    }

    static String backlogTopic(MqttConfig c) {
        return c.topicPrefix() + "/gateway/mqtt_backlog";
    }

    static String upstreamTopic(MqttConfig c, String upstream) {
        return c.topicPrefix() + "/gateway/upstream/" + Discovery.id(upstream);
    }

    /** ON while the upstream answers, OFF while it is down; null while nothing is known of it. */
    static String upstreamPayload(UpstreamState s) {
        return switch (s.status()) {
            case UP -> "ON";
            case DOWN -> "OFF";
            case UNKNOWN -> null;
        };
    }

    /** The discovery configs of the gateway's entities: start time, backlog, and one link per upstream. */
    static List<Message> configs(MqttConfig c, GatewayInfo gateway, List<UpstreamState> upstreams) {
        List<Message> out = new ArrayList<>();
        ObjectNode started = entity(c, gateway, "started", "Started", startedTopic(c));
        started.put("device_class", "timestamp");
        out.add(new Message(configTopic(c, "sensor", "started"), started.toString()));
        ObjectNode backlog = entity(c, gateway, "mqtt_backlog", "MQTT backlog", backlogTopic(c));
        backlog.put("state_class", "measurement");
        backlog.put("unit_of_measurement", "readings");
        out.add(new Message(configTopic(c, "sensor", "mqtt_backlog"), backlog.toString()));
        for (UpstreamState u : upstreams) {
            String key = "link_" + Discovery.id(u.upstream());
            ObjectNode link = entity(c, gateway, key, "Link " + u.upstream(), upstreamTopic(c, u.upstream()));
            link.put("device_class", "connectivity");
            out.add(new Message(c.discoveryPrefix() + "/binary_sensor/" + Discovery.gatewayIdentifier(c) + "/" + key + "/config",
                    link.toString()));
        }
        return out;
    }

    /** A single upstream's link config (for one that appears while running). */
    static Message upstreamConfig(MqttConfig c, GatewayInfo gateway, UpstreamState u) {
        List<Message> all = configs(c, gateway, List.of(u));
        return all.get(all.size() - 1);
    }

    private static String configTopic(MqttConfig c, String component, String key) {
        return c.discoveryPrefix() + "/" + component + "/" + Discovery.gatewayIdentifier(c) + "/" + key + "/config";
    }

    private static ObjectNode entity(MqttConfig c, GatewayInfo gateway, String key, String name, String stateTopic) {
        ObjectNode n = JSON.createObjectNode();
        n.put("name", name);
        n.put("unique_id", Discovery.gatewayIdentifier(c) + "_" + key);
        n.put("default_entity_id", (key.startsWith("link_") ? "binary_sensor." : "sensor.")
                + Discovery.entityObjectId("understudy_gateway_" + key));
        n.put("state_topic", stateTopic);
        n.put("entity_category", "diagnostic");
        Discovery.availability(n, c);
        ObjectNode d = n.putObject("device");
        d.putArray("identifiers").add(Discovery.gatewayIdentifier(c));
        d.put("name", "Understudy gateway");
        d.put("manufacturer", "Understudy");
        d.put("model", "IoT vendor cloud stand-in");
        d.put("sw_version", gateway.version());
        Discovery.origin(n, gateway.version());
        return n;
    }
}
