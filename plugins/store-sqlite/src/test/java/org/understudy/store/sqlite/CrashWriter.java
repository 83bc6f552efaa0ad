package org.understudy.store.sqlite;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.understudy.api.model.MetricValue;
import org.understudy.api.model.Reading;

/**
 * Run in a separate JVM by the crash tests: writes readings (and now and then a blob) from several
 * threads into the store forever, and after each acknowledged write appends its id to an ack file. The
 * test kills this process with SIGKILL at a random moment and then checks that every acknowledged id
 * is in the store.
 */
public final class CrashWriter {

    private CrashWriter() {
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        Path acks = Path.of(args[1]);
        int threads = Integer.parseInt(args[2]);
        String run = args[3];
        EmbeddedStore store = new EmbeddedStore(data, Map.of());
        OutputStream ackOut = new FileOutputStream(acks.toFile(), true);
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread w = new Thread(() -> {
                for (long n = 0; ; n++) {
                    String id = run + "-" + thread + "-" + n;
                    Instant now = Instant.now();
                    try {
                        store.recorder().record(List.of(new Reading("crash" + thread, "test", now, now,
                                Map.of("n", MetricValue.of(n, "")), Map.of("id", id))));
                        if (n % 50 == 0) {
                            store.recorder().storeBlob("crash" + thread, "test", now, "application/octet-stream",
                                    (id + "-blob").repeat(2000).getBytes(StandardCharsets.UTF_8));
                        }
                        synchronized (ackOut) {
                            ackOut.write((id + "\n").getBytes(StandardCharsets.UTF_8));
                            ackOut.flush();
                        }
                    } catch (Exception e) {
                        System.err.println("write failed: " + e);
                        return;
                    }
                }
            });
            w.start();
        }
        synchronized (ackOut) {
            ackOut.write("started\n".getBytes(StandardCharsets.UTF_8));
            ackOut.flush();
        }
        Thread.currentThread().join();
    }

    /** The JVM command that runs this class with the test class path. */
    static List<String> command(Path data, Path acks, int threads, String run) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"), CrashWriter.class.getName(),
                data.toString(), acks.toString(), String.valueOf(threads), run);
    }
}
