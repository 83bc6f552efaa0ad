package org.understudy.it.scenario;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Three network namespaces wired like a real site: {@code ussta} (the station, 10.231.1.2) and {@code usnet}
 * (the "internet" with the vendor's backend and its resolver, 10.231.2.2) each on a veth to {@code usgw} (the
 * gateway, 10.231.1.1 towards the station and 10.231.2.1 towards the internet). Nothing is routed between the
 * two sides: the station only ever reaches the gateway. Closing stops what runs inside and deletes them.
 * The names and addresses are fixed: one such test per host at a time.
 */
public final class Namespaces implements AutoCloseable {

    public static final String GATEWAY = "usgw";
    public static final String STATION = "ussta";
    public static final String INTERNET = "usnet";
    public static final String GATEWAY_LAN_ADDRESS = "10.231.1.1";
    public static final String INTERNET_ADDRESS = "10.231.2.2";
    private static final String UPLINK = "usgw-net";

    private final List<Process> processes = new ArrayList<>();

    private Namespaces() {
    }

    /** Why namespaces cannot be used here, or null when they can (root and a kernel that permits them). */
    public static String unavailableBecause() {
        try {
            deleteAll();
            Process p = new ProcessBuilder("ip", "netns", "add", GATEWAY).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return "'ip netns add' failed: " + out.trim();
            }
            deleteAll();
            return null;
        } catch (IOException | InterruptedException e) {
            return "'ip' cannot be run: " + e.getMessage();
        }
    }

    public static Namespaces create() throws IOException, InterruptedException {
        deleteAll();
        try {
            return wire();
        } catch (IOException | RuntimeException e) {
            deleteAll(); // nothing half-built is left behind
            throw e;
        }
    }

    private static Namespaces wire() throws IOException, InterruptedException {
        Namespaces n = new Namespaces();
        for (String ns : List.of(GATEWAY, STATION, INTERNET)) {
            run("ip", "netns", "add", ns);
            run("ip", "-n", ns, "link", "set", "lo", "up");
        }
        run("ip", "link", "add", "usgw-sta", "netns", GATEWAY, "type", "veth", "peer", "name", "ussta-gw", "netns", STATION);
        run("ip", "link", "add", UPLINK, "netns", GATEWAY, "type", "veth", "peer", "name", "usnet-gw", "netns", INTERNET);
        run("ip", "-n", GATEWAY, "addr", "add", GATEWAY_LAN_ADDRESS + "/24", "dev", "usgw-sta");
        run("ip", "-n", GATEWAY, "addr", "add", "10.231.2.1/24", "dev", UPLINK);
        run("ip", "-n", STATION, "addr", "add", "10.231.1.2/24", "dev", "ussta-gw");
        run("ip", "-n", INTERNET, "addr", "add", INTERNET_ADDRESS + "/24", "dev", "usnet-gw");
        for (String[] link : new String[][] {{GATEWAY, "usgw-sta"}, {GATEWAY, UPLINK}, {STATION, "ussta-gw"}, {INTERNET, "usnet-gw"}}) {
            run("ip", "-n", link[0], "link", "set", link[1], "up");
        }
        return n;
    }

    /** Cuts ({@code false}) or restores the gateway's uplink, as a failed DSL line or pulled cable would. */
    public void uplink(boolean up) throws IOException, InterruptedException {
        run("ip", "-n", GATEWAY, "link", "set", UPLINK, up ? "up" : "down");
    }

    /** Starts {@code command} inside namespace {@code ns}; it is stopped on close. */
    public Process start(String ns, List<String> command, Path output) throws IOException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(command);
        Process p = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        processes.add(p);
        return p;
    }

    /** The JVM command that runs {@code main} with this test's classpath. */
    public static List<String> java(Class<?> main, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        return command;
    }

    static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out.trim());
        }
    }

    private static void deleteAll() throws IOException, InterruptedException {
        for (String ns : List.of(GATEWAY, STATION, INTERNET)) {
            // what a killed earlier run left running inside, then the namespace (its veth ends go with it)
            Process pids = new ProcessBuilder("ip", "netns", "pids", ns).redirectErrorStream(true).start();
            String out = new String(pids.getInputStream().readAllBytes());
            pids.waitFor(10, TimeUnit.SECONDS);
            for (String pid : out.split("\\s+")) {
                if (pid.matches("\\d+")) {
                    ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
            new ProcessBuilder("ip", "netns", "delete", ns).redirectErrorStream(true).start().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        for (Process p : processes) {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        deleteAll();
    }
}
