package org.understudy.dns.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real command-line clients (dig, kdig, python3 with dnspython) and dnsmasq. */
final class Tools {

    private Tools() {
    }

    static String require(String tool) {
        for (String dir : System.getenv("PATH").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return Path.of(dir, tool).toString();
            }
        }
        for (String dir : new String[] {"/usr/sbin", "/sbin"}) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return Path.of(dir, tool).toString();
            }
        }
        throw new AssertionError(tool + " is not installed: run .ci/install-test-deps");
    }

    /** Runs a command, returns its standard output; fails on a non-zero exit or after 30 s. */
    static String run(String... command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(command));
        cmd.set(0, require(cmd.get(0)));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + cmd);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new AssertionError(cmd + " exited " + p.exitValue() + ":\n" + out);
        }
        return out;
    }

    static String dig(int port, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("dig", "@127.0.0.1", "-p", String.valueOf(port), "+tries=1", "+time=5"));
        cmd.addAll(List.of(args));
        return run(cmd.toArray(String[]::new));
    }

    static String status(String digOutput) {
        var m = java.util.regex.Pattern.compile("status: (\\w+)").matcher(digOutput);
        return m.find() ? m.group(1) : "NO ANSWER";
    }

    static String python(String script, String... args) throws IOException, InterruptedException {
        Path file = Files.createTempFile("dns-test", ".py");
        Files.writeString(file, script);
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", file.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("python timed out");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        Files.delete(file);
        if (p.exitValue() != 0) {
            throw new AssertionError("python exited " + p.exitValue() + ":\n" + out);
        }
        return out.trim();
    }
}
