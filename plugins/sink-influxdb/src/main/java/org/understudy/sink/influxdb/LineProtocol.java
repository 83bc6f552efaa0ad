package org.understudy.sink.influxdb;

import java.util.Map;
import java.util.TreeMap;
import org.understudy.api.model.MetricValue;
import org.understudy.api.model.Reading;

/**
 * Encodes readings as InfluxDB line protocol, with millisecond timestamps:
 * {@code <profile>,device=<id>[,<tag>=<value>...] <metric>=<value>[,...] <epoch ms>}. Numbers are floats,
 * flags booleans, texts strings. Tags are sorted (as InfluxDB recommends); escaping follows the spec.
 */
final class LineProtocol {

    private LineProtocol() {
    }

    static void append(StringBuilder out, Reading r) {
        escape(out, r.profile(), true);
        out.append(",device=");
        escape(out, r.deviceId(), false);
        Map<String, String> tags = r.tags().size() > 1 ? new TreeMap<>(r.tags()) : r.tags();
        for (Map.Entry<String, String> tag : tags.entrySet()) {
            if (tag.getKey().equals("device") || tag.getValue().isEmpty()) {
                continue;
            }
            out.append(',');
            escape(out, tag.getKey(), false);
            out.append('=');
            escape(out, tag.getValue(), false);
        }
        out.append(' ');
        boolean first = true;
        for (Map.Entry<String, MetricValue> m : r.metrics().entrySet()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            escape(out, m.getKey(), false);
            out.append('=');
            MetricValue v = m.getValue();
            if (v instanceof MetricValue.Number n) {
                out.append(n.value());
            } else if (v instanceof MetricValue.Flag f) {
                out.append(f.value());
            } else {
                out.append('"');
                for (char c : ((MetricValue.Text) v).value().toCharArray()) {
                    if (c == '"' || c == '\\') {
                        out.append('\\');
                    }
                    out.append(c == '\n' || c == '\r' ? ' ' : c); // line protocol has no newlines in values
                }
                out.append('"');
            }
        }
        out.append(' ').append(r.time().toEpochMilli()).append('\n');
    }

    /** Measurements escape commas and spaces; keys and tag values also equals signs. */
    private static void escape(StringBuilder out, String s, boolean measurement) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ',' || c == ' ' || (!measurement && c == '=')) {
                out.append('\\');
            } else if (c == '\n' || c == '\r') {
                out.append(' ');
                continue;
            }
            out.append(c);
        }
    }
}
