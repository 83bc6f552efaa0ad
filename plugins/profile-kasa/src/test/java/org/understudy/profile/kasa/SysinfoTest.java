package org.understudy.profile.kasa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.understudy.api.model.MetricValue;
import org.understudy.api.model.Reading;

/** Replies as plugs send them (the npm simulator's, themselves taken from real plugs): read into readings. */
class SysinfoTest {

    private final ObjectMapper json = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");

    static final String HS110_V1 = "{\"system\":{\"get_sysinfo\":{\"sw_ver\":\"1.0.8 Build 151113 Rel.24658\",\"hw_ver\":\"1.0\","
            + "\"type\":\"IOT.SMARTPLUGSWITCH\",\"model\":\"HS110(US)\",\"relay_state\":1,\"on_time\":42,\"feature\":\"TIM:ENE\","
            + "\"rssi\":-65,\"led_off\":1,\"alias\":\"Kettle\",\"deviceId\":\"F38072A8420D9EA36C0CDF27762EB60AA37172CD\","
            + "\"mac\":\"50:c7:bf:aa:b1:ba\",\"err_code\":0}},\"emeter\":{\"get_realtime\":{\"current\":0.1256,\"voltage\":122.049119,"
            + "\"power\":3.14,\"total\":51.493,\"err_code\":0}},\"cnCloud\":{\"get_info\":{\"username\":\"\",\"server\":\"devs.tplinkcloud.com\","
            + "\"binded\":0,\"cld_connection\":1,\"err_code\":0}}}";
    static final String HS110_V2_METER = "{\"voltage_mv\":122049,\"current_ma\":125,\"power_mw\":3140,\"total_wh\":51493,\"err_code\":0}";
    static final String HS300 = "{\"sw_ver\":\"1.0.6 Build 180627 Rel.081000\",\"hw_ver\":\"1.0\",\"model\":\"HS300(US)\",\"rssi\":-68,"
            + "\"mic_type\":\"IOT.SMARTPLUGSWITCH\",\"feature\":\"TIM:ENE\",\"led_off\":0,\"child_num\":2,\"children\":["
            + "{\"id\":\"4F574A9469258FDC4BF6975C1EC03D335572A7B700\",\"state\":1,\"alias\":\"Heater\",\"on_time\":7},"
            + "{\"id\":\"01\",\"state\":0,\"alias\":\"Lamp\",\"on_time\":0}],\"alias\":\"Strip\","
            + "\"deviceId\":\"4F574A9469258FDC4BF6975C1EC03D335572A7B7\",\"mac\":\"50:c7:bf:ad:8b:02\",\"err_code\":0}";

    @Test
    void aHardwareOneMeterPlugInFloats() throws Exception {
        var reply = json.readTree(HS110_V1);
        Sysinfo info = Sysinfo.of(reply.path("system").path("get_sysinfo"));
        assertEquals("F38072A8420D9EA36C0CDF27762EB60AA37172CD", info.deviceId());
        assertEquals("HS110(US)", info.model());
        assertTrue(info.energyMeter());
        assertFalse(info.ledOn(), "led_off 1");
        List<Reading> r = KasaDriver.readings(info, Realtime.of(reply.path("emeter").path("get_realtime")), Map.of(), NOW);
        assertEquals(1, r.size());
        Map<String, MetricValue> m = r.get(0).metrics();
        assertEquals(MetricValue.of(true), m.get("relay"));
        assertEquals(MetricValue.of(42, "s"), m.get("on_time"));
        assertEquals(MetricValue.of(-65, "dBm"), m.get("rssi"));
        assertEquals(MetricValue.of(3.14, "W"), m.get("power"));
        assertEquals(MetricValue.of(122.049119, "V"), m.get("voltage"));
        assertEquals(MetricValue.of(0.1256, "A"), m.get("current"));
        assertEquals(MetricValue.of(51.493, "kWh"), m.get("energy"));
        assertEquals(Map.of("cloud.server", "devs.tplinkcloud.com", "cloud.connected", "true", "cloud.bound", "false"),
                KasaDriver.cloud(reply.path("cnCloud").path("get_info")));
    }

    @Test
    void aHardwareTwoMeterInMilliUnitsIsTheSameInBaseUnits() throws Exception {
        Realtime v2 = Realtime.of(json.readTree(HS110_V2_METER));
        assertEquals(3.14, v2.watts(), 1e-9);
        assertEquals(122.049, v2.volts(), 1e-9);
        assertEquals(0.125, v2.amps(), 1e-9);
        assertEquals(51.493, v2.kilowattHours(), 1e-9);
        assertNull(Realtime.of(json.readTree("{\"err_code\":-1,\"err_msg\":\"module not support\"}")), "a plug without a meter");
    }

    @Test
    void aStripIsItselfAndOneDevicePerOutlet() throws Exception {
        Sysinfo strip = Sysinfo.of(json.readTree(HS300));
        assertTrue(strip.strip());
        assertNull(strip.relay(), "a strip has no relay of its own");
        assertEquals("4F574A9469258FDC4BF6975C1EC03D335572A7B701", strip.outlets().get(1).id(), "a short child id made whole");
        List<Reading> r = KasaDriver.readings(strip, null,
                Map.of("4F574A9469258FDC4BF6975C1EC03D335572A7B700", new Realtime(1500.0, 230.0, 6.5, 12.0)), NOW);
        assertEquals(3, r.size());
        assertEquals(Map.of("rssi", MetricValue.of(-68, "dBm"), "led", MetricValue.of(true), "online", MetricValue.of(true)), r.get(0).metrics());
        assertEquals(MetricValue.of(true), r.get(1).metrics().get("relay"));
        assertEquals(MetricValue.of(1500.0, "W"), r.get(1).metrics().get("power"));
        assertEquals(MetricValue.of(false), r.get(2).metrics().get("relay"));
        assertFalse(r.get(2).metrics().containsKey("power"), "no meter answer for that outlet: nothing made up");
    }

    @Test
    void whatIsMissingOrOfAnotherTypeIsLeftEmptyNotAnError() throws Exception {
        Sysinfo odd = Sysinfo.of(json.readTree("{\"deviceId\":\"AB\",\"rssi\":\"weak\",\"children\":\"none\"}"));
        assertEquals("AB", odd.deviceId());
        assertNull(odd.rssi());
        assertNull(odd.relay());
        assertFalse(odd.strip());
    }
}
