package org.understudy.sink.mqtt;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import java.util.regex.Pattern;
import org.understudy.api.model.MetricValue;

/**
 * Home Assistant MQTT discovery: one config message per device and metric, retained, describing a
 * sensor (numbers, texts) or a binary sensor (flags, ON/OFF) reading the metric's own state topic.
 * Units map to Home Assistant device classes where one fits.
 */
final class Discovery {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** What may not appear in a topic level or a Home Assistant id; compiled once, it runs per metric. */
    private static final Pattern NOT_ID = Pattern.compile("[^A-Za-z0-9_-]");

    private Discovery() {
    }

    static String id(String text) {
        return NOT_ID.matcher(text).replaceAll("_");
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

    static String configTopic(MqttConfig c, String device, String metric, MetricValue v) {
        String component = v instanceof MetricValue.Flag ? "binary_sensor" : "sensor";
        return c.discoveryPrefix() + "/" + component + "/understudy_" + id(device) + "/" + id(metric) + "/config";
    }

    static String config(MqttConfig c, String profile, String device, String metric, MetricValue v) {
        ObjectNode n = JSON.createObjectNode();
        String key = id(metric);
        n.put("name", metric.replace('_', ' '));
        n.put("unique_id", "understudy_" + id(device) + "_" + key);
        n.put("object_id", id(profile) + "_" + id(device) + "_" + key);
        n.put("state_topic", metricTopic(c, profile, device, metric));
        n.put("availability_topic", availabilityTopic(c));
        if (v instanceof MetricValue.Number num) {
            n.put("state_class", "measurement");
            String unit = unit(num.unit());
            if (!unit.isEmpty()) {
                n.put("unit_of_measurement", unit);
            }
            String deviceClass = deviceClass(metric, num.unit());
            if (deviceClass != null) {
                n.put("device_class", deviceClass);
            }
        } else if (v instanceof MetricValue.Flag) {
            String deviceClass = metric.toLowerCase(Locale.ROOT).contains("rain") ? "moisture"
                    : metric.toLowerCase(Locale.ROOT).contains("charg") ? "battery_charging" : null;
            if (deviceClass != null) {
                n.put("device_class", deviceClass);
            }
        }
        ObjectNode d = n.putObject("device");
        d.putArray("identifiers").add("understudy_" + id(device));
        d.put("name", profile + " " + device);
        d.put("manufacturer", profile);
        d.put("via_device", "understudy");
        return n.toString();
    }

    /** Units as Home Assistant writes them. */
    static String unit(String ucum) {
        return switch (ucum) {
            case "Cel" -> "°C";
            case "[degF]" -> "°F";
            case "lx" -> "lx";
            default -> ucum;
        };
    }

    static String deviceClass(String metric, String unit) {
        String m = metric.toLowerCase(Locale.ROOT);
        return switch (unit) {
            case "Cel", "[degF]" -> "temperature";
            case "hPa", "Pa", "mbar" -> "pressure";
            case "mV", "V" -> "voltage";
            case "lx" -> "illuminance";
            case "W" -> "power";
            case "Wh", "kWh" -> "energy";
            case "mA", "A" -> "current";
            case "%" -> m.contains("humid") ? "humidity" : m.contains("batter") ? "battery" : null;
            default -> null;
        };
    }
}
