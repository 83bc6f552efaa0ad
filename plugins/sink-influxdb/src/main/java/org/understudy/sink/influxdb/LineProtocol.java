package org.understudy.sink.influxdb;

import java.util.Map;
import java.util.TreeMap;
import com.fasterxml.jackson.core.io.NumberOutput;
import org.understudy.api.model.MetricValue;
import org.understudy.api.model.Reading;

/**
 * Encodes readings as InfluxDB line protocol, in one of two schemas:
 * <ul>
 * <li>one point per reading (Understudy's own):
 * {@code <profile>,device=<id>[,gateway=<site>][,<tag>=<value>...] <metric>=<value>[,...] <timestamp>};</li>
 * <li>one point per metric (the SmartMesh seed's, for profiles configured so):
 * {@code <metric>,<deviceTag>=<id>[,gateway=<site>][,<tag>=<value>...] value=<value> <timestamp>}.</li>
 * </ul>
 * Numbers are floats, flags booleans, texts strings. Tags are sorted (as InfluxDB recommends); escaping follows
 * the spec.
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

    /** One point for the whole reading: measurement = the profile, one field per metric. */
    static void append(StringBuilder out, Reading r, long sequence, String site) {
        escape(out, r.profile(), true);
        tags(out, "device", r, site);
        out.append(' ');
        boolean first = true;
        for (Map.Entry<String, MetricValue> m : r.metrics().entrySet()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            escape(out, m.getKey(), false);
            out.append('=');
            value(out, m.getValue());
        }
        out.append(' ').append(timestamp(r, sequence)).append('\n');
    }

    /** One point per metric: measurement = the metric, the device in tag {@code deviceTag}, field {@code value}. */
    static void appendPerMetric(StringBuilder out, Reading r, long sequence, String deviceTag, String site) {
        long t = timestamp(r, sequence);
        for (Map.Entry<String, MetricValue> m : r.metrics().entrySet()) {
            escape(out, m.getKey(), true);
            tags(out, deviceTag, r, site);
            out.append(" value=");
            value(out, m.getValue());
            out.append(' ').append(t).append('\n');
        }
    }

    /** The tag set, sorted by key: the device, the site (when set), the reading's own tags. */
    private static void tags(StringBuilder out, String deviceTag, Reading r, String site) {
        if (r.tags().isEmpty()) { // most readings: no map to sort
            boolean siteFirst = !site.isEmpty() && "gateway".compareTo(deviceTag) < 0;
            if (siteFirst) {
                tag(out, "gateway", site);
            }
            tag(out, deviceTag, r.deviceId());
            if (!site.isEmpty() && !siteFirst && !"gateway".equals(deviceTag)) {
                tag(out, "gateway", site);
            }
            return;
        }
        Map<String, String> tags = new TreeMap<>();
        r.tags().forEach((k, v) -> {
            if (!v.isEmpty()) {
                tags.put(k, v);
            }
        });
        if (!site.isEmpty()) {
            tags.put("gateway", site);
        }
        tags.put(deviceTag, r.deviceId()); // the device id wins over a reading tag of the same name
        for (Map.Entry<String, String> tag : tags.entrySet()) {
            tag(out, tag.getKey(), tag.getValue());
        }
    }

    private static void tag(StringBuilder out, String key, String value) {
        out.append(',');
        escape(out, key, false);
        out.append('=');
        escape(out, value, false);
    }

    private static void value(StringBuilder out, MetricValue v) {
        if (v instanceof MetricValue.Number n) {
            number(out, n.value());
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

    /** Nanoseconds: the reading's millisecond, its store sequence (mod 10^6) below it. */
    static long timestamp(Reading r, long sequence) {
        return r.time().toEpochMilli() * 1_000_000L + Math.floorMod(sequence, 1_000_000L);
    }

    /**
     * As {@link Double#toString}, which the JDK 17 does slowly: a whole number below 10^7 (most readings) from
     * its digits, any other through Jackson's shortest-representation writer.
     */
    static void number(StringBuilder out, double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e7 && !(v == 0 && 1 / v < 0)) {
            out.append((long) v).append(".0");
        } else {
            out.append(NumberOutput.toString(v, true));
        }
    }

    /** Measurements escape commas and spaces; keys and tag values also equals signs. */
    private static void escape(StringBuilder out, String s, boolean measurement) {
        int i = 0;
        while (i < s.length() && !special(s.charAt(i), measurement)) {
            i++;
        }
        out.append(s, 0, i); // most names need no escaping: appended whole
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\n' || c == '\r') {
                out.append(' '); // line protocol has no newlines
            } else {
                if (special(c, measurement)) {
                    out.append('\\');
                }
                out.append(c);
            }
        }
    }

    private static boolean special(char c, boolean measurement) {
        return c == ',' || c == ' ' || c == '\n' || c == '\r' || (!measurement && c == '=');
    }
}
