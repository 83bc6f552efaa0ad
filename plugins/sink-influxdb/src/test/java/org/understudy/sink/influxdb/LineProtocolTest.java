package org.understudy.sink.influxdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.understudy.api.model.MetricValue;
import org.understudy.api.model.Reading;

class LineProtocolTest {

    @Test
    void measurementTagsFieldsAndATimestampThatIsTheReadingsMillisecondWithItsSequenceBelow() {
        Map<String, MetricValue> m = new LinkedHashMap<>();
        m.put("temperature", MetricValue.of(-3.5, "Cel"));
        m.put("rain", MetricValue.of(true));
        m.put("fw", MetricValue.of("say \"hi\"\\\nnow"));
        Instant t = Instant.parse("2026-01-01T00:00:00.123Z");
        StringBuilder out = new StringBuilder();
        LineProtocol.append(out, new Reading("sky 1,a=b", "bloom sky", t, t, m, Map.of("z", "last", "site", "stupa, ladakh")), 2_000_042, "");
        assertEquals("bloom\\ sky,device=sky\\ 1\\,a\\=b,site=stupa\\,\\ ladakh,z=last "
                + "temperature=-3.5,rain=true,fw=\"say \\\"hi\\\"\\\\ now\" 1767225600123000042\n", out.toString());
    }

    @Test
    void theSeedSchemaIsOnePointPerMetricWithTheDeviceInItsOwnTagAndTheSiteInGateway() {
        Map<String, MetricValue> m = new LinkedHashMap<>();
        m.put("temperature", MetricValue.of(23.5, "Cel"));
        m.put("humidity", MetricValue.of(40, "%"));
        Instant t = Instant.parse("2026-01-01T00:00:00.123Z");
        StringBuilder out = new StringBuilder();
        LineProtocol.appendPerMetric(out, new Reading("33-33-33-33-33-33-33-33", "smartmesh-clouddata", t, t, m, Map.of()), 7,
                "mac", "leh");
        assertEquals("temperature,gateway=leh,mac=33-33-33-33-33-33-33-33 value=23.5 1767225600123000007\n"
                + "humidity,gateway=leh,mac=33-33-33-33-33-33-33-33 value=40.0 1767225600123000007\n", out.toString());
        StringBuilder own = new StringBuilder();
        LineProtocol.append(own, new Reading("sky", "bloomsky", t, t, Map.of("uv", MetricValue.of(1, "")), Map.of()), 7, "leh");
        assertEquals("bloomsky,device=sky,gateway=leh uv=1.0 1767225600123000007\n", own.toString());
    }

    @Test
    void twoReadingsInOneMillisecondAreTwoPointsAndTheSameReadingIsAlwaysTheSamePoint() {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        Reading a = new Reading("sky", "bloomsky", t, t, Map.of("temperature", MetricValue.of(1, "Cel")), Map.of());
        Reading b = new Reading("sky", "bloomsky", t, t, Map.of("temperature", MetricValue.of(2, "Cel")), Map.of());
        assertNotEquals(LineProtocol.timestamp(a, 41), LineProtocol.timestamp(b, 42));
        assertEquals(LineProtocol.timestamp(a, 41), LineProtocol.timestamp(a, 41), "a batch sent twice overwrites itself");
        assertEquals(t.toEpochMilli(), LineProtocol.timestamp(a, 41) / 1_000_000, "the reading's own millisecond");
    }

    @Test
    void everyNumberIsWrittenSoThatInfluxReadsBackTheSameDouble() {
        java.util.Random random = new java.util.Random(42);
        java.util.List<Double> values = new java.util.ArrayList<>(java.util.List.of(0.0, -0.0, 1013.0, -40.0, 9_999_999.0,
                1e7, 1e7 + 1, -1e7, 0.1, 20.5, -3.25, 1e-9, 123456789.123, Double.MAX_VALUE, Double.MIN_VALUE, 4.35e22));
        for (int i = 0; i < 100_000; i++) {
            values.add(random.nextInt(5) == 0 ? random.nextInt(2_000_000) - 1_000_000.0
                    : (random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(30) - 10));
        }
        for (double v : values) {
            StringBuilder out = new StringBuilder();
            LineProtocol.number(out, v);
            assertEquals(Double.doubleToLongBits(v), Double.doubleToLongBits(Double.parseDouble(out.toString())), out::toString);
            if (v == Math.rint(v) && Math.abs(v) < 1e7) {
                assertEquals(Double.toString(v), out.toString()); // whole numbers as before: 1013.0
            }
        }
    }

    @Test
    void withoutReadingTagsTheDeviceAndSiteTagsAreStillSortedByKey() {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        Reading r = new Reading("sky", "bloomsky", t, t, Map.of("temperature", MetricValue.of(1, "Cel")), Map.of());
        StringBuilder out = new StringBuilder();
        LineProtocol.append(out, r, 1, "ladakh");
        LineProtocol.appendPerMetric(out, r, 1, "mac", "ladakh");
        LineProtocol.appendPerMetric(out, r, 1, "gateway", "ladakh");
        assertEquals("bloomsky,device=sky,gateway=ladakh temperature=1.0 1767225600000000001\n"
                + "temperature,gateway=ladakh,mac=sky value=1.0 1767225600000000001\n"
                + "temperature,gateway=sky value=1.0 1767225600000000001\n", out.toString());
    }

    @Test
    void writeUrlsForBothApiVersions() {
        InfluxConfig v1 = new InfluxConfig(true, "http://127.0.0.1:8086/", InfluxConfig.ApiVersion.V1, "my db", "autogen",
                false, Duration.ZERO, java.util.List.of(), "u", "p", "", "", "", Duration.ofSeconds(5), 5000, 2);
        assertEquals("http://127.0.0.1:8086/write?precision=ns&db=my+db&rp=autogen", InfluxSink.writeUri(v1).toString());
        InfluxConfig v2 = new InfluxConfig(true, "https://influx.lan:8086", InfluxConfig.ApiVersion.V2, "", "", false, Duration.ZERO, java.util.List.of(), "", "",
                "home", "weather", "t0k3n", Duration.ofSeconds(5), 5000, 2);
        assertEquals("https://influx.lan:8086/api/v2/write?precision=ns&org=home&bucket=weather", InfluxSink.writeUri(v2).toString());
        assertThrows(IllegalArgumentException.class, () -> new InfluxConfig(true, "http://x", InfluxConfig.ApiVersion.V2,
                "", "", false, Duration.ZERO, java.util.List.of(), "", "", "", "", "", Duration.ofSeconds(5), 5000, 2), "org and bucket are required with V2");
        assertThrows(IllegalArgumentException.class, () -> new InfluxConfig(true, "ftp://x", InfluxConfig.ApiVersion.V1,
                "db", "", false, Duration.ZERO, java.util.List.of(), "", "", "", "", "", Duration.ofSeconds(5), 5000, 2));
    }
}
