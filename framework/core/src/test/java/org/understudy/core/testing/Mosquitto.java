package org.understudy.core.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** A real mosquitto on 127.0.0.1 with persistence in a directory of the test's own. */
public final class Mosquitto implements AutoCloseable {

    private final Path dir;
    private final int port;
    private Process process;

    public Mosquitto(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.port = portBelowEphemeralRange();
        Files.writeString(dir.resolve("mosquitto.conf"), String.join("\n",
                "listener " + port + " 127.0.0.1", "allow_anonymous true", "persistence true",
                "persistence_location " + dir + "/", "autosave_interval 1", "log_dest file " + dir.resolve("mosquitto.log"), ""));
    }

    /**
     * A free port below the kernel's ephemeral range: while the broker is stopped, the clients' reconnect
     * attempts take ephemeral local ports, and one could take the broker's (or connect to itself on it).
     */
    private static int portBelowEphemeralRange() throws IOException {
        int low = Integer.parseInt(Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim().split("\\s+")[0]);
        java.util.Random random = new java.util.Random();
        for (int attempt = 0; attempt < 1000; attempt++) {
            int candidate = 10_000 + random.nextInt(Math.max(1, low - 10_000));
            try (ServerSocket s = new ServerSocket(candidate, 1, java.net.InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            } catch (java.net.BindException taken) {
                // try another
            }
        }
        throw new IOException("no free port between 10000 and " + low);
    }

    public String uri() {
        return "tcp://127.0.0.1:" + port;
    }

    public Mosquitto start() throws Exception {
        String binary = Files.isExecutable(Path.of("/usr/sbin/mosquitto")) ? "/usr/sbin/mosquitto" : "mosquitto";
        process = new ProcessBuilder(binary, "-c", dir.resolve("mosquitto.conf").toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("mosquitto.out").toFile())).start();
        for (int i = 0; i < 100; i++) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                Thread.sleep(100);
                if (!process.isAlive()) {
                    break; // something else answers on the port: this broker could not bind it
                }
                return this;
            } catch (IOException notYet) {
                if (!process.isAlive()) {
                    break;
                }
                Thread.sleep(50);
            }
        }
        throw new AssertionError("mosquitto did not start (run .ci/install-test-deps): " + Files.readString(dir.resolve("mosquitto.out")));
    }

    /**
     * Stops the broker and returns only once it is gone: a broker still closing would answer the next
     * {@link #start()}'s readiness check while the new one fails to bind, and then leave the port empty.
     */
    public void stop() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            process = null;
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
