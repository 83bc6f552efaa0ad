package org.understudy.it.scenario;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What {@link ScenarioStation} logged: one line per request, {@code kind deviceTs status millis}. */
public record StationLog(int requests, int ok, int pictures, long slowest, List<String> failures) {

    public static StationLog read(Path log) {
        if (!Files.exists(log)) {
            return new StationLog(0, 0, 0, 0, List.of());
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int requests = 0;
        int ok = 0;
        int pictures = 0;
        long slowest = 0;
        List<String> failures = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.split(" ", 4);
            if (f.length < 4) {
                continue; // being written
            }
            if (!f[0].equals("dns")) {
                requests++;
            }
            if (f[2].equals("200")) {
                ok++;
                pictures += f[0].equals("picture") ? 1 : 0;
                slowest = Math.max(slowest, Long.parseLong(f[3]));
            } else {
                failures.add(line);
            }
        }
        return new StationLog(requests, ok, pictures, slowest, List.copyOf(failures));
    }
}
