package org.understudy.store.sqlite;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.understudy.api.model.MetricValue;

/**
 * How metric maps and string maps are stored: JSON objects, a metric as {@code {"n":20.5,"u":"Cel"}},
 * {@code {"b":true}} or {@code {"t":"text"}}, in the order the device sent them.
 */
final class Json {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    static String metrics(Map<String, MetricValue> metrics) {
        ObjectNode root = MAPPER.createObjectNode();
        metrics.forEach((name, value) -> {
            ObjectNode v = root.putObject(name);
            if (value instanceof MetricValue.Number n) {
                v.put("n", n.value());
                if (!n.unit().isEmpty()) {
                    v.put("u", n.unit());
                }
            } else if (value instanceof MetricValue.Flag f) {
                v.put("b", f.value());
            } else if (value instanceof MetricValue.Text t) {
                v.put("t", t.value());
            }
        });
        return root.toString();
    }

    static Map<String, MetricValue> metrics(String json) {
        Map<String, MetricValue> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = read(json).fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            if (v.has("n")) {
                out.put(e.getKey(), MetricValue.of(v.get("n").asDouble(), v.has("u") ? v.get("u").asText() : ""));
            } else if (v.has("b")) {
                out.put(e.getKey(), MetricValue.of(v.get("b").asBoolean()));
            } else {
                out.put(e.getKey(), MetricValue.of(v.path("t").asText()));
            }
        }
        return out;
    }

    static String strings(Map<String, String> map) {
        ObjectNode root = MAPPER.createObjectNode();
        map.forEach(root::put);
        return root.toString();
    }

    static Map<String, String> strings(String json) {
        Map<String, String> out = new LinkedHashMap<>();
        read(json).fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    private static JsonNode read(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt JSON in the store: " + e.getOriginalMessage(), e);
        }
    }
}
