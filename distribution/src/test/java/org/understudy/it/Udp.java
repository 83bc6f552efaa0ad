package org.understudy.it;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A UDP client for tests: one question, one answer. */
final class Udp {
    private Udp() {
    }

    /** Sends a datagram to 127.0.0.1:port; the reply, or null when none came within 1 s. */
    static String ask(int port) throws IOException {
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.setSoTimeout(1000);
            byte[] ping = "ping".getBytes(StandardCharsets.UTF_8);
            socket.send(new DatagramPacket(ping, ping.length, InetAddress.getLoopbackAddress(), port));
            byte[] buf = new byte[512];
            DatagramPacket reply = new DatagramPacket(buf, buf.length);
            socket.receive(reply);
            return new String(buf, 0, reply.getLength(), StandardCharsets.UTF_8);
        } catch (SocketTimeoutException e) {
            return null;
        }
    }

    /** Polls until the port answers {@code expected}; fails after {@code seconds}. */
    static void awaitAnswer(int port, String expected, int seconds) throws Exception {
        // on a timeout Awaitility names the last answer (null: none within 1 s)
        await("port " + port + " to answer '" + expected + "'").atMost(Duration.ofSeconds(seconds))
                .pollInterval(Duration.ofMillis(50)).until(() -> ask(port), expected::equals);
    }

    static int freePort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
