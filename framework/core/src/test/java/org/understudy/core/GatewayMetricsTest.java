package org.understudy.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.understudy.api.Meters;

class GatewayMetricsTest {

    private final GatewayMetrics metrics = new GatewayMetrics();

    private String scrape() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        metrics.write(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void countersHistogramsAndGaugesArePublishedUnderTheGatewaysPrefix() throws IOException {
        PluginMeters dns = metrics.forPlugin("dns");
        Meters.Counter queries = dns.counter("dns_queries_total", "DNS queries answered.", "source");
        Meters.Counter cached = queries.labels("cache");
        cached.increment();
        cached.add(2);
        queries.labels("upstream").increment();
        Meters.Histogram latency = dns.histogram("dns_upstream_seconds", "Upstream answer time.", List.of(0.01, 0.1));
        latency.observe(0.05);
        AtomicLong entries = new AtomicLong(42);
        dns.gauge("dns_cache_entries", "Cached answers.", v -> v.value(entries.get()));
        AtomicLong dropped = new AtomicLong(7);
        dns.counterWithCallback("dns_dropped_packets_total", "Dropped.", v -> v.value(dropped.get()));

        String page = scrape();
        assertTrue(page.contains("# TYPE understudy_dns_queries_total counter"), page);
        assertTrue(page.contains("understudy_dns_queries_total{source=\"cache\"} 3.0"), page);
        assertTrue(page.contains("understudy_dns_queries_total{source=\"upstream\"} 1.0"), page);
        assertTrue(page.contains("understudy_dns_upstream_seconds_bucket{le=\"0.01\"} 0"), page);
        assertTrue(page.contains("understudy_dns_upstream_seconds_bucket{le=\"0.1\"} 1"), page);
        assertTrue(page.contains("understudy_dns_upstream_seconds_count 1"), page);
        assertTrue(page.contains("understudy_dns_cache_entries 42.0"), page);
        assertTrue(page.contains("understudy_dns_dropped_packets_total 7.0"), page);
        assertTrue(page.contains("jvm_memory_used_bytes{area=\"heap\"}"), "the JVM's own series: " + page);
        assertTrue(page.contains("process_resident_memory_bytes"), page);

        entries.set(5);
        assertTrue(scrape().contains("understudy_dns_cache_entries 5.0"), "a gauge is read at each scrape");
    }

    @Test
    void aNameBelongsToOnePluginAndAskingAgainGivesTheSameMeter() {
        PluginMeters store = metrics.forPlugin("store-sqlite");
        Meters.Counter commits = store.counter("store_commits_total", "Commits.");
        assertSame(commits, store.counter("store_commits_total", "Commits."));
        assertThrows(IllegalArgumentException.class, () -> store.counter("store_commits_total", "Commits.", "kind"),
                "the same name with other labels");
        IllegalArgumentException taken = assertThrows(IllegalArgumentException.class,
                () -> metrics.forPlugin("store-memory").counter("store_commits_total", "Commits."));
        assertEquals("metric 'store_commits_total' is already published by store-sqlite", taken.getMessage());
        assertThrows(IllegalArgumentException.class, () -> store.counter("commits", "no _total"));
        assertThrows(IllegalArgumentException.class, () -> store.counter("Bad-Name_total", "case and dash"));
        assertThrows(IllegalArgumentException.class, () -> store.histogram("h", "descending", List.of(2.0, 1.0)));
        commits.increment(); // without labels it counts itself, and has no series to give
        assertThrows(IllegalStateException.class, () -> commits.labels("x"));
        Meters.Counter labelled = store.counter("store_writes_total", "Writes.", "kind");
        assertThrows(IllegalStateException.class, labelled::increment, "a labelled counter counts on its series");
        assertThrows(IllegalArgumentException.class, () -> labelled.labels("a", "b"));
        assertThrows(IllegalArgumentException.class, () -> labelled.labels("a").add(-1));
    }

    @Test
    void aStoppedPluginsMetersAreWithdrawnAndItsNamesFreed() throws IOException {
        PluginMeters first = metrics.forPlugin("proxy");
        first.counter("proxy_refused_requests_total", "Refused.").increment();
        first.gauge("proxy_connections", "Open.", v -> v.value(3));
        assertTrue(scrape().contains("understudy_proxy_refused_requests_total 1.0"));

        first.close();
        String page = scrape();
        assertFalse(page.contains("understudy_proxy_"), page);
        assertThrows(IllegalStateException.class, () -> first.counter("proxy_other_total", "after stop"));

        PluginMeters again = metrics.forPlugin("proxy");
        again.counter("proxy_refused_requests_total", "Refused.");
        assertTrue(scrape().contains("understudy_proxy_refused_requests_total 0.0"), "started again from zero");
    }

    @Test
    void aGaugeThatFailsIsLeftOutOfTheScrapeAndTheRestIsServed() throws IOException {
        PluginMeters sink = metrics.forPlugin("sink-influxdb");
        sink.gauge("sink_broken", "Throws.", v -> {
            throw new IllegalStateException("no store");
        });
        sink.gauge("sink_wrong_labels", "One label, reported with none.", v -> v.value(1), "sink");
        sink.gauge("sink_fine", "Works.", v -> v.value(1));
        String page = scrape();
        assertTrue(page.contains("understudy_sink_fine 1.0"), page);
        assertFalse(page.contains("understudy_sink_broken "), page);
        assertFalse(page.contains("understudy_sink_wrong_labels "), page);
    }
}
