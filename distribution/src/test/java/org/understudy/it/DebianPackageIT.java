package org.understudy.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Debian package that {@code mvn package} builds goes through its life (install with only the OS's Java, the
 * gateway started as its unit starts it, upgrade, remove, purge) on a throwaway overlay of this system with no
 * network: {@code src/test/deb/package-life.sh}, which says what each step checks. Needs root (it installs into
 * the overlay as dpkg does); the README's test command runs as root.
 */
class DebianPackageIT {

    private static final Path SCRIPT = Path.of("src/test/deb/package-life.sh");

    @Test
    void installsServesUpgradesRemovesAndPurgesOffline() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "installing a Debian package needs root");
        Path deb;
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            // the newest: a build without clean leaves those of earlier builds (each its own snapshot version) beside it
            deb = files.filter(f -> f.getFileName().toString().matches("understudy_.*_all\\.deb"))
                    .max(Comparator.comparing(f -> f.toFile().lastModified()))
                    .orElseThrow(() -> new AssertionError("mvn package made no Debian package in target/"));
        }
        Path work = Path.of("target/it/debian-package").toAbsolutePath();
        Path output = Path.of("target/debian-package-life.txt");
        Process life = new ProcessBuilder("sh", SCRIPT.toString(), deb.toString(), work.toString())
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        boolean ended = life.waitFor(5, TimeUnit.MINUTES);
        if (!ended) {
            life.destroyForcibly().waitFor();
        }
        String out = Files.readString(output, StandardCharsets.UTF_8);
        try {
            assertTrue(ended, "the package's life did not end within 5 minutes:\n" + out);
            assertEquals(0, life.exitValue(), out);
            for (String step : List.of("OK installed", "OK layout", "OK serving as user understudy", "OK health check", "OK upgraded", "OK removed",
                    "OK purged")) {
                assertTrue(out.contains(step), step + " missing:\n" + out);
            }
        } finally {
            delete(work); // the overlay's upper layer: what the install wrote
        }
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
