package org.understudy.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

class ConnectionLimitsTest {

    @Test
    void aFullProxyOfWaitingConnectionsAdmitsEveryNewOneEvenWhenAdmissionsRace() throws Exception {
        ConnectionLimits limits = new ConnectionLimits(16, 1_000_000);
        for (int i = 0; i < 16; i++) {
            assertTrue(limits.admit(new EmbeddedChannel()));
        }
        // as the proxy's event loops do: several threads admit at once, each evicting one of the same oldest waiting
        int threads = 4;
        int each = 2_000;
        int refused = admitAtOnce(limits, threads, each, t -> new EmbeddedChannel(), () -> true);
        assertEquals(0, refused, "a waiting connection could always be evicted");
        assertEquals(0, limits.refusedFull.sum());
        assertTrue(limits.open() <= 16, limits.open() + " open");
        assertEquals(threads * each, limits.evicted.sum());
    }

    /**
     * Admits {@code each} new connections from each of {@code threads} threads started together, as the proxy's event
     * loops do, while {@code goOn} holds; returns how many were refused.
     */
    private static int admitAtOnce(ConnectionLimits limits, int threads, int each,
            IntFunction<EmbeddedChannel> channelOfThread, BooleanSupplier goOn) throws InterruptedException {
        AtomicInteger refused = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> admitting = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread admitter = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < each && goOn.getAsBoolean(); i++) {
                    if (!limits.admit(channelOfThread.apply(thread))) {
                        refused.incrementAndGet();
                    }
                }
            });
            admitter.start();
            admitting.add(admitter);
        }
        start.countDown();
        for (Thread t : admitting) {
            t.join();
        }
        return refused.get();
    }

    /** A channel that says it comes from {@code address}. */
    private static EmbeddedChannel from(String address) {
        InetSocketAddress remote = new InetSocketAddress(address, 40000);
        return new EmbeddedChannel() {
            @Override
            protected SocketAddress remoteAddress0() {
                return remote;
            }
        };
    }

    @Test
    void aDevicesOnlyWaitingConnectionOutlivesAFloodThatChurnsFromTwoEventLoopsAndMore() throws Exception {
        ConnectionLimits limits = new ConnectionLimits(16, 1_000_000);
        EmbeddedChannel device = from("127.0.0.1");
        assertTrue(limits.admit(device)); // waiting longest of all, as a device's connection does while a flood churns
        for (int i = 0; i < 15; i++) {
            assertTrue(limits.admit(from("127.0.0." + (10 + i % 2))));
        }
        int threads = 4;
        int each = 5_000;
        int refused = admitAtOnce(limits, threads, each, t -> from("127.0.0." + (10 + t % 2)), device::isOpen);
        assertTrue(device.isOpen(), "the device's connection was evicted after " + limits.evicted.sum() + " evictions");
        assertEquals(0, refused);
        assertEquals(threads * each, limits.evicted.sum());
        assertFalse(limits.open() > 16);
    }
}
