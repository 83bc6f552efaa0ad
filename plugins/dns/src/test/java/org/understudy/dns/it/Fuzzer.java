package org.understudy.dns.it;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.Random;

/**
 * Random and mutated DNS packets: pure noise, valid queries with bytes flipped, cut or counts inflated,
 * compression loops, and headers claiming sections that are not there. Deterministic for a seed.
 */
final class Fuzzer {

    private final Random random;
    private final byte[][] seeds;

    Fuzzer(long seed, byte[][] validQueries) {
        this.random = new Random(seed);
        this.seeds = validQueries;
    }

    byte[] next() {
        int kind = random.nextInt(6);
        byte[] base = seeds[random.nextInt(seeds.length)].clone();
        switch (kind) {
            case 0 -> {
                byte[] noise = new byte[random.nextInt(700)];
                random.nextBytes(noise);
                return noise;
            }
            case 1 -> {
                for (int i = 0, n = 1 + random.nextInt(4); i < n && base.length > 0; i++) {
                    base[random.nextInt(base.length)] = (byte) random.nextInt(256);
                }
                return base;
            }
            case 2 -> {
                return java.util.Arrays.copyOf(base, random.nextInt(base.length + 1));
            }
            case 3 -> {
                // inflated section counts
                base[4 + 2 * random.nextInt(4)] = (byte) random.nextInt(256);
                base[5 + 2 * random.nextInt(4)] = (byte) random.nextInt(256);
                return base;
            }
            case 4 -> {
                // a compression pointer to itself or forward, in the question
                if (base.length > 14) {
                    base[12] = (byte) 0xc0;
                    base[13] = (byte) (random.nextBoolean() ? 12 : random.nextInt(256));
                }
                return base;
            }
            default -> {
                // a valid header, garbage after it, any opcode and flags
                byte[] p = new byte[12 + random.nextInt(300)];
                random.nextBytes(p);
                p[2] &= 0x7f; // a query, so it is not dropped as a response
                return p;
            }
        }
    }

    /**
     * Sends {@code count} packets to 127.0.0.1:port, draining replies, paced in bursts so that the
     * server's socket buffer does not overflow (the point is to have every packet parsed, not dropped
     * by the kernel).
     */
    static long blast(int port, Fuzzer fuzzer, int count) throws IOException {
        long replies = 0;
        try (DatagramChannel ch = DatagramChannel.open()) {
            ch.configureBlocking(false);
            ch.bind(new InetSocketAddress("127.0.0.1", 0));
            InetSocketAddress target = new InetSocketAddress("127.0.0.1", port);
            ByteBuffer in = ByteBuffer.allocate(65535);
            for (int i = 0; i < count; i++) {
                byte[] p = fuzzer.next();
                while (ch.send(ByteBuffer.wrap(p), target) == 0 && p.length > 0) {
                    Thread.onSpinWait();
                }
                in.clear();
                while (ch.receive(in) != null) {
                    replies++;
                    in.clear();
                }
                if (i % 200 == 199) {
                    try {
                        Thread.sleep(2);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return replies;
                    }
                }
            }
        }
        return replies;
    }
}
