package org.understudy.store.sqlite;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.understudy.api.model.StoredReading;

/**
 * Kill -9 cycles: start a {@link CrashWriter}, let it write for a random while, SIGKILL it, then open
 * the store and check that every acknowledged reading is there, sequences are intact, the database
 * passes its integrity check and no temporary blob file is left. Used by the test (5 cycles) and by
 * bench/store.sh (20 cycles).
 */
public final class CrashCycles {

    /** What the cycles found. */
    record Outcome(int cycles, long acknowledged, long stored, long lost) {}

    private CrashCycles() {
    }

    public static void main(String[] args) throws Exception {
        Outcome o = run(Path.of(args[0]), Integer.parseInt(args[1]), 8);
        System.out.println("RESULT crash_cycles=" + o.cycles() + " acknowledged=" + o.acknowledged()
                + " stored=" + o.stored() + " lost=" + o.lost());
        if (o.lost() > 0) {
            System.exit(1);
        }
    }

    static Outcome run(Path dir, int cycles, int threads) throws Exception {
        Path data = dir.resolve("data");
        Path acks = dir.resolve("acks.txt");
        Files.createDirectories(data);
        Random random = new Random(42);
        for (int cycle = 1; cycle <= cycles; cycle++) {
            Process p = new ProcessBuilder(CrashWriter.command(data, acks, threads, "c" + cycle))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("writer-" + cycle + ".log").toFile()).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!Files.exists(acks) || !Files.readString(acks).contains("c" + cycle + "-")) {
                if (System.nanoTime() > deadline || !p.isAlive()) {
                    p.destroyForcibly();
                    throw new AssertionError("writer did not start: " + Files.readString(dir.resolve("writer-" + cycle + ".log")));
                }
                Thread.sleep(20);
            }
            Thread.sleep(200 + random.nextInt(800));
            p.destroyForcibly(); // SIGKILL: no shutdown hook, no clean close
            p.waitFor(10, TimeUnit.SECONDS);
            verify(data, acks);
        }
        Set<String> acked = acknowledged(acks);
        return new Outcome(cycles, acked.size(), stored(data).size(), 0);
    }

    private static void verify(Path data, Path acks) throws Exception {
        Set<String> acked = acknowledged(acks);
        Set<String> stored;
        try (EmbeddedStore store = new EmbeddedStore(data, Map.of())) {
            stored = new HashSet<>();
            long previous = 0;
            for (List<StoredReading> page = store.store().readAfter(0, 10_000); !page.isEmpty();
                 page = store.store().readAfter(previous, 10_000)) {
                for (StoredReading r : page) {
                    if (r.sequence() <= previous) {
                        throw new AssertionError("sequence went backwards at " + r.sequence());
                    }
                    previous = r.sequence();
                    stored.add(r.reading().tags().get("id"));
                }
            }
        }
        Set<String> lost = new HashSet<>(acked);
        lost.removeAll(stored);
        if (!lost.isEmpty()) {
            throw new AssertionError(lost.size() + " acknowledged readings lost, e.g. " + lost.iterator().next());
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("plugins/store-sqlite/readings.db"));
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
            rs.next();
            if (!"ok".equals(rs.getString(1))) {
                throw new AssertionError("integrity check: " + rs.getString(1));
            }
        }
        try (Stream<Path> files = Files.walk(data.resolve("plugins/store-sqlite/blobs"))) {
            List<Path> temps = files.filter(f -> f.getFileName().toString().startsWith(BlobFiles.TEMP_PREFIX)).toList();
            if (!temps.isEmpty()) {
                throw new AssertionError("temporary blob files left after opening: " + temps);
            }
        }
    }

    private static Set<String> stored(Path data) throws Exception {
        Set<String> ids = new HashSet<>();
        try (EmbeddedStore store = new EmbeddedStore(data, Map.of())) {
            long after = 0;
            for (List<StoredReading> page = store.store().readAfter(after, 10_000); !page.isEmpty();
                 page = store.store().readAfter(after, 10_000)) {
                for (StoredReading r : page) {
                    ids.add(r.reading().tags().get("id"));
                    after = r.sequence();
                }
            }
        }
        return ids;
    }

    private static Set<String> acknowledged(Path acks) throws Exception {
        Set<String> ids = new HashSet<>();
        for (String line : Files.readAllLines(acks, StandardCharsets.UTF_8)) {
            if (!line.isBlank() && !line.equals("started")) {
                ids.add(line.trim());
            }
        }
        return ids;
    }
}
