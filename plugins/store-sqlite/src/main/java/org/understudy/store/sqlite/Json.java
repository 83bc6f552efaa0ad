package org.understudy.store.sqlite;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.io.StringWriter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import org.understudy.api.model.MetricValue;

/**
 * How metric maps and string maps are stored: JSON objects, a metric as {@code {"n":20.5,"u":"Cel"}},
 * {@code {"b":true}} or {@code {"t":"text"}}, in the order the device sent them.
 */
final class Json {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Jackson's Schubfach writer and fast parser for doubles: the JDK 17's own cost more than the rest of a reading. */
    private static final JsonFactory FACTORY = JsonFactory.builder().enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER).build();

    private Json() {
    }

    /** Streams the map out (no tree): this runs for every reading inside the writer's transaction. */
    static String metrics(Map<String, MetricValue> metrics) {
        StringWriter out = new StringWriter(32 * metrics.size());
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            for (Map.Entry<String, MetricValue> e : metrics.entrySet()) {
                g.writeObjectFieldStart(e.getKey());
                MetricValue value = e.getValue();
                if (value instanceof MetricValue.Number n) {
                    g.writeNumberField("n", n.value());
                    if (!n.unit().isEmpty()) {
                        g.writeStringField("u", n.unit());
                    }
                } else if (value instanceof MetricValue.Flag f) {
                    g.writeBooleanField("b", f.value());
                } else if (value instanceof MetricValue.Text t) {
                    g.writeStringField("t", t.value());
                }
                g.writeEndObject();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode metrics", e);
        }
        return out.toString();
    }

    /** Streams the stored form back (no tree): sinks read every reading through here. */
    static Map<String, MetricValue> metrics(String json) {
        Map<String, MetricValue> out = new LinkedHashMap<>();
        try (JsonParser p = FACTORY.createParser(json)) {
            expect(p.nextToken(), JsonToken.START_OBJECT);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                expect(p.nextToken(), JsonToken.START_OBJECT);
                Double number = null;
                String unit = "";
                Boolean flag = null;
                String text = null;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    p.nextToken();
                    switch (key) {
                        case "n" -> number = p.getDoubleValue();
                        case "u" -> unit = p.getText();
                        case "b" -> flag = p.getBooleanValue();
                        default -> text = p.getText();
                    }
                }
                out.put(name, number != null ? MetricValue.of(number, unit)
                        : flag != null ? MetricValue.of(flag) : MetricValue.of(text == null ? "" : text));
            }
        } catch (IOException e) {
            throw new IllegalStateException("corrupt metrics JSON in the store: " + e.getMessage(), e);
        }
        return out;
    }

    private static void expect(JsonToken actual, JsonToken expected) throws IOException {
        if (actual != expected) {
            throw new IOException("expected " + expected + ", found " + actual);
        }
    }

    static String strings(Map<String, String> map) {
        if (map.isEmpty()) {
            return "{}";
        }
        StringWriter out = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            for (Map.Entry<String, String> e : map.entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode strings", e);
        }
        return out.toString();
    }

    static Map<String, String> strings(String json) {
        if (json == null || json.equals("{}")) {
            return Map.of(); // most readings have no tags: no parser for them
        }
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

    static <T> T read(String json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt JSON in the store: " + e.getOriginalMessage(), e);
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
