package org.understudy.profile.declarative;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.understudy.api.model.Device;
import org.understudy.api.model.MetricValue;
import org.understudy.api.model.Reading;
import org.understudy.api.spi.HttpInterceptor;
import org.understudy.api.spi.HttpReply;
import org.understudy.api.spi.HttpRequest;
import org.understudy.api.spi.Observation;

/**
 * The families' protocol knowledge as one interceptor: a request goes to the family that claims its host, then
 * to the first of its routes that takes its method and path; the route says where the device id, the time and
 * each value are. Pure, never blocks, never throws for bad input (a request no route takes, or without a
 * device id, is not observed; a value that is not what its metric expects is left out and counted).
 */
final class FamilyInterceptor implements HttpInterceptor {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** A device clock further than this from ours is not believed; the receive time is used. */
    static final Duration CLOCK_TRUST = Duration.ofDays(2);
    private static final Pattern DEVICE_ID = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");
    private static final DateTimeFormatter UTC_DATETIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final Function<String, Optional<Family>> families;
    private final Duration fallbackDeadline;
    private final Clock clock;
    final LongAdder invalidValues = new LongAdder();
    final LongAdder unrouted = new LongAdder();

    /**
     * @param families the family that claims a host, now (the files are reloaded while this runs)
     * @param fallbackDeadline the reply deadline of a request no family claims (any more)
     */
    FamilyInterceptor(Function<String, Optional<Family>> families, Duration fallbackDeadline, Clock clock) {
        this.families = families;
        this.fallbackDeadline = fallbackDeadline;
        this.clock = clock;
    }

    @Override
    public Duration replyDeadline() {
        return fallbackDeadline;
    }

    @Override
    public Duration replyDeadline(HttpRequest request) {
        return families.apply(request.host()).map(Family::replyDeadline).orElse(fallbackDeadline);
    }

    /** The request's family and route, if a family claims its host and a route takes it. */
    private Optional<Routed> routed(HttpRequest request) {
        return families.apply(request.host()).flatMap(f -> routed(f, request));
    }

    private static Optional<Routed> routed(Family family, HttpRequest request) {
        return family.route(request.method(), request.path()).map(m -> new Routed(family, m));
    }

    private record Routed(Family family, Route.Match match) {}

    @Override
    public Observation observe(HttpRequest request) {
        try {
            Optional<Family> family = families.apply(request.host());
            Routed r = family.flatMap(f -> routed(f, request)).orElse(null);
            if (r == null) {
                unrouted.increment();
                // a path of the family's hosts its file does not describe: a new endpoint, worth a person's look
                return family.isPresent() ? Observation.UNKNOWN_ROUTE : Observation.NONE;
            }
            Values values = new Values(request, r.match().pathValues());
            Route route = r.match().route();
            String device = values.text(route.device());
            if (device == null || !DEVICE_ID.matcher(device).matches()) {
                return Observation.NONE;
            }
            Instant received = request.receivedAt();
            Instant time = time(values, route, received);
            Map<String, MetricValue> metrics = new LinkedHashMap<>();
            route.metrics().forEach((name, spec) -> {
                MetricValue v = value(values, spec);
                if (v != null) {
                    metrics.put(name, v);
                }
            });
            String profile = r.family().id();
            List<Reading> readings = metrics.isEmpty() ? List.of()
                    : List.of(new Reading(device, profile, time, received, metrics, Map.of()));
            return new Observation(readings, List.of(), List.of(new Device(device, profile, received, received, Map.of())))
                    .withUnknownFields(values.unknownFields(route.knownFields()));
        } catch (RuntimeException badInput) {
            return Observation.NONE; // a device's malformed request is never an error of ours
        }
    }

    private MetricValue value(Values values, Route.MetricSpec spec) {
        String text = values.text(spec.source());
        if (text == null || text.isBlank()) {
            return null; // not sent: nothing to record
        }
        switch (spec.type()) {
            case TEXT:
                return MetricValue.of(text);
            case FLAG:
                String t = text.trim().toLowerCase(java.util.Locale.ROOT);
                if (t.equals("1") || t.equals("true") || t.equals("on")) {
                    return MetricValue.of(true);
                }
                if (t.equals("0") || t.equals("false") || t.equals("off")) {
                    return MetricValue.of(false);
                }
                break;
            default:
                try {
                    double d = Double.parseDouble(text.trim()) * spec.scale() + spec.offset();
                    if (Double.isFinite(d)) {
                        return MetricValue.of(d, spec.unit());
                    }
                } catch (NumberFormatException notANumber) {
                    // counted below
                }
        }
        invalidValues.increment();
        return null;
    }

    private Instant time(Values values, Route route, Instant received) {
        if (route.time() == null) {
            return received;
        }
        String text = values.text(route.time());
        if (text == null || text.isBlank() || text.trim().equalsIgnoreCase("now")) {
            return received;
        }
        Instant t;
        try {
            t = switch (route.timeFormat()) {
                case UTC_DATETIME -> LocalDateTime.parse(text.trim(), UTC_DATETIME).toInstant(ZoneOffset.UTC);
                case EPOCH_SECONDS -> Instant.ofEpochSecond((long) Double.parseDouble(text.trim()));
                case EPOCH_MILLIS -> Instant.ofEpochMilli((long) Double.parseDouble(text.trim()));
                case ISO_8601 -> Instant.parse(text.trim());
            };
        } catch (RuntimeException unreadable) {
            return received;
        }
        return Duration.between(t, received).abs().compareTo(CLOCK_TRUST) <= 0 ? t : received;
    }

    @Override
    public boolean forwards(HttpRequest request) {
        return routed(request).map(r -> r.match().route().forward()).orElse(true);
    }

    /** The request without its route's secrets: the values of the query parameters and form fields it names become ***. */
    @Override
    public HttpRequest recorded(HttpRequest request) {
        Routed r = routed(request).orElse(null);
        if (r == null || r.match().route().secrets().isEmpty()) {
            return request;
        }
        List<String> secrets = r.match().route().secrets();
        String target = request.target();
        int q = target.indexOf('?');
        if (q >= 0) {
            target = target.substring(0, q + 1) + withoutFields(target.substring(q + 1), secrets);
        }
        byte[] body = request.body();
        if (isForm(request)) {
            body = withoutFields(new String(body, StandardCharsets.UTF_8), secrets).getBytes(StandardCharsets.UTF_8);
        }
        return new HttpRequest(request.client(), request.receivedAt(), request.method(), target, request.host(),
                request.headers(), body);
    }

    private static String withoutFields(String encoded, List<String> names) {
        List<String> kept = new ArrayList<>();
        for (String pair : encoded.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            kept.add(names.contains(name) ? URLEncoder.encode(name, StandardCharsets.UTF_8) + "=***" : pair);
        }
        return String.join("&", kept);
    }

    @Override
    public void learn(HttpRequest request, HttpReply reply) {
        // the offline reply is the file's template
    }

    @Override
    public Optional<HttpReply> impersonate(HttpRequest request) {
        Routed r = routed(request).orElse(null);
        if (r == null) {
            return Optional.empty(); // a path of the vendor's no route knows: never faked
        }
        String device;
        try {
            device = new Values(request, r.match().pathValues()).text(r.match().route().device());
        } catch (RuntimeException unreadable) {
            device = null;
        }
        return Optional.of(r.match().route().offline().reply(clock.instant(), device));
    }

    static boolean isForm(HttpRequest request) {
        return request.header("content-type").map(t -> t.toLowerCase(java.util.Locale.ROOT)
                .startsWith("application/x-www-form-urlencoded")).orElse(false);
    }

    /** Where a request's values are: its query, its form body, its JSON body, its path; each read once, lazily. */
    private static final class Values {
        private final HttpRequest request;
        private final Map<String, String> path;
        private Map<String, String> query;
        private Map<String, String> form;
        private JsonNode json;
        private boolean jsonRead;

        Values(HttpRequest request, Map<String, String> path) {
            this.request = request;
            this.path = path;
        }

        String text(Route.Source s) {
            return switch (s.kind()) {
                case PATH -> path.get(s.name());
                case QUERY -> query().get(s.name());
                case FORM -> form().get(s.name());
                case JSON -> {
                    JsonNode root = json();
                    JsonNode n = root == null ? null : root.at(s.name());
                    yield n == null || n.isMissingNode() || n.isNull() || n.isContainerNode() ? null : n.asText();
                }
            };
        }

        private Map<String, String> query() {
            if (query == null) {
                int q = request.target().indexOf('?');
                query = q < 0 ? Map.of() : fields(request.target().substring(q + 1));
            }
            return query;
        }

        /** The query and form fields and top-level JSON members of the request not in {@code known}, in the order met. */
        List<String> unknownFields(java.util.Set<String> known) {
            java.util.Set<String> names = new java.util.LinkedHashSet<>(query().keySet());
            names.addAll(form().keySet());
            JsonNode root = looksLikeJsonObject(request.body()) ? json() : null;
            if (root != null && root.isObject()) {
                root.fieldNames().forEachRemaining(names::add);
            }
            names.removeAll(known);
            return List.copyOf(names);
        }

        /** Whether a body may be a JSON object (a form body is not parsed as JSON only to fail). */
        private static boolean looksLikeJsonObject(byte[] body) {
            for (byte b : body) {
                if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                    return b == '{';
                }
            }
            return false;
        }

        private Map<String, String> form() {
            if (form == null) {
                form = isForm(request) ? fields(new String(request.body(), StandardCharsets.UTF_8)) : Map.of();
            }
            return form;
        }

        private JsonNode json() {
            if (!jsonRead) {
                jsonRead = true;
                try {
                    json = request.body().length == 0 ? null : JSON.readTree(request.body());
                } catch (java.io.IOException notJson) {
                    json = null;
                }
            }
            return json;
        }

        private static Map<String, String> fields(String encoded) {
            Map<String, String> out = new LinkedHashMap<>();
            for (String pair : encoded.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                try {
                    out.putIfAbsent(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                            eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                } catch (IllegalArgumentException badEscape) {
                    // a malformed field is skipped; the others still count
                }
            }
            return out;
        }
    }
}
