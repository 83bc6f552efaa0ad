package org.understudy.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Answers like the real backend (PROTOCOLS.md 1.2): Apache headers, chunked JSON, Connection: Close.
 * Reads requests leniently (raw JSON in the target), remembers them.
 */
public final class FakeBloomskyBackend implements AutoCloseable {

    public record Received(String requestLine, byte[] body) {}

    public final List<Received> received = new CopyOnWriteArrayList<>();
    private final ServerSocket server;
    private volatile boolean running = true;
    /** The connection being served: closed with the server, so a backend taken down answers nothing more. */
    private volatile Socket current;

    public FakeBloomskyBackend(String address, int port) throws IOException {
        server = new ServerSocket(port, 50, InetAddress.getByName(address));
        Thread t = new Thread(this::serve, "fake-bloomsky-backend");
        t.setDaemon(true);
        t.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    private void serve() {
        while (running) {
            try (Socket s = server.accept()) {
                current = s;
                if (!running) {
                    return; // accepted as it was being closed
                }
                InputStream in = s.getInputStream();
                String head = readHead(in);
                if (head.isEmpty()) {
                    continue; // a reachability probe: connect and close, no request
                }
                String[] lines = head.split("\r\n");
                int length = 0;
                for (String l : lines) {
                    if (l.toLowerCase().startsWith("content-length:")) {
                        length = Integer.parseInt(l.substring(15).trim());
                    }
                }
                byte[] body = in.readNBytes(length);
                received.add(new Received(lines[0], body));
                String json = "{\"ResponseValue\":200,\"Message\":0,\"SunsetTime\":1480938629,\"TS\":"
                        + System.currentTimeMillis() / 1000 + ",\"SunriseTime\":1480900578}";
                String reply = "HTTP/1.1 200 OK\r\nAllow: POST, OPTIONS\r\nContent-Type: application/json;charset=utf-8\r\n"
                        + "Date: Mon, 05 Dec 2016 03:36:31 GMT\r\nServer: Apache/2.4.23 (Amazon) mod_wsgi/3.5 Python/2.7.10\r\n"
                        + "Vary: Accept\r\nX-Frame-Options: SAMEORIGIN\r\ntransfer-encoding: chunked\r\nConnection: Close\r\n\r\n"
                        + Integer.toHexString(json.length()) + "\r\n" + json + "\r\n0\r\n\r\n";
                s.getOutputStream().write(reply.getBytes(StandardCharsets.UTF_8));
                s.getOutputStream().flush();
            } catch (IOException e) {
                // closed, or a client went away
            }
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int matched = 0;
        int b;
        while (matched < 4 && (b = in.read()) >= 0) {
            out.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3)) ? matched + 1 : 0;
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        running = false;
        server.close();
        Socket s = current;
        if (s != null) {
            s.close(); // a connection accepted before (a client's kept or early one) is not served by a closed backend
        }
    }
}
