package org.understudy.proxy;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;
import org.understudy.core.testing.TestPorts;

/**
 * A dnsmasq on 127.0.0.1 answering the given names with the given addresses, and nothing else; started
 * on a port free for UDP and TCP (dnsmasq binds both) and returned only once it has bound it.
 */
final class LoopbackDnsmasq implements AutoCloseable {

    private final Process process;
    private final int port;

    private LoopbackDnsmasq(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static LoopbackDnsmasq start(Path dir, Map<String, String> addresses) throws IOException, InterruptedException {
        // the port is free when chosen, but another process may take it before dnsmasq binds: try another
        AssertionError last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                return startOn(TestPorts.freeDnsPort(), dir, addresses);
            } catch (AssertionError e) {
                last = e;
            }
        }
        throw last;
    }

    private static LoopbackDnsmasq startOn(int port, Path dir, Map<String, String> addresses) throws IOException, InterruptedException {
        List<String> conf = new ArrayList<>(List.of("no-resolv", "no-hosts", "listen-address=127.0.0.1", "bind-interfaces",
                "port=" + port));
        addresses.forEach((name, address) -> conf.add("address=/" + name + "/" + address));
        Files.writeString(dir.resolve("dnsmasq.conf"), String.join("\n", conf) + "\n");
        String binary = Files.isExecutable(Path.of("/usr/sbin/dnsmasq")) ? "/usr/sbin/dnsmasq" : "dnsmasq";
        Path out = dir.resolve("dnsmasq.out");
        Process p = new ProcessBuilder(binary, "-k", "-C", dir.resolve("dnsmasq.conf").toString(), "--pid-file=")
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            await("dnsmasq bound to port " + port).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                    .failFast("dnsmasq exited", () -> !p.isAlive())
                    .until(() -> bound(port));
        } catch (ConditionTimeoutException | TerminalFailureException notUp) {
            // an AssertionError: start() tries another port
            p.destroyForcibly();
            String exit = p.waitFor(1, TimeUnit.SECONDS) ? "exit " + p.exitValue() : "still running";
            throw new AssertionError("dnsmasq did not come up on port " + port + " (" + exit + "): " + Files.readString(out), notUp);
        }
        return new LoopbackDnsmasq(p, port);
    }

    int port() {
        return port;
    }

    /** Stops this dnsmasq and starts another on the same port answering {@code addresses} (a name added or withdrawn). */
    LoopbackDnsmasq restart(Path dir, Map<String, String> addresses) throws IOException, InterruptedException {
        close();
        return startOn(port, dir, addresses);
    }

    private static boolean bound(int port) {
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
            return false;
        } catch (BindException taken) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
