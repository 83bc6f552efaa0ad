package org.understudy.profile.vstarcam;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Fake cameras on loopback addresses (each its own 127.x.y.z, so that each can have the real ports), their datagram
 * sockets served by one thread and one selector, so that hundreds of them cost one thread. Also a command-line tool for
 * {@code bench/vstarcam.sh}: {@code FakeCameraFleet COUNT FIRST_IP DH_PORT SEARCH_PORT} starts COUNT cameras at FIRST_IP
 * and the addresses after it, prints {@code ready}, then answers each {@code stats} line on stdin with one line of
 * counters and exits when stdin closes.
 */
public final class FakeCameraFleet implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(FakeCameraFleet.class.getName());
    private static final long TICK_NANOS = Duration.ofMillis(20).toNanos();
    private final Selector selector;
    private final Thread thread;
    private final List<FakeCamera> cameras = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<FakeCamera> toRegister = new ConcurrentLinkedQueue<>();
    private volatile boolean running = true;

    public FakeCameraFleet() throws IOException {
        selector = Selector.open();
        thread = new Thread(this::run, "fake-cameras");
        thread.setDaemon(true);
        thread.start();
    }

    /** A camera at {@code ip} with the given serial, answering on the given ports, with HTTP snapshots when {@code user} is set. */
    public FakeCamera add(String ip, long serial, int dhPort, int searchPort, String user, String password, Duration aliveInterval,
            Duration sessionTimeout) throws IOException {
        FakeCamera c = new FakeCamera(ip, new DeviceId("VSTC", serial, "FAKEX"), dhPort, searchPort, user != null, user, password,
                aliveInterval.toNanos(), sessionTimeout.toNanos());
        cameras.add(c);
        toRegister.add(c);
        selector.wakeup();
        return c;
    }

    public List<FakeCamera> cameras() {
        return List.copyOf(cameras);
    }

    private void run() {
        ByteBuffer buf = ByteBuffer.allocate(2048);
        long nextTick = System.nanoTime();
        while (running) {
            try {
                for (FakeCamera c; (c = toRegister.poll()) != null; ) {
                    for (DatagramChannel ch : List.of(c.dh, c.search, c.session)) {
                        ch.register(selector, SelectionKey.OP_READ, c);
                    }
                }
                selector.select(Math.max(1, (nextTick - System.nanoTime()) / 1_000_000));
                long now = System.nanoTime();
                for (SelectionKey key : selector.selectedKeys()) {
                    DatagramChannel ch = (DatagramChannel) key.channel();
                    FakeCamera c = (FakeCamera) key.attachment();
                    for (SocketAddress from; key.isValid() && (from = ch.receive(buf.clear())) != null; ) {
                        byte[] bytes = new byte[buf.flip().remaining()];
                        buf.get(bytes);
                        try {
                            c.received(ch, bytes, from, now);
                        } catch (IOException e) {
                            LOG.log(Level.FINE, "camera " + c.ip + " could not answer", e);
                        }
                    }
                }
                selector.selectedKeys().clear();
                if (now - nextTick >= 0) {
                    nextTick = now + TICK_NANOS;
                    for (FakeCamera c : cameras) {
                        try {
                            c.tick(now);
                        } catch (IOException e) {
                            LOG.log(Level.FINE, "camera " + c.ip + " could not send", e);
                        }
                    }
                }
            } catch (IOException | java.nio.channels.ClosedSelectorException e) {
                if (running) {
                    LOG.log(Level.WARNING, "fake camera fleet", e);
                }
            }
        }
    }

    /** Totals over the cameras. */
    public Map<String, Long> stats() {
        long sent = 0;
        long acked = 0;
        long answered = 0;
        long sessions = 0;
        long inSession = 0;
        long missed = 0;
        for (FakeCamera c : cameras) {
            missed += c.missedAnswers.get();
            sent += c.alivesSent.get();
            acked += c.aliveAcksReceived.get();
            answered += c.alivesAnswered.get();
            sessions += c.sessions.get();
            inSession += c.inSession() ? 1 : 0;
        }
        return Map.of("cameras", (long) cameras.size(), "inSession", inSession, "sessions", sessions, "alivesSent", sent,
                "aliveAcks", acked, "gatewayAlivesAnswered", answered, "missedAnswers", missed);
    }

    @Override
    public void close() throws IOException {
        running = false;
        selector.wakeup();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (FakeCamera c : cameras) {
            c.close();
        }
        selector.close();
    }

    /** The IPv4 address {@code n} after {@code first}. */
    static String plus(String first, int n) {
        String[] p = first.split("\\.");
        long v = (Long.parseLong(p[0]) << 24) + (Long.parseLong(p[1]) << 16) + (Long.parseLong(p[2]) << 8) + Long.parseLong(p[3]) + n;
        return (v >> 24 & 255) + "." + (v >> 16 & 255) + "." + (v >> 8 & 255) + "." + (v & 255);
    }

    public static void main(String[] args) throws Exception {
        int count = Integer.parseInt(args[0]);
        String first = args[1];
        int dhPort = Integer.parseInt(args[2]);
        int searchPort = Integer.parseInt(args[3]);
        try (FakeCameraFleet fleet = new FakeCameraFleet()) {
            for (int i = 0; i < count; i++) {
                fleet.add(plus(first, i), 100000 + i, dhPort, searchPort, null, null, Duration.ofMillis(500), Duration.ofSeconds(10));
            }
            System.out.println("ready");
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null; ) {
                if (line.trim().equals("stats")) {
                    StringBuilder out = new StringBuilder();
                    new java.util.TreeMap<>(fleet.stats()).forEach((k, v) -> out.append(k).append('=').append(v).append(' '));
                    System.out.println(out.toString().trim());
                    System.out.flush();
                }
            }
        }
    }
}
