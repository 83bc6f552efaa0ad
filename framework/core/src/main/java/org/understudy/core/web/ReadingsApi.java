package org.understudy.core.web;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.understudy.api.QueryService;
import org.understudy.api.model.Blob;
import org.understudy.api.model.Device;
import org.understudy.api.model.Flow;
import org.understudy.api.model.MetricValue;
import org.understudy.api.model.Reading;
import org.understudy.api.model.StoredFlow;
import org.understudy.api.spi.ReadingQuery;
import org.understudy.api.spi.SeriesPoint;

/**
 * The read side over HTTP: {@code /api/devices}, {@code /api/readings}, {@code /api/pictures} and
 * {@code /api/flows}, all through the runtime's {@link QueryService} (the one plugins get). Every answer is a
 * status and a JSON-ready body (or CSV text); bad parameters get 400 with the reason, an unknown device 404.
 */
final class ReadingsApi {

    /** An HTTP answer: a JSON-ready body, or text with its content type when {@code contentType} is set. */
    record Answer(int status, Object body, String contentType) {
        Answer(int status, Object body) {
            this(status, body, null);
        }

        static Answer error(int status, String message) {
            return new Answer(status, Map.of("error", message));
        }
    }

    private static final Duration DEFAULT_RANGE = Duration.ofDays(1);
    /** Pictures or flows per page unless {@code limit} says otherwise, and at most. */
    static final int DEFAULT_PAGE = 100;
    static final int MAX_PAGE = 1000;

    private final QueryService queries;
    private final java.util.function.IntSupplier maxPoints;

    ReadingsApi(QueryService queries, java.util.function.IntSupplier maxPoints) {
        this.queries = queries;
        this.maxPoints = maxPoints;
    }

    /** Every device with its latest values; {@code actions} adds what can be done with each. */
    Answer devices(java.util.function.Function<Device, Object> actions) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Device d : queries.devices()) {
            out.add(device(d, actions));
        }
        return new Answer(200, out);
    }

    Map<String, Object> device(Device d, java.util.function.Function<Device, Object> actions) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", d.id());
        m.put("profile", d.profile());
        m.put("firstSeen", d.firstSeen().toString());
        m.put("lastSeen", d.lastSeen().toString());
        m.put("attributes", d.attributes());
        Reading latest = queries.latest(d.id()).orElse(null);
        if (latest != null) {
            Map<String, Object> values = new LinkedHashMap<>();
            latest.metrics().forEach((name, v) -> values.put(name, value(v)));
            m.put("latest", Map.of("time", latest.time().toString(), "values", values));
        }
        m.put("actions", actions.apply(d));
        return m;
    }

    Answer readings(Map<String, String> params, boolean csv) {
        String device = params.get("device");
        if (device == null || device.isBlank()) {
            return Answer.error(400, "missing parameter 'device'");
        }
        Instant[] range = new Instant[2];
        Answer bad = range(params, range);
        if (bad != null) {
            return bad;
        }
        Duration step;
        try {
            step = params.containsKey("step") ? Duration.parse(params.get("step")) : null;
        } catch (DateTimeParseException e) {
            return Answer.error(400, "'step' must be an ISO-8601 duration like PT5M or PT1H");
        }
        if (step != null && (step.isNegative() || step.isZero())) {
            return Answer.error(400, "'step' must be positive");
        }
        String metric = params.get("metric");
        List<SeriesPoint> points;
        try {
            points = queries.series(new ReadingQuery(device, metric, range[0], range[1], step), maxPoints.getAsInt());
        } catch (NoSuchElementException e) {
            return Answer.error(404, e.getMessage());
        } catch (IllegalArgumentException e) {
            return Answer.error(400, e.getMessage() + " (apiMaxPoints)");
        }
        if (csv) {
            return new Answer(200, csv(points, step), "text/csv; charset=utf-8");
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
        body.put("from", range[0].toString());
        body.put("to", range[1].toString());
        body.put("step", step == null ? null : step.toString());
        body.put("points", rows);
        return new Answer(200, body);
    }

    /** A series as CSV: one line per point, a header first. */
    static String csv(List<SeriesPoint> points, Duration step) {
        StringBuilder out = new StringBuilder(step == null ? "time,metric,value\n" : "time,metric,min,max,mean,count\n");
        for (SeriesPoint p : points) {
            out.append(p.time()).append(',').append(csvField(p.metric())).append(',');
            if (step == null) {
                out.append(p.mean());
            } else {
                out.append(p.min()).append(',').append(p.max()).append(',').append(p.mean()).append(',').append(p.count());
            }
            out.append('\n');
        }
        return out.toString();
    }

    private static String csvField(String text) {
        return text.contains(",") || text.contains("\"") || text.contains("\n") ? '"' + text.replace("\"", "\"\"") + '"' : text;
    }

    /** A device's pictures in a time range, oldest first, a page at a time ({@code after} = the last page's next). */
    Answer pictures(Map<String, String> params) {
        String device = params.get("device");
        if (device == null || device.isBlank()) {
            return Answer.error(400, "missing parameter 'device'");
        }
        Instant[] range = new Instant[2];
        Answer bad = range(params, range);
        if (bad != null) {
            return bad;
        }
        Integer limit = limit(params);
        if (limit == null) {
            return Answer.error(400, "'limit' must be a number from 1 to " + MAX_PAGE);
        }
        Blob after = null;
        if (params.containsKey("after")) {
            after = queries.picture(params.get("after")).orElse(null);
            if (after == null) {
                return Answer.error(400, "'after' is not a stored picture: " + params.get("after"));
            }
        }
        List<Blob> page;
        try {
            page = queries.pictures(device, range[0], range[1], after, limit);
        } catch (NoSuchElementException e) {
            return Answer.error(404, e.getMessage());
        }
        List<Object> items = new ArrayList<>();
        for (Blob b : page) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("sha256", b.sha256());
            m.put("time", b.time().toString());
            m.put("contentType", b.contentType());
            m.put("size", b.size());
            m.put("url", "/api/pictures/" + b.sha256());
            items.add(m);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("device", device);
        body.put("from", range[0].toString());
        body.put("to", range[1].toString());
        body.put("pictures", items);
        body.put("next", page.size() == limit ? page.get(page.size() - 1).sha256() : null);
        return new Answer(200, body);
    }

    /** Recorded exchanges, newest first, a page at a time ({@code before} = the last page's next). */
    Answer flows(Map<String, String> params) {
        Instant[] range = new Instant[2];
        Answer bad = range(params, range);
        if (bad != null) {
            return bad;
        }
        Integer limit = limit(params);
        if (limit == null) {
            return Answer.error(400, "'limit' must be a number from 1 to " + MAX_PAGE);
        }
        Flow.Outcome outcome = null;
        if (params.containsKey("outcome")) {
            try {
                outcome = Flow.Outcome.valueOf(params.get("outcome").toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                return Answer.error(400, "'outcome' must be one of " + java.util.Arrays.toString(Flow.Outcome.values()));
            }
        }
        long before;
        try {
            before = params.containsKey("before") ? Long.parseLong(params.get("before")) : Long.MAX_VALUE;
        } catch (NumberFormatException e) {
            return Answer.error(400, "'before' must be a flow id");
        }
        List<StoredFlow> page = queries.flows(range[0], range[1], params.get("host"), outcome, before, limit);
        List<Object> items = new ArrayList<>();
        for (StoredFlow sf : page) {
            Flow f = sf.flow();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", sf.id());
            m.put("start", f.start().toString());
            m.put("durationMillis", f.duration().toMillis());
            m.put("profile", f.profile());
            m.put("client", f.client());
            m.put("host", f.host());
            m.put("method", f.method());
            m.put("target", f.target());
            m.put("status", f.status());
            m.put("outcome", f.outcome().name());
            m.put("requestHeaders", headers(f.requestHeaders()));
            m.put("responseHeaders", headers(f.responseHeaders()));
            m.put("requestBody", body(f.requestBody()));
            m.put("responseBody", body(f.responseBody()));
            items.add(m);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("flows", items);
        body.put("next", page.size() == limit ? page.get(page.size() - 1).id() : null);
        return new Answer(200, body);
    }

    private static List<Object> headers(List<Map.Entry<String, String>> headers) {
        List<Object> out = new ArrayList<>(headers.size());
        headers.forEach(h -> out.add(List.of(h.getKey(), h.getValue())));
        return out;
    }

    /** A body for people: its size, the text when it reads as UTF-8 text, else where its bytes are kept. */
    private static Map<String, Object> body(Flow.Body b) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("size", b.size());
        if (b.inline() != null) {
            String text = new String(b.inline(), java.nio.charset.StandardCharsets.UTF_8);
            if (text.chars().allMatch(c -> c >= 0x20 || c == '\n' || c == '\r' || c == '\t') && !text.contains("\uFFFD")) {
                m.put("text", text);
            } else {
                m.put("base64", java.util.Base64.getEncoder().encodeToString(b.inline()));
            }
        } else if (b.blobSha256() != null) {
            m.put("url", "/api/pictures/" + b.blobSha256());
        }
        return m;
    }

    /** {@code from}/{@code to} (ISO-8601 instants; default the last day) into {@code out}, or the 400 answer. */
    private static Answer range(Map<String, String> params, Instant[] out) {
        try {
            out[1] = params.containsKey("to") ? Instant.parse(params.get("to")) : Instant.now();
            out[0] = params.containsKey("from") ? Instant.parse(params.get("from")) : out[1].minus(DEFAULT_RANGE);
        } catch (DateTimeParseException e) {
            return Answer.error(400, "'from' and 'to' must be ISO-8601 instants like 2026-01-31T12:00:00Z");
        }
        if (!out[0].isBefore(out[1])) {
            return Answer.error(400, "'from' must be before 'to'");
        }
        return null;
    }

    private static Integer limit(Map<String, String> params) {
        try {
            int n = params.containsKey("limit") ? Integer.parseInt(params.get("limit")) : DEFAULT_PAGE;
            return n >= 1 && n <= MAX_PAGE ? n : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static Object value(MetricValue v) {
        if (v instanceof MetricValue.Number n) {
            return n.unit().isEmpty() ? n.value() : Map.of("value", n.value(), "unit", n.unit());
        }
        if (v instanceof MetricValue.Flag f) {
            return f.value();
        }
        return ((MetricValue.Text) v).value();
    }
}
