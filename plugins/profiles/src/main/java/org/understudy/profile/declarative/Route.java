package org.understudy.profile.declarative;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.understudy.api.model.Quantity;

/**
 * One request a family's devices make: method and path, where its device id, time and values are, and what
 * the device is answered while the backend is unreachable.
 *
 * @param method the HTTP method
 * @param segments the path's segments; a {@code {name}} segment matches any one segment and names it
 * @param device where the device id is
 * @param time where the device's own time is, or {@code null}
 * @param timeFormat how that time is written
 * @param metrics the values to record, by metric name, in file order
 * @param secrets query or form fields never recorded
 * @param forward whether requests go to the real backend while it answers
 * @param offline the reply while it does not
 * @param knownFields the query and form fields and top-level JSON members this route reads, keeps secret or was told
 *     to ignore: any other a device sends is news (the proxy's quarantine lists it)
 */
record Route(String method, List<String> segments, Source device, Source time, TimeFormat timeFormat,
             Map<String, MetricSpec> metrics, List<String> secrets, boolean forward, ReplyTemplate offline,
             java.util.Set<String> knownFields) {

    /** The fields a route with these sources, secrets and ignored names knows (a JSON pointer by its first member). */
    static java.util.Set<String> knownFields(List<Source> sources, List<String> secrets, List<String> ignored) {
        java.util.Set<String> known = new java.util.HashSet<>(secrets);
        known.addAll(ignored);
        for (Source s : sources) {
            if (s == null) {
                continue;
            }
            switch (s.kind()) {
                case QUERY, FORM -> known.add(s.name());
                case JSON -> {
                    String[] tokens = s.name().split("/", 3);
                    if (tokens.length > 1) {
                        known.add(tokens[1].replace("~1", "/").replace("~0", "~")); // RFC 6901 unescaping
                    }
                }
                case PATH -> { }
            }
        }
        return java.util.Set.copyOf(known);
    }

    /** Where a value is in a request. */
    enum Kind { JSON, QUERY, FORM, PATH }

    /** A value's place: a JSON Pointer, a query parameter, a form field, or a named path segment. */
    record Source(Kind kind, String name) {}

    /** How a device writes its time. */
    enum TimeFormat { UTC_DATETIME, EPOCH_SECONDS, EPOCH_MILLIS, ISO_8601 }

    /** How a metric's value is read and recorded. */
    record MetricSpec(Source source, Type type, String unit, Quantity quantity, String description, double scale, double offset) {
        enum Type { NUMBER, FLAG, TEXT }
    }

    /** A request this route takes, with the values of its path's named segments. */
    record Match(Route route, Map<String, String> pathValues) {}

    Optional<Match> match(String requestMethod, String path) {
        if (!method.equals(requestMethod)) {
            return Optional.empty();
        }
        String[] parts = path.split("/", -1);
        if (parts.length != segments.size()) {
            return Optional.empty();
        }
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < parts.length; i++) {
            String want = segments.get(i);
            if (want.startsWith("{") && want.endsWith("}") && want.length() > 2) {
                if (parts[i].isEmpty()) {
                    return Optional.empty();
                }
                values.put(want.substring(1, want.length() - 1), java.net.URLDecoder.decode(parts[i], java.nio.charset.StandardCharsets.UTF_8));
            } else if (!want.equals(parts[i])) {
                return Optional.empty();
            }
        }
        return Optional.of(new Match(this, Map.copyOf(values)));
    }
}
