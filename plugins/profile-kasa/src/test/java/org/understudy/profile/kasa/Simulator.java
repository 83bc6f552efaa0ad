package org.understudy.profile.kasa;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The npm {@code tplink-smarthome-simulator}'s plugs on 127.0.0.1, in one Node process run from
 * {@code src/test/node} (installed by {@code .ci/install-test-deps}), and the independent client
 * {@code tplink-smarthome-api} to read a plug's state the gateway did not report. For tests and benchmarks.
 */
public final class Simulator implements AutoCloseable {

    /** One simulated plug. */
    public record Plug(int index, String model, int port, String deviceId, List<String> children) {}

    static final Path NODE_DIR = Path.of("src/test/node").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final PrintWriter commands;
    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
    public final List<Plug> plugs;

    /** Starts plugs of the given {@code model[:port][xCOUNT]} specs and waits until they listen. */
    public static Simulator start(Path nodeDir, String... specs) throws Exception {
        return new Simulator(nodeDir, specs);
    }

    private Simulator(Path nodeDir, String... specs) throws Exception {
        if (!Files.isDirectory(nodeDir.resolve("node_modules/tplink-smarthome-simulator"))) {
            throw new AssertionError("the Kasa simulator is not installed in " + nodeDir + ": run .ci/install-test-deps");
        }
        List<String> command = new ArrayList<>(List.of(node(), "simulate.js"));
        command.addAll(List.of(specs));
        process = new ProcessBuilder(command).directory(nodeDir.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        commands = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        List<Plug> started = new ArrayList<>();
        boolean ready = false;
        for (String line; !ready && (line = out.readLine()) != null; ) {
            if (line.equals("ready")) {
                ready = true;
                continue;
            }
            JsonNode p = JSON.readTree(line);
            List<String> children = new ArrayList<>();
            p.get("children").forEach(c -> children.add(c.asText()));
            started.add(new Plug(p.get("index").asInt(), p.get("model").asText(), p.get("port").asInt(), p.get("deviceId").asText(),
                    List.copyOf(children)));
        }
        if (!ready || started.size() != plugCount(specs)) {
            process.destroyForcibly();
            throw new AssertionError("the Kasa simulator did not start all of " + List.of(specs) + " (its error is above)");
        }
        plugs = List.copyOf(started);
        Thread reader = new Thread(() -> {
            try {
                for (String line; (line = out.readLine()) != null; ) {
                    answers.add(line);
                }
            } catch (IOException ended) {
                // the process is gone
            }
        }, "kasa-simulator-output");
        reader.setDaemon(true);
        reader.start();
    }

    private static int plugCount(String... specs) {
        int count = 0;
        for (String spec : specs) {
            int x = spec.lastIndexOf('x');
            count += x > 0 && spec.substring(x + 1).matches("\\d+") ? Integer.parseInt(spec.substring(x + 1)) : 1;
        }
        return count;
    }

    static String node() {
        return Files.isExecutable(Path.of("/usr/bin/node")) ? "/usr/bin/node" : "node";
    }

    /** The plug started as {@code index}. */
    public Plug plug(int index) {
        return plugs.get(index);
    }

    /** Stops plug {@code index} (it stops answering, as a plug pulled out of the wall). */
    public void stop(int index) throws Exception {
        command("stop " + index);
    }

    /** Starts plug {@code index} again, on the same port. */
    public void start(int index) throws Exception {
        command("start " + index);
    }

    private void command(String line) throws Exception {
        commands.println(line);
        String answer = answers.poll(10, TimeUnit.SECONDS);
        if (!("ok " + line).equals(answer)) {
            throw new AssertionError("the simulator answered '" + answer + "' to '" + line + "'");
        }
    }

    /**
     * What the independent client sees of a plug (or of one outlet of a strip): {@code relay_state} and
     * {@code led_off}.
     */
    public static JsonNode state(Path nodeDir, int port, String outlet) throws Exception {
        List<String> command = new ArrayList<>(List.of(node(), "client.js", "127.0.0.1", String.valueOf(port)));
        if (outlet != null) {
            command.add(outlet);
        }
        Process p = new ProcessBuilder(command).directory(nodeDir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("tplink-smarthome-api could not read the plug on port " + port + ": " + out);
        }
        return JSON.readTree(out);
    }

    @Override
    public void close() throws InterruptedException {
        commands.println("exit");
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
