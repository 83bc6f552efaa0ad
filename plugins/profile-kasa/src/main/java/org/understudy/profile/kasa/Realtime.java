package org.understudy.profile.kasa;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One energy meter reading ({@code emeter.get_realtime}) in base units, from either format: hardware 1.x sends
 * floats ({@code power} W, {@code voltage} V, {@code current} A, {@code total} kWh), 2.x and later integers in
 * milli-units ({@code power_mw}, {@code voltage_mv}, {@code current_ma}, {@code total_wh}). A value a plug does
 * not send is {@code null}.
 */
record Realtime(Double watts, Double volts, Double amps, Double kilowattHours) {

    /** The meter reading in {@code r}, or {@code null} when it is an error (a plug without a meter). */
    static Realtime of(JsonNode r) {
        if (r == null || r.isMissingNode() || r.path("err_code").asInt(0) != 0) {
            return null;
        }
        Realtime out = new Realtime(value(r, "power", "power_mw", 1e-3), value(r, "voltage", "voltage_mv", 1e-3),
                value(r, "current", "current_ma", 1e-3), value(r, "total", "total_wh", 1e-3));
        return out.watts == null && out.volts == null && out.amps == null && out.kilowattHours == null ? null : out;
    }

    private static Double value(JsonNode r, String v1, String v2, double scale) {
        if (r.path(v1).isNumber()) {
            return r.get(v1).asDouble();
        }
        return r.path(v2).isNumber() ? r.get(v2).asDouble() * scale : null;
    }
}
