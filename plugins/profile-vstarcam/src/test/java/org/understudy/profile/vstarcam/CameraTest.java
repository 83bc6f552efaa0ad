package org.understudy.profile.vstarcam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CameraTest {

    private final Camera camera = new Camera("127.0.0.9", true, 80, new Session(new InetSocketAddress("127.0.0.9", 32108),
            new Session.Timing(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofSeconds(16),
                    Duration.ofSeconds(3)), null, 0));

    @Test
    void theMedianIsOfTheNewestRoundTripsAndTheyAreForgottenOnceRead() {
        assertNull(camera.takeMedianRttMs());
        for (int i = 0; i < 100_000; i++) {
            camera.roundTrip(i < 100_000 - Camera.RTT_SAMPLES ? 1_000_000 : 2_000); // a day of keepalives, the newest fast
        }
        assertEquals(2.0, camera.takeMedianRttMs());
        assertNull(camera.takeMedianRttMs());
        camera.roundTrip(3_000);
        camera.roundTrip(5_000);
        camera.roundTrip(4_000);
        assertEquals(4.0, camera.takeMedianRttMs());
    }
}
