package org.understudy.profile.kasa;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * What a plug says about itself ({@code system.get_sysinfo}), read leniently: a field missing or of another type
 * is left empty, never an error (firmware versions differ). Strips (HS300) list their outlets as children.
 *
 * @param deviceId the plug's 40-hex id
 * @param alias the name its owner gave it
 * @param model e.g. {@code HS110(EU)}
 * @param hardware hardware version, e.g. {@code 2.0}
 * @param firmware software version
 * @param mac its MAC address
 * @param relay whether the relay is on ({@code null} for a strip)
 * @param onTime seconds since the relay was switched on
 * @param rssi Wi-Fi signal in dBm, or {@code null}
 * @param ledOn whether the LED is on
 * @param energyMeter whether it measures power ({@code feature} contains {@code ENE})
 * @param outlets a strip's outlets, else empty
 */
record Sysinfo(String deviceId, String alias, String model, String hardware, String firmware, String mac, Boolean relay,
               Long onTime, Integer rssi, boolean ledOn, boolean energyMeter, List<Outlet> outlets) {

    /** One outlet of a strip. */
    record Outlet(String id, String alias, boolean relay, long onTime) {}

    static Sysinfo of(JsonNode s) {
        List<Outlet> outlets = new ArrayList<>();
        for (JsonNode c : s.path("children")) {
            String id = c.path("id").asText("");
            if (!id.isEmpty()) {
                // older strips give the outlet's suffix only: its full id is the strip's id followed by it
                String full = id.length() <= 2 ? s.path("deviceId").asText("") + id : id;
                outlets.add(new Outlet(full, c.path("alias").asText(""), c.path("state").asInt(0) == 1, c.path("on_time").asLong(0)));
            }
        }
        String mac = s.hasNonNull("mac") ? s.get("mac").asText() : s.hasNonNull("mic_mac") ? s.get("mic_mac").asText()
                : s.path("ethernet_mac").asText("");
        return new Sysinfo(s.path("deviceId").asText(""), s.path("alias").asText(""), s.path("model").asText(""),
                s.path("hw_ver").asText(""), s.path("sw_ver").asText(""), mac,
                s.has("relay_state") && outlets.isEmpty() ? s.get("relay_state").asInt() == 1 : null,
                s.has("on_time") ? s.get("on_time").asLong() : null,
                s.path("rssi").isNumber() ? s.get("rssi").asInt() : null,
                s.path("led_off").asInt(0) == 0, s.path("feature").asText("").contains("ENE"), List.copyOf(outlets));
    }

    boolean strip() {
        return !outlets.isEmpty();
    }
}
