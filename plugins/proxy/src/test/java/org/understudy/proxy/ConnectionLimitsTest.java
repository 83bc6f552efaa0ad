package org.understudy.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
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
        AtomicInteger refused = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> admitting = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < each; i++) {
                    if (!limits.admit(new EmbeddedChannel())) {
                        refused.incrementAndGet();
                    }
                }
            });
            thread.start();
            admitting.add(thread);
        }
        start.countDown();
        for (Thread t : admitting) {
            t.join();
        }
        assertEquals(0, refused.get(), "a waiting connection could always be evicted");
        assertEquals(0, limits.refusedFull.sum());
        assertTrue(limits.open() <= 16, limits.open() + " open");
        assertEquals(threads * each, limits.evicted.sum());
    }
}
