package org.understudy.profile.declarative;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.understudy.api.model.HostIndex;
import org.understudy.api.model.MetricValue;
import org.understudy.api.model.Reading;
import org.understudy.api.spi.HttpReply;
import org.understudy.api.spi.HttpRequest;
import org.understudy.api.spi.Observation;

/** The shipped families' routes, played with requests shaped as their devices send them. */
class FamilyInterceptorTest {

    private static final Instant NOW = Instant.parse("2026-11-27T10:32:40Z");
    private static final InetSocketAddress DEVICE = new InetSocketAddress("192.168.1.23", 40000);

    private final FamilyInterceptor interceptor;

    FamilyInterceptorTest() throws Exception {
        List<Map.Entry<org.understudy.api.model.HostPattern, Family>> claims = new java.util.ArrayList<>();
        for (String file : List.of("smartmesh-clouddata.json", "wunderground.json", "ecowitt.json")) {
            Family f = FamilyParserTest.shipped(file);
            f.hosts().forEach(h -> claims.add(Map.entry(h, f)));
        }
        HostIndex<Family> index = HostIndex.of(claims);
        interceptor = new FamilyInterceptor(index::find, Duration.ofSeconds(2), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static HttpRequest request(String method, String host, String target, String contentType, String body) {
        List<Map.Entry<String, String>> headers = new java.util.ArrayList<>(List.of(Map.entry("Host", host)));
        if (contentType != null) {
            headers.add(Map.entry("Content-Type", contentType));
        }
        return new HttpRequest(DEVICE, NOW, method, target, host, headers, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    private static double number(Reading r, String metric) {
        return ((MetricValue.Number) r.metrics().get(metric)).value();
    }

    @Test
    void aPublishToWebSampleIsOneReadingOfItsMote() {
        // PublishToWeb.py: json.dumps({'mac': ..., 'temperature': ...}) with Content-type application/json
        HttpRequest post = request("POST", "clouddata.dustcloud.org", "/api/v1/oap", "application/json",
                "{\"mac\": \"33-33-33-33-33-33-33-33\", \"temperature\": 24.718259932342468}");
        Observation o = interceptor.observe(post);
        assertEquals(1, o.readings().size());
        assertEquals(List.of(), o.unknownFields(), "mac and temperature are read");
        Reading r = o.readings().get(0);
        assertEquals("33-33-33-33-33-33-33-33", r.deviceId());
        HttpRequest newFirmware = request("POST", "clouddata.dustcloud.org", "/api/v1/oap", "application/json",
                "{\"mac\": \"33-33-33-33-33-33-33-33\", \"temperature\": 21.5, \"battery\": {\"mv\": 2900}}");
        assertEquals(List.of("battery"), interceptor.observe(newFirmware).unknownFields(), "a top-level JSON member is news");
        assertEquals("smartmesh-clouddata", r.profile());
        assertEquals(MetricValue.of(24.718259932342468, "Cel"), r.metrics().get("temperature"));
        assertEquals(NOW, r.time(), "the seed's server had no device time: the receive time");
        assertEquals("33-33-33-33-33-33-33-33", o.devices().get(0).id());

        HttpReply offline = interceptor.impersonate(post).orElseThrow();
        assertEquals(200, offline.status());
        assertEquals(0, offline.body().length, "the bottle handler returned nothing");
        assertEquals(Duration.ofSeconds(2), interceptor.replyDeadline(post));
        assertTrue(interceptor.forwards(post));
        assertSame(post, interceptor.recorded(post), "nothing secret in it");
    }

    @Test
    void whatNoRouteTakesIsNeitherObservedNorFaked() {
        HttpRequest grafana = request("GET", "clouddata.dustcloud.org", "/dashboard/db/temperature", null, null);
        assertEquals(Observation.UNKNOWN_ROUTE, interceptor.observe(grafana), "a path of the family's host no route takes is news");
        assertEquals(Optional.empty(), interceptor.impersonate(grafana), "answered 503 by the proxy, never made up");
        HttpRequest noMac = request("POST", "clouddata.dustcloud.org", "/api/v1/oap", "application/json", "{\"temperature\": 21}");
        assertEquals(Observation.NONE, interceptor.observe(noMac));
        HttpRequest garbage = request("POST", "clouddata.dustcloud.org", "/api/v1/oap", "application/json", "{\"mac\": ");
        assertEquals(Observation.NONE, interceptor.observe(garbage));
        HttpRequest hostile = request("POST", "clouddata.dustcloud.org", "/api/v1/oap", "application/json",
                "{\"mac\": \"../../etc/passwd\", \"temperature\": 21}");
        assertEquals(Observation.NONE, interceptor.observe(hostile), "a device id is a short token, never a path");
    }

    @Test
    void aWrongValueIsLeftOutAndCountedTheOthersKept() {
        long before = interceptor.invalidValues.sum();
        HttpRequest post = request("POST", "clouddata.dustcloud.org", "/api/v1/oap", "application/json",
                "{\"mac\": \"44-44-44-44-44-44-44-44\", \"temperature\": \"warm\"}");
        Observation o = interceptor.observe(post);
        assertEquals(List.of(), o.readings(), "no value, no reading");
        assertEquals(1, o.devices().size(), "the mote was still seen");
        assertEquals(before + 1, interceptor.invalidValues.sum());
    }

    @Test
    void aWeatherUndergroundUploadIsConvertedStampedWithItsOwnTimeAndRecordedWithoutItsPassword() {
        String target = "/weatherstation/updateweatherstation.php?ID=KCASANFR5&PASSWORD=s3cr%2Bt&dateutc=2026-11-27+10%3A32%3A35"
                + "&winddir=230&windspeedmph=12&windgustmph=12&tempf=70&rainin=0&baromin=29.1&dewptf=68.2&humidity=90"
                + "&weather=&clouds=&softwaretype=vws%20versionxx&action=updateraw";
        HttpRequest get = request("GET", "weatherstation.wunderground.com", target, null, null);
        Observation observed = interceptor.observe(get);
        assertEquals(List.of("weather", "clouds"), observed.unknownFields(),
                "fields the file neither reads, keeps secret nor ignores (action is ignored): names only, in order");
        assertFalse(observed.unknownRoute());
        Reading r = observed.readings().get(0);
        assertEquals("KCASANFR5", r.deviceId());
        assertEquals(Instant.parse("2026-11-27T10:32:35Z"), r.time(), "dateutc");
        assertEquals(21.111, number(r, "temperature"), 0.001);
        assertEquals(985.44, number(r, "pressure"), 0.01);
        assertEquals(5.364, number(r, "wind_speed"), 0.001);
        assertEquals(230, number(r, "wind_direction"));
        assertEquals(MetricValue.of("vws versionxx"), r.metrics().get("software"));
        assertFalse(r.metrics().containsKey("uv_index"), "not sent, not recorded");

        HttpRequest kept = interceptor.recorded(get);
        assertNotSame(get, kept);
        assertFalse(kept.target().contains("s3cr"), kept.target());
        assertTrue(kept.target().contains("PASSWORD=***&dateutc=2026-11-27+10%3A32%3A35"), kept.target());
        assertEquals("success\n", new String(interceptor.impersonate(get).orElseThrow().body(), StandardCharsets.UTF_8));
        assertEquals(Duration.ofSeconds(5), interceptor.replyDeadline(get));

        HttpRequest rapid = request("GET", "rtupdate.wunderground.com",
                "/weatherstation/updateweatherstation.php?ID=KCASANFR5&PASSWORD=x&dateutc=now&tempf=32&realtime=1&rtfreq=2.5", null, null);
        Reading now = interceptor.observe(rapid).readings().get(0);
        assertEquals(NOW, now.time(), "dateutc=now is the receive time");
        assertEquals(0.0, number(now, "temperature"), 1e-9);

        HttpRequest wrongClock = request("GET", "rtupdate.wunderground.com",
                "/weatherstation/updateweatherstation.php?ID=K1&PASSWORD=x&dateutc=2000-01-01+00%3A00%3A00&tempf=32", null, null);
        assertEquals(NOW, interceptor.observe(wrongClock).readings().get(0).time(), "a clock years off is not believed");
    }

    @Test
    void anEcowittReportIsReadFromItsForm() {
        String form = "PASSKEY=C2A1F5D1E6B7A8C9D0E1F2A3B4C5D6E7&stationtype=GW1100B_V2.3.2&runtime=3&heap=23456"
                + "&dateutc=2026-11-27+09:17:20&tempinf=72.1&humidityin=41&baromrelin=29.921&baromabsin=29.5"
                + "&tempf=50.0&humidity=80&winddir=180&windspeedmph=2.24&windgustmph=4.47&maxdailygust=8.1"
                + "&solarradiation=120.50&uv=1&rainratein=0.000&dailyrainin=0.10&totalrainin=12.3&wh65batt=0&freq=868M&model=GW1100B";
        HttpRequest post = request("POST", "cdnrtpdate.ecowitt.net", "/data/report/", "application/x-www-form-urlencoded", form);
        assertEquals(List.of("maxdailygust", "wh65batt"), interceptor.observe(post).unknownFields());
        Reading r = interceptor.observe(post).readings().get(0);
        assertEquals("C2A1F5D1E6B7A8C9D0E1F2A3B4C5D6E7", r.deviceId());
        assertEquals("ecowitt", r.profile());
        assertEquals(Instant.parse("2026-11-27T09:17:20Z"), r.time());
        assertEquals(10.0, number(r, "temperature"), 1e-9);
        assertEquals(22.278, number(r, "indoor_temperature"), 0.001);
        assertEquals(1013.25, number(r, "pressure_relative"), 0.05);
        assertEquals(2.54, number(r, "rain_day"), 1e-9);
        assertEquals(MetricValue.of("GW1100B_V2.3.2"), r.metrics().get("station_type"));
        assertEquals(200, interceptor.impersonate(post).orElseThrow().status());
        assertTrue(interceptor.observe(request("POST", "cdnrtpdate.ecowitt.net", "/data/report/", "text/plain", form)).readings().isEmpty(),
                "form fields only in a form");
    }

    @Test
    void aFamilyThatKeepsItsUploadsLocalIsNeverForwarded() throws Exception {
        Family local = new FamilyParser().parse("local.json", FamilyParserTest.minimal().replace("\"forward\": true", "\"forward\": false")
                .replace("\"body\": \"\"", "\"body\": \"{\\\"ok\\\":true,\\\"at\\\":{now:epoch},\\\"for\\\":\\\"{device}\\\"}\""),
                Duration.ofSeconds(10));
        FamilyInterceptor i = new FamilyInterceptor(h -> Optional.of(local), Duration.ofSeconds(2), Clock.fixed(NOW, ZoneOffset.UTC));
        HttpRequest post = request("POST", "upload.example.com", "/api/v1/oap", "application/json", "{\"mac\": \"m1\", \"temperature\": 1}");
        assertFalse(i.forwards(post));
        assertEquals("{\"ok\":true,\"at\":" + NOW.getEpochSecond() + ",\"for\":\"m1\"}",
                new String(i.impersonate(post).orElseThrow().body(), StandardCharsets.UTF_8));
    }
}
