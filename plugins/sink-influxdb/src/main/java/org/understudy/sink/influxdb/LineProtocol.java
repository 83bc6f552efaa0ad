package org.understudy.sink.influxdb;

import java.util.Map;
import java.util.TreeMap;
import org.understudy.api.model.MetricValue;
import org.understudy.api.model.Reading;

/**
 * Encodes readings as InfluxDB line protocol:
 * {@code <profile>,device=<id>[,<tag>=<value>...] <metric>=<value>[,...] <timestamp>}. Numbers are floats,
 * flags booleans, texts strings. Tags are sorted (as InfluxDB recommends); escaping follows the spec.
 *
 * <p>InfluxDB keeps one point per series and timestamp, so two readings of a device stamped within the
 * same millisecond (a device clock of whole seconds, a fast poller, a replayed backlog) would overwrite each
 * other. The timestamp is therefore in nanoseconds: the reading's millisecond, plus its store sequence
 * modulo one million in the sub-millisecond digits ({@link #timestamp}). Every reading is its own point, a
 * batch sent twice writes the same points again, and any query at millisecond resolution or coarser sees
 * the reading's own time.
 */
final class LineProtocol {

    private LineProtocol() {
    }

    static void append(StringBuilder out, Reading r, long sequence) {
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
        out.append(' ').append(timestamp(r, sequence)).append('\n');
    }

    /** Nanoseconds: the reading's millisecond, its store sequence (mod 10^6) below it. */
    static long timestamp(Reading r, long sequence) {
        return r.time().toEpochMilli() * 1_000_000L + Math.floorMod(sequence, 1_000_000L);
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
