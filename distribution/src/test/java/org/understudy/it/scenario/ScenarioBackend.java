package org.understudy.it.scenario;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.understudy.proxy.FakeBloomskyBackend;

/**
 * The vendor's backend, run inside the "internet" namespace: the proxy tests' fake Bloomsky backend, with
 * the number of uploads it received written to a file every 100 ms for the test to read.
 * Arguments: address, port, count file.
 */
public final class ScenarioBackend {

    private ScenarioBackend() {
    }

    public static void main(String[] args) throws Exception {
        Path count = Path.of(args[2]);
        Path next = Path.of(args[2] + ".tmp");
        try (FakeBloomskyBackend backend = new FakeBloomskyBackend(args[0], Integer.parseInt(args[1]))) {
            while (true) {
                Files.writeString(next, String.valueOf(backend.received.size()));
                Files.move(next, count, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                Thread.sleep(100);
            }
        }
    }

    /** What the backend has received so far, as last written. */
    public static int received(Path count) {
        try {
            return Files.exists(count) ? Integer.parseInt(Files.readString(count).trim()) : 0;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
