package org.understudy.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.core.testing.SettableClock;

class ConfigSnapshotsTest {

    @TempDir
    Path dir;

    private static Map<String, Map<String, Object>> config(String port) {
        return Map.of("understudy.dns", Map.of("port", port, "service.pid", "understudy.dns", "hosts", new String[] {"a", "b"}),
                "understudy.runtime", Map.of("site", "stupa"));
    }

    @Test
    void aChangeIsKeptTheSameConfigurationIsNotKeptTwiceAndOnlyTheNewestAreKept() throws Exception {
        ConfigSnapshots snapshots = new ConfigSnapshots(dir, Clock.fixed(Instant.parse("2026-11-28T04:00:00Z"), ZoneOffset.UTC));
        assertTrue(snapshots.take(config("53"), 3).isPresent());
        assertTrue(snapshots.take(config("53"), 3).isEmpty(), "nothing changed (an array equal by content, ConfigAdmin's keys ignored)");
        for (int port = 1; port <= 4; port++) {
            assertTrue(snapshots.take(config(String.valueOf(port)), 3).isPresent());
        }
        List<ConfigSnapshots.Summary> kept = snapshots.list();
        assertEquals(List.of("20261128T040000000Z-4", "20261128T040000000Z-3", "20261128T040000000Z-2"),
                kept.stream().map(ConfigSnapshots.Summary::id).toList(), "newest first, within one millisecond by counter");
        ConfigSnapshots.Snapshot newest = snapshots.read(kept.get(0).id()).orElseThrow();
        assertEquals(Map.of("port", "4", "hosts", List.of("a", "b")), newest.configurations().get("understudy.dns"));
        assertEquals(List.of("understudy.dns", "understudy.runtime"), kept.get(0).pids());
        assertTrue(snapshots.take(config("9"), 0).isEmpty(), "0 keeps none");
    }

    @Test
    void aClockSetBackStillKeepsTheNewSnapshotAsTheNewest() throws Exception {
        SettableClock clock = new SettableClock(Instant.parse("2026-11-28T04:00:00Z"));
        ConfigSnapshots snapshots = new ConfigSnapshots(dir, clock);
        snapshots.take(config("1"), 2);
        clock.set(Instant.parse("2025-01-01T00:00:00Z")); // a power cut, the clock restored from an old saved time
        snapshots.take(config("2"), 2);
        snapshots.take(config("3"), 2);
        List<ConfigSnapshots.Summary> kept = snapshots.list();
        assertEquals(List.of("3", "2"), kept.stream().map(s -> {
            try {
                return (String) snapshots.read(s.id()).orElseThrow().configurations().get("understudy.dns").get("port");
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }).toList());
        assertEquals(Instant.parse("2025-01-01T00:00:00Z"), kept.get(0).time(), "the time it was taken, as the clock said");
    }

    @Test
    void aSnapshotFileReadsBackAsItWasWrittenAndForConfigAdminListsAreArrays() throws Exception {
        ConfigSnapshots snapshots = new ConfigSnapshots(dir, Clock.systemUTC());
        String id = snapshots.take(config("5353"), 5).orElseThrow().id();
        ConfigSnapshots.Snapshot back = ConfigSnapshots.decode(snapshots.bytes(id).orElseThrow(), null);
        assertEquals(ConfigSnapshots.normalized(config("5353")), back.configurations());
        Object hosts = ConfigSnapshots.forConfigAdmin(back.configurations().get("understudy.dns")).get("hosts");
        assertTrue(hosts instanceof String[] a && a.length == 2 && a[1].equals("b"));
    }

    @Test
    void anIdThatIsNotASnapshotsNameReadsNothing() throws Exception {
        ConfigSnapshots snapshots = new ConfigSnapshots(dir, Clock.systemUTC());
        Files.writeString(dir.resolve("secret.json"), "{}");
        for (String id : List.of("../secret", "secret", "", "20261128T040000000Z/../x")) {
            assertTrue(snapshots.read(id).isEmpty(), id);
            assertTrue(snapshots.bytes(id).isEmpty(), id);
        }
        assertTrue(snapshots.list().isEmpty(), "files not named as snapshots are not listed");
    }

    @Test
    void whatIsNotASnapshotIsRefusedWithTheReason() {
        Map<String, String> bad = Map.of(
                "[1,2]", "expected a JSON object",
                "{\"format\":\"x\"}", "\"format\" must be",
                "{\"format\":\"understudy-config-snapshot/1\",\"time\":\"yesterday\",\"configurations\":{}}", "\"time\" must be",
                "{\"format\":\"understudy-config-snapshot/1\",\"time\":\"2026-11-28T04:00:00Z\",\"configurations\":{\"os.x\":{}}}",
                "not an Understudy configuration",
                "{\"format\":\"understudy-config-snapshot/1\",\"time\":\"2026-11-28T04:00:00Z\",\"configurations\":{\"understudy.dns\":{\"port\":{\"a\":1}}}}",
                "a value is a string, number, boolean or list",
                "{not json", "not JSON");
        bad.forEach((text, reason) -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ConfigSnapshots.decode(text.getBytes(StandardCharsets.UTF_8), null));
            assertTrue(e.getMessage().contains(reason), text + " -> " + e.getMessage());
        });
        assertThrows(IllegalArgumentException.class, () -> ConfigSnapshots.decode(new byte[ConfigSnapshots.MAX_BYTES + 1], null));
    }
}
