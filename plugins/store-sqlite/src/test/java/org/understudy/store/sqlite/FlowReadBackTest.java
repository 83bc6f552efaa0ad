package org.understudy.store.sqlite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.api.model.Flow;
import org.understudy.api.model.StoredFlow;

/** Flows read back whole and in order (what a backfill re-sends), with cursors of their own. */
class FlowReadBackTest {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path data;

    static Flow flow(String host, Flow.Outcome outcome, int n, byte[] body) {
        return new Flow(T0.plusSeconds(n), Duration.ofMillis(3), "bloomsky", "10.0.0.7", host, "POST", "/devc/skydevice/?n=" + n,
                200, outcome, List.of(Map.entry("Host", host), Map.entry("Content-Type", "image/jpeg")),
                List.of(Map.entry("Server", "fake")), new Flow.Body(body, null, body.length), Flow.Body.EMPTY);
    }

    @Test
    void flowsComeBackInOrderFilteredWithLargeBodiesKeptAsBlobs() throws Exception {
        byte[] small = "tiny".getBytes(StandardCharsets.UTF_8);
        byte[] picture = new byte[5000];
        java.util.Arrays.fill(picture, (byte) 7);
        try (EmbeddedStore s = new EmbeddedStore(data, Map.of("flowInlineBodyBytes", "1024"))) {
            s.recorder().recordFlows(List.of(flow("a.test", Flow.Outcome.IMPERSONATED, 1, small),
                    flow("a.test", Flow.Outcome.FORWARDED, 2, small),
                    flow("b.test", Flow.Outcome.IMPERSONATED, 3, small)));
            s.recorder().recordFlow(flow("a.test", Flow.Outcome.IMPERSONATED, 4, picture));
            s.recorder().recordFlow(flow("a.test", Flow.Outcome.IMPERSONATED, 5, small));

            List<StoredFlow> offline = s.store().flowsAfter(0, "a.test", Flow.Outcome.IMPERSONATED, 10);
            assertEquals(List.of("/devc/skydevice/?n=1", "/devc/skydevice/?n=4", "/devc/skydevice/?n=5"),
                    offline.stream().map(f -> f.flow().target()).toList());
            Flow first = offline.get(0).flow();
            assertEquals(flow("a.test", Flow.Outcome.IMPERSONATED, 1, small).requestHeaders(), first.requestHeaders());
            assertArrayEquals(small, first.requestBody().inline());
            assertEquals(T0.plusSeconds(1), first.start());
            assertEquals("10.0.0.7", first.client());

            Flow.Body large = offline.get(1).flow().requestBody();
            assertNull(large.inline(), "above the inline limit");
            assertEquals(5000, large.size());
            assertArrayEquals(picture, s.store().blobContent(large.blobSha256()).orElseThrow(), "kept as a blob");

            assertEquals(List.of(offline.get(2).id()), s.store().flowsAfter(offline.get(1).id(), "a.test",
                    Flow.Outcome.IMPERSONATED, 1).stream().map(StoredFlow::id).toList());
            assertEquals(List.of("a.test", "b.test", "a.test", "a.test"), s.store().flowsAfter(0, null, Flow.Outcome.IMPERSONATED, 10)
                    .stream().map(f -> f.flow().host()).toList(), "any host");
            s.store().saveFlowCursor("backfill:a.test", offline.get(1).id());

            Instant end = T0.plusSeconds(60);
            assertEquals(3, s.store().countFlows(T0, end, "a.test", Flow.Outcome.IMPERSONATED, 100), "counted as flows() lists them");
            assertEquals(2, s.store().countFlows(T0, end, "a.test", Flow.Outcome.IMPERSONATED, 2), "at most max");
            assertEquals(2, s.store().countFlows(T0.plusSeconds(4), end, "a.test", null, 100), "from the start of the range");
            assertEquals(5, s.store().countFlows(T0, end, null, null, 100));
            assertEquals(s.store().flows(T0, end, "b.test", null, Long.MAX_VALUE, 100).size(),
                    s.store().countFlows(T0, end, "b.test", null, 100));
        }
        try (EmbeddedStore s = new EmbeddedStore(data, Map.of())) {
            long cursor = s.store().flowCursor("backfill:a.test");
            assertEquals(List.of("/devc/skydevice/?n=5"), s.store().flowsAfter(cursor, "a.test", Flow.Outcome.IMPERSONATED, 10)
                    .stream().map(f -> f.flow().target()).toList(), "the cursor survives a restart");
            assertEquals(0, s.store().cursor("backfill:a.test"), "flow cursors are not sink cursors");
        }
    }
}
