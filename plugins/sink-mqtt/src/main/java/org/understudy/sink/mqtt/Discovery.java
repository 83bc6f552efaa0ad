package org.understudy.sink.mqtt;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.understudy.api.model.MetricInfo;
import org.understudy.api.model.MetricValue;
import org.understudy.api.model.Quantity;

/**
 * Home Assistant MQTT discovery (per-entity configs, retained): one config per device and metric, a sensor
 * (numbers, texts) or a binary sensor (flags, ON/OFF) reading the metric's own state topic, with the keys
 * Home Assistant reads since 2025.10 ({@code default_entity_id}, not the removed {@code object_id}), an
 * {@code origin} block and an {@code availability} list. Device classes and units come from what the
 * profile declares for the metric ({@link MetricInfo}), else from the value's unit; never from its name.
 * Every device hangs off the gateway's own device ({@code via_device}), which {@link GatewayDevice} announces.
 */
final class Discovery {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** What may not appear in a topic level or a Home Assistant id; compiled once, it runs per metric. */
    private static final Pattern NOT_ID = Pattern.compile("[^A-Za-z0-9_-]");
    private static final Pattern NOT_ENTITY_ID = Pattern.compile("[^a-z0-9_]");

    private Discovery() {
    }

    static String id(String text) {
        return NOT_ID.matcher(text).replaceAll("_");
    }

    /** An entity id's object part as Home Assistant accepts it: lowercase letters, digits and '_'. */
    static String entityObjectId(String text) {
        return NOT_ENTITY_ID.matcher(text.toLowerCase(Locale.ROOT)).replaceAll("_");
    }

    static String stateTopic(MqttConfig c, String profile, String device) {
        return c.topicPrefix() + "/" + id(profile) + "/" + id(device) + "/state";
    }

    /** The plain-value topic of one metric: numbers and texts as text, flags as ON/OFF. */
    static String metricTopic(MqttConfig c, String profile, String device, String metric) {
        return c.topicPrefix() + "/" + id(profile) + "/" + id(device) + "/" + id(metric);
    }

    static String metricPayload(MetricValue v) {
        if (v instanceof MetricValue.Number n) {
            double d = n.value();
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
        }
        if (v instanceof MetricValue.Flag f) {
            return f.value() ? "ON" : "OFF";
        }
        return ((MetricValue.Text) v).value();
    }

    static String availabilityTopic(MqttConfig c) {
        return c.topicPrefix() + "/status";
    }

    static String component(MetricValue v) {
        return v instanceof MetricValue.Flag ? "binary_sensor" : "sensor";
    }

    static String configTopic(MqttConfig c, String device, String metric, MetricValue v) {
        return c.discoveryPrefix() + "/" + component(v) + "/understudy_" + id(device) + "/" + id(metric) + "/config";
    }

    /** The identifier of the gateway's own device, the parent of every other. */
    static String gatewayIdentifier(MqttConfig c) {
        return "understudy_gateway_" + id(c.clientId());
    }

    /** The {@code origin} block: which software publishes the configs. */
    static void origin(ObjectNode config, String version) {
        ObjectNode o = config.putObject("origin");
        o.put("name", "Understudy");
        o.put("sw_version", version);
    }

    /** The availability list: the gateway's topic, online while it is connected (last will: offline). */
    static void availability(ObjectNode config, MqttConfig c) {
        config.putArray("availability").addObject().put("topic", availabilityTopic(c));
    }

    static String config(MqttConfig c, String version, String profile, String device, String metric, MetricValue v,
                         Optional<MetricInfo> info) {
        ObjectNode n = JSON.createObjectNode();
        String key = id(metric);
        n.put("name", metric.replace('_', ' '));
        n.put("unique_id", "understudy_" + id(device) + "_" + key);
        n.put("default_entity_id", component(v) + "." + entityObjectId(profile + "_" + device + "_" + metric));
        n.put("state_topic", metricTopic(c, profile, device, metric));
        availability(n, c);
        Quantity quantity = info.map(MetricInfo::quantity).orElse(null);
        if (v instanceof MetricValue.Number num) {
            n.put("state_class", quantity == Quantity.ENERGY ? "total_increasing" : "measurement");
            String unit = quantity == Quantity.UV_INDEX ? "UV index" : unit(num.unit());
            if (!unit.isEmpty()) {
                n.put("unit_of_measurement", unit);
            }
            String deviceClass = quantity != null ? deviceClass(quantity) : deviceClassOfUnit(num.unit());
            if (deviceClass != null) {
                n.put("device_class", deviceClass);
            }
            if (quantity == Quantity.SIGNAL_STRENGTH) {
                n.put("entity_category", "diagnostic");
            }
        } else if (v instanceof MetricValue.Flag && quantity != null) {
            String deviceClass = binaryDeviceClass(quantity);
            if (deviceClass != null) {
                n.put("device_class", deviceClass);
            }
        }
        device(n, c, profile, device);
        origin(n, version);
        return n.toString();
    }

    /** The device block: the device's identity, under the gateway. */
    private static void device(ObjectNode n, MqttConfig c, String profile, String device) {
        ObjectNode d = n.putObject("device");
        d.putArray("identifiers").add("understudy_" + id(device));
        d.put("name", profile + " " + device);
        d.put("manufacturer", profile);
        d.put("via_device", gatewayIdentifier(c));
    }

    /**
     * A flag a device can also set: Home Assistant shows it as a switch whose commands run these actions.
     *
     * @param on the action that sets it
     * @param off the action that clears it
     * @param setting whether it is a setting of the device (an LED) rather than what the device is for (a relay)
     */
    record Switch(String on, String off, boolean setting) {}

    /**
     * The switch a flag metric is, if the device offers actions to set it: {@code <metric>-on} and
     * {@code <metric>-off} (a setting, the LED), or, for the metric that says whether the device is powered
     * ({@code Quantity.POWER_STATE}), {@code on} and {@code off}.
     */
    static Optional<Switch> switchOf(String metric, MetricValue v, Optional<MetricInfo> info, java.util.Collection<String> actions) {
        if (!(v instanceof MetricValue.Flag)) {
            return Optional.empty();
        }
        if (actions.contains(metric + "-on") && actions.contains(metric + "-off")) {
            return Optional.of(new Switch(metric + "-on", metric + "-off", true));
        }
        if (info.map(MetricInfo::quantity).orElse(null) == Quantity.POWER_STATE && actions.contains("on") && actions.contains("off")) {
            return Optional.of(new Switch("on", "off", false));
        }
        return Optional.empty();
    }

    /** Where Home Assistant sends a switch's ON and OFF. */
    static String commandTopic(MqttConfig c, String profile, String device, String metric) {
        return metricTopic(c, profile, device, metric) + "/set";
    }

    static String switchConfigTopic(MqttConfig c, String device, String metric) {
        return c.discoveryPrefix() + "/switch/understudy_" + id(device) + "/" + id(metric) + "/config";
    }

    static String switchConfig(MqttConfig c, String version, String profile, String device, String metric, Switch s) {
        ObjectNode n = JSON.createObjectNode();
        n.put("name", metric.replace('_', ' '));
        n.put("unique_id", "understudy_" + id(device) + "_" + id(metric));
        n.put("default_entity_id", "switch." + entityObjectId(profile + "_" + device + "_" + metric));
        n.put("state_topic", metricTopic(c, profile, device, metric));
        n.put("command_topic", commandTopic(c, profile, device, metric));
        n.put("payload_on", "ON");
        n.put("payload_off", "OFF");
        n.put("state_on", "ON");
        n.put("state_off", "OFF");
        if (s.setting()) {
            n.put("entity_category", "config");
        } else {
            n.put("device_class", "outlet");
        }
        availability(n, c);
        device(n, c, profile, device);
        origin(n, version);
        return n.toString();
    }

    /** Units as Home Assistant writes them. */
    static String unit(String ucum) {
        return switch (ucum) {
            case "Cel" -> "°C";
            case "[degF]" -> "°F";
            default -> ucum;
        };
    }

    /** Home Assistant's sensor device class for a declared quantity; null where none exists. */
    static String deviceClass(Quantity q) {
        return switch (q) {
            case TEMPERATURE -> "temperature";
            case HUMIDITY -> "humidity";
            case PRESSURE -> "pressure";
            case VOLTAGE -> "voltage";
            case CURRENT -> "current";
            case POWER -> "power";
            case ENERGY -> "energy";
            case ILLUMINANCE -> "illuminance";
            case SIGNAL_STRENGTH -> "signal_strength";
            case DURATION -> "duration";
            case BATTERY_LEVEL -> "battery";
            default -> null; // UV index, raw counts and others have none
        };
    }

    static String binaryDeviceClass(Quantity q) {
        return switch (q) {
            case MOISTURE -> "moisture";
            case BATTERY_CHARGING -> "battery_charging";
            case CONNECTIVITY -> "connectivity";
            case POWER_STATE -> "power";
            default -> null;
        };
    }

    /** For a metric its profile does not describe: the class its unit implies, if one does. */
    static String deviceClassOfUnit(String unit) {
        return switch (unit) {
            case "Cel", "[degF]" -> "temperature";
            case "hPa", "Pa", "mbar" -> "pressure";
            case "mV", "V" -> "voltage";
            case "lx" -> "illuminance";
            case "W" -> "power";
            case "Wh", "kWh" -> "energy";
            case "mA", "A" -> "current";
            case "dBm" -> "signal_strength";
            default -> null;
        };
    }
}
