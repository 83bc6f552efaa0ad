package org.understudy.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The real gateway started with bin/understudy from an installation copied out of the distribution. */
final class GatewayProcess implements AutoCloseable {

    private final Process process;
    private final Path output;

    private GatewayProcess(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    /** Copies the distribution tree (without data or cache) to {@code home}. */
    static void install(Path home) throws IOException {
        DistributionOptions.deleteRecursively(home);
        Path dist = DistributionOptions.dist();
        try (var files = Files.walk(dist)) {
            for (Path source : files.toList()) {
                Path relative = dist.relativize(source);
                if ((relative.startsWith("data") || relative.startsWith("cache")) && relative.getNameCount() > 1) {
                    continue; // what a quick start in place left: data, and a cache made for that path
                }
                Path target = home.resolve(relative.toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
        home.resolve("bin/understudy").toFile().setExecutable(true);
        // tests never send traffic to the LAN: no Kasa or camera discovery broadcasts, camera sockets on loopback
        Path kasa = home.resolve("conf/understudy.kasa.cfg");
        if (Files.exists(kasa)) {
            Files.writeString(kasa, Files.readString(kasa).replaceAll("(?m)^broadcastAddresses=.*$", "broadcastAddresses=")
                    .replaceAll("(?m)^klapDiscoveryPort=.*$", "klapDiscoveryPort=0"));
        }
        Path cameras = home.resolve("conf/understudy.vstarcam.cfg");
        if (Files.exists(cameras)) {
            Files.writeString(cameras, Files.readString(cameras).replaceAll("(?m)^broadcastAddresses=.*$", "broadcastAddresses=")
                    .replaceAll("(?m)^bindAddress=.*$", "bindAddress=127.0.0.1").replaceAll("(?m)^cloudPort=.*$", "cloudPort=0"));
        }
    }

    static GatewayProcess start(Path home, Map<String, String> env, Path output) throws IOException {
        return start(List.of(), home, env, output);
    }

    /** Started through {@code prefix} (such as {@code ip netns exec gw}), which must exec the command. */
    static GatewayProcess start(List<String> prefix, Path home, Map<String, String> env, Path output) throws IOException {
        List<String> command = new ArrayList<>(prefix);
        command.add(home.resolve("bin/understudy").toString());
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().keySet().removeIf(k -> k.startsWith("UNDERSTUDY_"));
        // the shipped conf/ is for production (DNS on port 53 of every address): tests stay on loopback
        pb.environment().put("UNDERSTUDY_DNS_HOST", "127.0.0.1");
        pb.environment().put("UNDERSTUDY_DNS_PORT", String.valueOf(DistributionOptions.freeUdpPort()));
        pb.environment().put("UNDERSTUDY_PROXY_HOST", "127.0.0.1");
        pb.environment().put("UNDERSTUDY_PROXY_PORT", String.valueOf(DistributionOptions.freeTcpPort()));
        pb.environment().put("UNDERSTUDY_PROXY_TLS_PORT", String.valueOf(DistributionOptions.freeTcpPort()));
        pb.environment().putAll(env);
        pb.redirectErrorStream(true);
        pb.redirectOutput(output.toFile());
        return new GatewayProcess(pb.start(), output);
    }

    String output() throws IOException {
        return Files.readString(output);
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Sends SIGTERM and waits; returns how long the process took to exit. */
    Duration terminate() throws InterruptedException {
        long t0 = System.nanoTime();
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("gateway did not exit within 10 s of SIGTERM");
        }
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    int waitForExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("gateway still running after " + timeout);
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
