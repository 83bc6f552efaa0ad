package org.understudy.dns.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** A real dnsmasq on 127.0.0.1 playing the upstream resolver ("the internet"). */
final class Dnsmasq implements AutoCloseable {

    private final Path config;
    private final int port;
    private Process process;

    Dnsmasq(Path dir, int port, String extraConfig) throws IOException {
        this.port = port;
        this.config = dir.resolve("dnsmasq.conf");
        Files.writeString(config, String.join("\n",
                "no-resolv", "no-hosts", "listen-address=127.0.0.1", "bind-interfaces", "port=" + port,
                "local=/test/", extraConfig, ""));
    }

    int port() {
        return port;
    }

    Dnsmasq start() throws Exception {
        process = new ProcessBuilder(Tools.require("dnsmasq"), "-k", "-C", config.toString(), "--pid-file=")
                .redirectErrorStream(true).redirectOutput(config.resolveSibling("dnsmasq.out").toFile()).start();
        for (int i = 0; i < 50; i++) {
            try {
                if (Tools.status(Tools.dig(port, "+time=1", "probe.test")).equals("NXDOMAIN")) {
                    return this;
                }
            } catch (AssertionError notListeningYet) {
                // dig gave up: try again
            }
            Thread.sleep(100);
        }
        throw new AssertionError("dnsmasq did not start: " + Files.readString(config.resolveSibling("dnsmasq.out")));
    }

    void stop() throws InterruptedException {
        if (process != null) {
            process.destroy();
            process.waitFor(5, TimeUnit.SECONDS);
            process = null;
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
