package org.understudy.store.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.api.RecordException;
import org.understudy.api.model.MetricValue;
import org.understudy.api.model.Reading;

/**
 * On a real, small file system (a 16 MB tmpfs): when the disk is full or read-only, recording fails with
 * a clear reason, nothing acknowledged is lost or corrupted, the store keeps answering reads, and
 * recording works again once space (or write access) returns. Needs root to mount; skipped, loudly,
 * where mounting is not permitted.
 */
class DiskFullTest {

    @TempDir
    Path dir;
    private Path mount;

    @BeforeEach
    void mountTmpfs() throws Exception {
        mount = Files.createDirectories(dir.resolve("fs"));
        int rc = run("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", mount.toString());
        if (rc != 0) {
            System.err.println("*** DiskFullTest SKIPPED: cannot mount a tmpfs here (needs root) ***");
        }
        Assumptions.assumeTrue(rc == 0, "cannot mount a tmpfs (needs root)");
    }

    @AfterEach
    void unmount() throws Exception {
        if (mount != null) {
            run("umount", "-l", mount.toString());
        }
    }

    private static int run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(10, TimeUnit.SECONDS) ? p.exitValue() : -1;
    }

    private static List<Reading> batch(int from) {
        List<Reading> out = new ArrayList<>();
        for (int i = from; i < from + 500; i++) {
            Instant t = Instant.now();
            out.add(new Reading("dev", "test", t, t, Map.of("v", MetricValue.of(i, ""), "note",
                    MetricValue.of("x".repeat(200))), Map.of("i", Integer.toString(i))));
        }
        return out;
    }

    @Test
    void fullAndReadOnlyDisksFailClearlyAndRecover() throws Exception {
        Path data = mount.resolve("data");
        Path filler = mount.resolve("filler");
        long acknowledged = 0;
        try (EmbeddedStore s = new EmbeddedStore(data, Map.of("minFreeBytes", "0"))) {
            try (RandomAccessFile f = new RandomAccessFile(filler.toFile(), "rw")) {
                f.setLength(Files.getFileStore(mount).getUsableSpace() - 2 * 1024 * 1024);
                f.getFD().sync();
            }
            Files.write(filler, new byte[] {1}, java.nio.file.StandardOpenOption.APPEND); // allocate for real
            fillAllocated(filler);
            RecordException full = null;
            for (int i = 0; i < 200 && full == null; i++) {
                try {
                    s.recorder().record(batch(i * 500));
                    acknowledged += 500;
                } catch (RecordException e) {
                    full = e;
                }
            }
            assertTrue(full != null, "the disk never filled up");
            assertTrue(full.getMessage().contains("disk full") || full.getMessage().contains("disk I/O error"),
                    "a clear reason: " + full.getMessage());
            RecordException blob = org.junit.jupiter.api.Assertions.assertThrows(RecordException.class,
                    () -> s.recorder().storeBlob("dev", "test", Instant.now(), "image/jpeg", new byte[4 * 1024 * 1024]));
            assertTrue(blob.getMessage().startsWith("blob not stored"), blob.getMessage());
            assertEquals(acknowledged, s.store().lastSequence(), "reads still work and nothing acknowledged is missing");

            Files.delete(filler);
            s.recorder().record(batch(1_000_000));
            acknowledged += 500;
            assertEquals(acknowledged, s.store().readAfter(0, 1_000_000).size(), "recording works again");

        }
        // read-only (remounted while nothing is open): the store cannot start, says why, the gateway serves on
        assertEquals(0, run("mount", "-o", "remount,ro", mount.toString()));
        try (ReadOnlyProbe probe = new ReadOnlyProbe(data)) {
            String error = probe.storeError();
            assertTrue(error.contains("read-only") || error.contains("readonly") || error.contains("Read-only"), error);
            RecordException e = org.junit.jupiter.api.Assertions.assertThrows(RecordException.class,
                    () -> probe.runtime().recorder().record(batch(2_000_000)));
            assertTrue(e.getMessage().startsWith("no reading store is running"), e.getMessage());
        }
        assertEquals(0, run("mount", "-o", "remount,rw", mount.toString()));
        try (EmbeddedStore s = new EmbeddedStore(data, Map.of())) {
            assertEquals(acknowledged, s.store().readAfter(0, 1_000_000).size(), "everything acknowledged is still there");
            s.recorder().record(batch(3_000_000));
            acknowledged += 500;
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("plugins/store-sqlite/readings.db"));
             ResultSet rs = c.createStatement().executeQuery("PRAGMA integrity_check")) {
            rs.next();
            assertEquals("ok", rs.getString(1));
        }
    }

    /** The runtime with the store on a read-only file system: the store plugin fails to start. */
    private static final class ReadOnlyProbe implements AutoCloseable {
        private final org.understudy.core.PluginRuntime runtime;

        ReadOnlyProbe(Path data) {
            runtime = new org.understudy.core.PluginRuntime(data, data.resolve("conf"), k -> null, java.time.Clock.systemUTC());
            runtime.configure("understudy.runtime", Map.of("readingStore", "store-sqlite"));
            runtime.add(org.understudy.core.ClasspathPlugins.discover(DiskFullTest.class.getClassLoader()));
        }

        org.understudy.core.PluginRuntime runtime() {
            return runtime;
        }

        @SuppressWarnings("unchecked")
        String storeError() {
            Map<String, Object> store = ((List<Map<String, Object>>) runtime.status().get("plugins")).stream()
                    .filter(p -> "store-sqlite".equals(p.get("id"))).findFirst().orElseThrow();
            assertEquals("FAILED", store.get("state"));
            return String.valueOf(store.get("error"));
        }

        @Override
        public void close() {
            runtime.close();
        }
    }

    /** tmpfs allocates lazily: write the filler's pages so the space is really taken. */
    private static void fillAllocated(Path filler) throws IOException {
        byte[] chunk = new byte[1 << 20];
        try (RandomAccessFile f = new RandomAccessFile(filler.toFile(), "rw")) {
            long length = f.length();
            for (long pos = 0; pos < length; pos += chunk.length) {
                f.seek(pos);
                f.write(chunk, 0, (int) Math.min(chunk.length, length - pos));
            }
        }
    }
}
