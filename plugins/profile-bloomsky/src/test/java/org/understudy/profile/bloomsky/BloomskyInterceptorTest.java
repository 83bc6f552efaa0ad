package org.understudy.profile.bloomsky;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.api.model.MetricValue;
import org.understudy.api.spi.HttpReply;
import org.understudy.api.spi.HttpRequest;
import org.understudy.api.spi.Observation;

class BloomskyInterceptorTest {

    /** The README's request line (PROTOCOLS.md 1.1), DeviceID made up. */
    static final String INFO = "{\"DeviceID\":\"94A1A2733B1A\",\"FWVersion1\":\"1.4.0\",\"FWVersion2\":\"1.2.4\","
            + "\"HWVersion\":\"1.0.1\",\"DeviceType\":\"SKY1\",\"Temperature\":16.33,\"Humidity\":34,\"Voltage\":2586,"
            + "\"UVIndex\":1234,\"Luminance\":2689636,\"Rain\":0,\"Pressure\":669,\"ChargerStatus\":0,\"TS\":1480867686}";
    static final Instant RECEIVED = Instant.ofEpochSecond(1480867690);
    static final byte[] JPEG = {(byte) 0xff, (byte) 0xd8, (byte) 0xff, (byte) 0xe0, 0, 16, 'J', 'F', 'I', 'F', (byte) 0xff, (byte) 0xd9};

    @TempDir
    Path data;

    static HttpRequest post(String target, byte[] body) {
        return new HttpRequest(new InetSocketAddress("127.0.0.1", 40000), RECEIVED, "POST", target,
                "bskybackend.bloomsky.com", List.of(Map.entry("Host", "bskybackend.bloomsky.com")), body);
    }

    BloomskyInterceptor interceptor(BloomskyConfig c, Instant now) {
        return new BloomskyInterceptor(c, data, Clock.fixed(now, ZoneOffset.UTC), Runnable::run);
    }

    @Test
    void theCapturedUploadBecomesAReadingWithUnitsAndADevice() {
        Observation o = interceptor(BloomskyConfig.DEFAULTS, RECEIVED).observe(post("/devc/skydevice/?Info=" + INFO, new byte[0]));
        assertEquals(1, o.readings().size());
        var r = o.readings().get(0);
        assertEquals("94A1A2733B1A", r.deviceId());
        assertEquals("bloomsky", r.profile());
        assertEquals(Instant.ofEpochSecond(1480867686), r.time(), "the station's TS");
        assertEquals(RECEIVED, r.receivedAt());
        assertEquals(MetricValue.of(16.33, "Cel"), r.metrics().get("temperature"));
        assertEquals(MetricValue.of(34, "%"), r.metrics().get("humidity"));
        assertEquals(MetricValue.of(669, "hPa"), r.metrics().get("pressure"));
        assertEquals(MetricValue.of(2586, "mV"), r.metrics().get("voltage"));
        assertEquals(MetricValue.of(1234, ""), r.metrics().get("uv_index"));
        assertEquals(MetricValue.of(2689636, ""), r.metrics().get("luminance"));
        assertEquals(MetricValue.of(false), r.metrics().get("rain"));
        assertEquals(MetricValue.of(false), r.metrics().get("charging"));
        assertEquals(Map.of("DeviceType", "SKY1", "FWVersion1", "1.4.0", "FWVersion2", "1.2.4", "HWVersion", "1.0.1"),
                o.devices().get(0).attributes());
        assertTrue(o.pictures().isEmpty());
    }

    @Test
    void encodedInfoPathIdsTheEqualsFormAndPictures() {
        BloomskyInterceptor i = interceptor(BloomskyConfig.DEFAULTS, RECEIVED);
        String encoded = URLEncoder.encode(INFO, StandardCharsets.UTF_8);
        Observation withPicture = i.observe(post("/devc/skydevice/94A1A2733B1A?Info=" + encoded, JPEG));
        assertEquals("94A1A2733B1A", withPicture.readings().get(0).deviceId());
        assertEquals(1, withPicture.pictures().size());
        assertEquals("image/jpeg", withPicture.pictures().get(0).contentType());
        assertArrayEquals(JPEG, withPicture.pictures().get(0).content());
        Observation equalsForm = i.observe(post("/devc/skydevice/?Info={\"DeviceID\"=\"ABC123\",\"Temperature\"=5.5}", new byte[0]));
        assertEquals("ABC123", equalsForm.readings().get(0).deviceId());
        assertEquals(MetricValue.of(5.5, "Cel"), equalsForm.readings().get(0).metrics().get("temperature"));
    }

    @Test
    void badInputIsNeverAnError() {
        BloomskyInterceptor i = interceptor(BloomskyConfig.DEFAULTS, RECEIVED);
        for (String target : List.of("/devc/skydevice/?Info={broken", "/devc/skydevice/?Info=", "/devc/skydevice/",
                "/devc/skydevice/?Info=%zz", "/devc/skydevice/?Info=" + "x".repeat(10_000), "/api/skydata/?Info=" + INFO,
                "/devc/skydevice/a/b?Info=" + INFO, "/devc/skydevice/?Info={\"DeviceID\":\"../../etc\"}")) {
            Observation o = i.observe(post(target, new byte[0]));
            assertTrue(o.readings().isEmpty(), target);
        }
        assertTrue(i.observe(new HttpRequest(null, RECEIVED, "GET", "/devc/skydevice/?Info=" + INFO, "h", List.of(), null)).isEmpty());
    }

    @Test
    void whatTheProfileDoesNotReadIsNamedForTheQuarantine() {
        BloomskyInterceptor i = interceptor(BloomskyConfig.DEFAULTS, RECEIVED);
        assertEquals(List.of(), i.observe(post("/devc/skydevice/?Info=" + INFO, new byte[0])).unknownFields(),
                "every member of the documented Info is read");
        String newFirmware = INFO.replace("\"TS\":", "\"WindSpeed\":3.5,\"Night\":0,\"TS\":");
        Observation o = i.observe(post("/devc/skydevice/?Info=" + newFirmware, new byte[0]));
        assertEquals(List.of("WindSpeed", "Night"), o.unknownFields(), "a new sensor is news, its value is not kept here");
        assertEquals(1, o.readings().size(), "the rest is recorded as before");
        assertTrue(i.observe(post("/devc/skydevice/firmware/check", new byte[0])).unknownRoute(), "a new endpoint");
        assertFalse(i.observe(post("/devc/skydevice/?Info=" + INFO, new byte[0])).unknownRoute());
    }

    @Test
    void aDeviceClockFarFromOursIsNotBelieved() {
        String info = INFO.replace("1480867686", "946684800"); // year 2000: a reset clock
        var r = interceptor(BloomskyConfig.DEFAULTS, RECEIVED).observe(post("/devc/skydevice/?Info=" + info, new byte[0])).readings().get(0);
        assertEquals(RECEIVED, r.time());
    }

    @Test
    void impersonationIsTheBackendsReplyBuiltFreshWithTodaysSun() throws Exception {
        Instant now = Instant.parse("2026-11-21T04:00:00Z");
        HttpReply reply = interceptor(BloomskyConfig.DEFAULTS, now).impersonate(post("/devc/skydevice/?Info=" + INFO, JPEG)).orElseThrow();
        assertEquals(200, reply.status());
        assertTrue(reply.chunked(), "chunked like the backend");
        assertEquals(LearnedReply.BUILT_IN.headers(), reply.headers(), "the captured header set at first boot");
        JsonNode body = new ObjectMapper().readTree(reply.body());
        assertEquals(List.of("ResponseValue", "Message", "SunsetTime", "TS", "SunriseTime"), fieldNames(body));
        assertEquals(200, body.get("ResponseValue").asInt());
        assertEquals(0, body.get("Message").asInt());
        assertEquals(now.getEpochSecond(), body.get("TS").asLong());
        long rise = body.get("SunriseTime").asLong();
        long set = body.get("SunsetTime").asLong();
        assertEquals(0, (rise - LearnedReply.BUILT_IN.sunrise()) % 86_400, "learned sunrise moved by whole days");
        assertTrue(rise < now.getEpochSecond() && now.getEpochSecond() < set, "today's sun, not 2016's");
        assertTrue(interceptor(BloomskyConfig.DEFAULTS, now).impersonate(
                new HttpRequest(null, now, "GET", "/api/skydata/", "bskybackend.bloomsky.com", List.of(), null)).isEmpty(),
                "the phone app's API is never faked");
    }

    @Test
    void withALocationTheSunIsComputedForTheStationsDay() throws Exception {
        // Leh, Ladakh, 2016-12-05: the almanac gives sunrise 07:10 and sunset 17:10 IST (01:40 and 11:40 UTC).
        // (The backend's own answer that day, 01:16 and 11:50 UTC, is centred 7 minutes earlier and 35
        // minutes longer: it used its own idea of the station's place, which we cannot know.)
        BloomskyConfig leh = new BloomskyConfig(List.of("bskybackend.bloomsky.com"), "34.1526", "77.5771", "Asia/Kolkata",
                Duration.ofSeconds(4), 4096);
        Instant ts = Instant.ofEpochSecond(1480908995);
        JsonNode body = new ObjectMapper().readTree(interceptor(leh, ts).impersonate(post("/devc/skydevice/", new byte[0]))
                .orElseThrow().body());
        assertEquals(Instant.parse("2016-12-05T01:40:30Z").getEpochSecond(), body.get("SunriseTime").asLong(), 180);
        assertEquals(Instant.parse("2016-12-05T11:40:00Z").getEpochSecond(), body.get("SunsetTime").asLong(), 180);
        // before dawn, the answer is still today's sunrise (the station's day, not the UTC day)
        JsonNode early = new ObjectMapper().readTree(interceptor(leh, Instant.parse("2016-12-04T20:00:00Z"))
                .impersonate(post("/devc/skydevice/", new byte[0])).orElseThrow().body());
        assertEquals(body.get("SunriseTime").asLong(), early.get("SunriseTime").asLong(), "01:30 IST on the 5th");
        assertEquals(ZoneOffset.ofHours(5), SunTimesToday.zone(new BloomskyConfig(List.of("h"), "34.1", "77.6", "auto",
                Duration.ofSeconds(1), 100)), "auto: whole hours from the longitude");
        assertEquals(ZoneId.of("Asia/Kolkata"), SunTimesToday.zone(leh));
    }

    @Test
    void onlySuccessfulUploadRepliesAreLearnedAndTheyOutliveARestart() throws Exception {
        Instant now = Instant.parse("2026-11-21T04:00:00Z");
        BloomskyInterceptor first = interceptor(BloomskyConfig.DEFAULTS, now);
        HttpRequest upload = post("/devc/skydevice/?Info=" + INFO, new byte[0]);
        first.learn(upload, new HttpReply(500, List.of(Map.entry("Server", "broken")), "oops".getBytes(StandardCharsets.UTF_8), false));
        first.learn(upload, new HttpReply(200, List.of(Map.entry("Server", "error page")),
                "{\"ResponseValue\":400}".getBytes(StandardCharsets.UTF_8), false));
        assertEquals(LearnedReply.BUILT_IN.headers(), first.impersonate(upload).orElseThrow().headers(), "nothing poisoned");
        first.learn(upload, new HttpReply(200, List.of(Map.entry("Server", "nginx"), Map.entry("Content-Type", "application/json"),
                Map.entry("Transfer-Encoding", "chunked"), Map.entry("Date", "old"), Map.entry("Content-Length", "98")),
                "{\"ResponseValue\":200,\"Message\":0,\"SunsetTime\":1795251600,\"TS\":1795200000,\"SunriseTime\":1795213200}"
                        .getBytes(StandardCharsets.UTF_8), true));
        BloomskyInterceptor afterRestart = interceptor(BloomskyConfig.DEFAULTS, now);
        HttpReply reply = afterRestart.impersonate(upload).orElseThrow();
        assertEquals(List.of(Map.entry("Server", "nginx"), Map.entry("Content-Type", "application/json")), reply.headers(),
                "learned headers without framing or Date");
        long rise = new ObjectMapper().readTree(reply.body()).get("SunriseTime").asLong();
        assertEquals(0, (rise - 1795213200L) % 86_400);
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> names = new java.util.ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void aWronglyTypedValueIsLeftOutCountedAndShownTheRestIsKept() {
        BloomskyInterceptor i = interceptor(BloomskyConfig.DEFAULTS, RECEIVED);
        String info = INFO.replace("\"Temperature\":16.33", "\"Temperature\":\"hot\"")
                .replace("\"Humidity\":34", "\"Humidity\":\"34.5\"").replace("\"Rain\":0", "\"Rain\":7");
        var r = i.observe(post("/devc/skydevice/?Info=" + info, new byte[0])).readings().get(0);
        assertEquals(null, r.metrics().get("temperature"), "\"hot\" is no temperature");
        assertEquals(MetricValue.of(34.5, "%"), r.metrics().get("humidity"), "a number sent as text is still the number");
        assertEquals(null, r.metrics().get("rain"), "a flag is 0 or 1");
        assertEquals(MetricValue.of(669, "hPa"), r.metrics().get("pressure"), "the rest of the reading is kept");
        assertEquals(2L, i.invalidValues.count.sum());
        assertEquals("94A1A2733B1A Rain=7", i.invalidValues.last.get());
    }
}
