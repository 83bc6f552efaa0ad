package org.understudy.it.scenario;

import com.sun.net.httpserver.HttpServer;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The seed's clouddata server, run inside the "internet" namespace: {@code POST /api/v1/oap} answered 200 with
 * an empty body, as its bottle handler did; every body it got is one line of a file, for the test to read.
 * Arguments: address, port, received file.
 */
public final class Clouddata {

    private Clouddata() {
    }

    public static void main(String[] args) throws Exception {
        PrintWriter received = new PrintWriter(Files.newBufferedWriter(Path.of(args[2])), true);
        HttpServer server = HttpServer.create(new InetSocketAddress(args[0], Integer.parseInt(args[1])), 50);
        server.createContext("/", exchange -> {
            try (exchange) {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                if (!exchange.getRequestMethod().equals("POST") || !exchange.getRequestURI().getPath().equals("/api/v1/oap")) {
                    exchange.sendResponseHeaders(404, -1);
                    return;
                }
                synchronized (received) {
                    received.println(body.replace('\n', ' '));
                }
                exchange.getResponseHeaders().add("Content-Type", "text/html; charset=UTF-8");
                exchange.sendResponseHeaders(200, -1);
            }
        });
        server.start();
    }

    /** The bodies received so far. */
    public static java.util.List<String> received(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file).stream().filter(l -> l.endsWith("}")).toList() : java.util.List.of();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
