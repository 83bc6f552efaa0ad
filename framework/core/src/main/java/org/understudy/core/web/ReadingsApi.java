package org.understudy.core.web;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.understudy.api.model.Device;
import org.understudy.api.model.MetricValue;
import org.understudy.api.model.Reading;
import org.understudy.api.spi.ReadingQuery;
import org.understudy.api.spi.ReadingStore;
import org.understudy.api.spi.SeriesPoint;
import org.understudy.core.PluginRuntime;

/**
 * {@code GET /api/devices} and {@code GET /api/readings}: what the active store knows, for people and
 * their plots. Every answer is a status code and a JSON-ready body; bad parameters get 400 with the
 * reason.
 */
final class ReadingsApi {

    /** An HTTP answer. */
    record Answer(int status, Object body) {
        static Answer error(int status, String message) {
            return new Answer(status, Map.of("error", message));
        }
    }

    private static final Duration DEFAULT_RANGE = Duration.ofDays(1);

    private final PluginRuntime runtime;

    ReadingsApi(PluginRuntime runtime) {
        this.runtime = runtime;
    }

    Answer devices() {
        ReadingStore<?> store = runtime.store().orElse(null);
        if (store == null) {
            return Answer.error(503, "no reading store is running");
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (Device d : store.devices()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", d.id());
            m.put("profile", d.profile());
            m.put("firstSeen", d.firstSeen().toString());
            m.put("lastSeen", d.lastSeen().toString());
            m.put("attributes", d.attributes());
            Reading latest = store.latest(d.id()).orElse(null);
            if (latest != null) {
                Map<String, Object> values = new LinkedHashMap<>();
                latest.metrics().forEach((name, v) -> values.put(name, value(v)));
                m.put("latest", Map.of("time", latest.time().toString(), "values", values));
            }
            out.add(m);
        }
        return new Answer(200, out);
    }

    Answer readings(Map<String, String> params) {
        ReadingStore<?> store = runtime.store().orElse(null);
        if (store == null) {
            return Answer.error(503, "no reading store is running");
        }
        String device = params.get("device");
        if (device == null || device.isBlank()) {
            return Answer.error(400, "missing parameter 'device'");
        }
        Instant to;
        Instant from;
        Duration step;
        try {
            to = params.containsKey("to") ? Instant.parse(params.get("to")) : Instant.now();
            from = params.containsKey("from") ? Instant.parse(params.get("from")) : to.minus(DEFAULT_RANGE);
        } catch (DateTimeParseException e) {
            return Answer.error(400, "'from' and 'to' must be ISO-8601 instants like 2026-01-31T12:00:00Z");
        }
        try {
            step = params.containsKey("step") ? Duration.parse(params.get("step")) : null;
        } catch (DateTimeParseException e) {
            return Answer.error(400, "'step' must be an ISO-8601 duration like PT5M or PT1H");
        }
        if (!from.isBefore(to)) {
            return Answer.error(400, "'from' must be before 'to'");
        }
        if (step != null && (step.isNegative() || step.isZero())) {
            return Answer.error(400, "'step' must be positive");
        }
        int maxPoints = runtime.settings().apiMaxPoints();
        if (step != null && Duration.between(from, to).dividedBy(step) > maxPoints) {
            return Answer.error(400, "that many buckets exceed apiMaxPoints (" + maxPoints + "); use a larger step");
        }
        String metric = params.get("metric");
        List<SeriesPoint> points = store.series(new ReadingQuery(device, metric, from, to, step));
        if (points.size() > maxPoints) {
            return Answer.error(400, points.size() + " points exceed apiMaxPoints (" + maxPoints + "); use a step or a shorter range");
        }
        List<Object> rows = new ArrayList<>(points.size());
        for (SeriesPoint p : points) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("metric", p.metric());
            r.put("time", p.time().toString());
            if (step == null) {
                r.put("value", p.mean());
            } else {
                r.put("min", p.min());
                r.put("max", p.max());
                r.put("mean", p.mean());
                r.put("count", p.count());
            }
            rows.add(r);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("device", device);
        body.put("metric", metric);
        body.put("from", from.toString());
        body.put("to", to.toString());
        body.put("step", step == null ? null : step.toString());
        body.put("points", rows);
        return new Answer(200, body);
    }

    private static Object value(MetricValue v) {
        if (v instanceof MetricValue.Number n) {
            return n.unit().isEmpty() ? n.value() : Map.of("value", n.value(), "unit", n.unit());
        }
        if (v instanceof MetricValue.Flag f) {
            return f.value();
        }
        return ((MetricValue.Text) v).value();
    }
}
