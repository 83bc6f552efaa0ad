package org.understudy.profile.declarative;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.understudy.api.Durations;
import org.understudy.api.model.HostPattern;
import org.understudy.api.model.Quantity;

/**
 * Reads a family file: JSON first (a syntax error names its line and column), then the JSON Schema of
 * {@code docs/profile.schema.json} (each violation names its place as a JSON Pointer), then what a schema
 * cannot say (a path value from a segment the route's path does not name). Thread-safe.
 */
final class FamilyParser {

    /** A file that cannot be used, and why (every reason, each with its place). */
    static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    /** A family's reply deadline when its file does not say. */
    static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(2);
    /** Named conversions: scale, offset. */
    private static final Map<String, double[]> CONVERSIONS = Map.of(
            "fahrenheit-to-celsius", new double[] {5.0 / 9.0, -32.0 * 5.0 / 9.0},
            "inhg-to-hpa", new double[] {33.8638866667, 0},
            "mph-to-ms", new double[] {0.44704, 0},
            "kmh-to-ms", new double[] {1 / 3.6, 0},
            "inch-to-mm", new double[] {25.4, 0});

    private static final String SCHEMA_TEXT = schemaText();

    /** Compiled at the first file the schema must check, not when the plugin is found. */
    private volatile Schema schema;

    private Schema schema() {
        Schema compiled = schema;
        if (compiled == null) {
            synchronized (this) {
                compiled = schema;
                if (compiled == null) {
                    compiled = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(SCHEMA_TEXT,
                            InputFormat.JSON);
                    schema = compiled;
                }
            }
        }
        return compiled;
    }

    private static String schemaText() {
        try (InputStream in = FamilyParser.class.getResourceAsStream("profile.schema.json")) {
            if (in == null) {
                throw new IllegalStateException("profile.schema.json is missing from the plugin");
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read profile.schema.json", e);
        }
    }

    /**
     * What names {@code text} as checked by this schema: SHA-256 of the schema and the text. A text whose name is
     * among those that passed before (kept by the plugin across restarts) is not checked again: compiling the
     * schema validator takes 0.1-0.2 s of a small box's start, while the devices wait for DNS.
     */
    static String schemaCheckName(String text) {
        return org.understudy.api.Hashes.sha256((SCHEMA_TEXT + '\0' + text).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * The family {@code text} describes.
     *
     * @param maxDeadline the longest reply deadline a file may ask for
     */
    Family parse(String file, String text, Duration maxDeadline) throws Invalid {
        return parse(file, text, maxDeadline, false);
    }

    /**
     * As {@link #parse(String, String, Duration)}, without the schema check when {@code passedBefore} (its
     * {@link #schemaCheckName} is among those that passed); a text that still reads wrong gets the full check.
     */
    Family parse(String file, String text, Duration maxDeadline, boolean passedBefore) throws Invalid {
        if (passedBefore) {
            try {
                return read(file, text, maxDeadline, false);
            } catch (RuntimeException | Invalid e) {
                // not what passed before after all: the full check says why
            }
        }
        return read(file, text, maxDeadline, true);
    }

    private Family read(String file, String text, Duration maxDeadline, boolean checkSchema) throws Invalid {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            var where = e.getLocation();
            throw new Invalid("not JSON at line " + (where == null ? "?" : where.getLineNr()) + ", column "
                    + (where == null ? "?" : where.getColumnNr()) + ": " + e.getOriginalMessage());
        }
        if (root == null || root.isMissingNode()) {
            throw new Invalid("the file is empty");
        }
        List<Error> errors = checkSchema ? schema().validate(root) : List.of();
        if (!errors.isEmpty()) {
            List<String> lines = new ArrayList<>();
            for (Error e : errors) {
                String at = e.getInstanceLocation() == null ? "" : e.getInstanceLocation().toString();
                lines.add((at.isEmpty() ? "(root)" : at) + ": " + e.getMessage());
            }
            throw new Invalid(String.join("; ", lines));
        }
        List<Route> routes = new ArrayList<>();
        JsonNode rs = root.get("routes");
        for (int i = 0; i < rs.size(); i++) {
            routes.add(route(rs.get(i), "/routes/" + i));
        }
        List<HostPattern> hosts = new ArrayList<>();
        root.get("hosts").forEach(h -> hosts.add(HostPattern.of(h.asText())));
        Duration deadline = root.has("replyDeadline") ? Durations.parse(root.get("replyDeadline").asText()) : DEFAULT_DEADLINE;
        if (deadline.compareTo(maxDeadline) > 0) {
            throw new Invalid("/replyDeadline: " + root.get("replyDeadline").asText() + " is longer than maxReplyDeadline ("
                    + Durations.format(maxDeadline) + ")");
        }
        return new Family(root.get("id").asText(), root.get("name").asText(), file, List.copyOf(hosts), deadline,
                root.has("expectedInterval") ? Durations.parse(root.get("expectedInterval").asText()) : null, List.copyOf(routes));
    }

    private Route route(JsonNode r, String at) throws Invalid {
        String path = r.get("path").asText();
        List<String> segments = Arrays.asList(path.split("/", -1));
        Route.Source device = source(r.get("device"), segments, at + "/device");
        Route.Source time = r.has("time") ? source(r.get("time"), segments, at + "/time") : null;
        Route.TimeFormat format = r.has("time")
                ? Route.TimeFormat.valueOf(r.get("time").get("format").asText().toUpperCase(Locale.ROOT).replace('-', '_')) : null;
        Map<String, Route.MetricSpec> metrics = new LinkedHashMap<>();
        if (r.has("metrics")) {
            for (var it = r.get("metrics").fields(); it.hasNext();) {
                var m = it.next();
                metrics.put(m.getKey(), metric(m.getValue(), segments, at + "/metrics/" + m.getKey()));
            }
        }
        List<String> secrets = new ArrayList<>();
        if (r.has("secrets")) {
            r.get("secrets").forEach(s -> secrets.add(s.asText()));
        }
        List<String> ignored = new ArrayList<>();
        if (r.has("ignore")) {
            r.get("ignore").forEach(s -> ignored.add(s.asText()));
        }
        List<Route.Source> sources = new ArrayList<>();
        sources.add(device);
        sources.add(time);
        metrics.values().forEach(m -> sources.add(m.source()));
        JsonNode offline = r.get("offline");
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        if (offline.has("headers")) {
            offline.get("headers").fields().forEachRemaining(h -> headers.add(Map.entry(h.getKey(), h.getValue().asText())));
        }
        ReplyTemplate reply = new ReplyTemplate(offline.get("status").asInt(), List.copyOf(headers),
                offline.has("body") ? offline.get("body").asText() : "");
        return new Route(r.get("method").asText(), List.copyOf(segments), device, time, format,
                java.util.Collections.unmodifiableMap(metrics), List.copyOf(secrets), !r.has("forward") || r.get("forward").asBoolean(), reply,
                Route.knownFields(sources, secrets, ignored));
    }

    private static Route.MetricSpec metric(JsonNode m, List<String> segments, String at) throws Invalid {
        Route.Source source = source(m, segments, at);
        Route.MetricSpec.Type type = m.has("type") ? Route.MetricSpec.Type.valueOf(m.get("type").asText().toUpperCase(Locale.ROOT))
                : Route.MetricSpec.Type.NUMBER;
        double scale = 1;
        double offset = 0;
        JsonNode convert = m.get("convert");
        if (convert != null) {
            if (type != Route.MetricSpec.Type.NUMBER) {
                throw new Invalid(at + "/convert: only a number can be converted");
            }
            if (convert.isTextual()) {
                double[] c = CONVERSIONS.get(convert.asText());
                scale = c[0];
                offset = c[1];
            } else {
                scale = convert.get("scale").asDouble();
                offset = convert.has("offset") ? convert.get("offset").asDouble() : 0;
            }
        }
        Quantity quantity = m.has("quantity") ? Quantity.valueOf(m.get("quantity").asText()) : Quantity.OTHER;
        return new Route.MetricSpec(source, type, m.has("unit") ? m.get("unit").asText() : "", quantity,
                m.has("description") ? m.get("description").asText() : "", scale, offset);
    }

    private static Route.Source source(JsonNode n, List<String> segments, String at) throws Invalid {
        if (n.has("json")) {
            return new Route.Source(Route.Kind.JSON, n.get("json").asText());
        }
        if (n.has("query")) {
            return new Route.Source(Route.Kind.QUERY, n.get("query").asText());
        }
        if (n.has("form")) {
            return new Route.Source(Route.Kind.FORM, n.get("form").asText());
        }
        String name = n.get("path").asText();
        if (!segments.contains("{" + name + "}")) {
            throw new Invalid(at + "/path: the route's path has no {" + name + "} segment");
        }
        return new Route.Source(Route.Kind.PATH, name);
    }
}
