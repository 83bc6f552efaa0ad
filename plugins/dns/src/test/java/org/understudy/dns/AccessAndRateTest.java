package org.understudy.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class AccessAndRateTest {

    @Test
    void theDefaultAccessListIsTheLocalNetworksOnly() throws Exception {
        AccessList acl = AccessList.parse(DnsConfig.DEFAULTS.allowedClients());
        for (String ok : new String[] {"127.0.0.1", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.30",
                "169.254.9.9", "::1", "fe80::1", "fd00::5", "::ffff:192.168.1.2"}) {
            assertTrue(acl.allows(InetAddress.getByName(ok)), ok);
        }
        for (String no : new String[] {"8.8.8.8", "172.32.0.1", "11.0.0.1", "2001:db8::1", "192.169.0.1"}) {
            assertFalse(acl.allows(InetAddress.getByName(no)), no);
        }
        assertThrows(IllegalArgumentException.class, () -> AccessList.parse(java.util.List.of("10.0.0.0/33")));
        assertThrows(IllegalArgumentException.class, () -> AccessList.parse(java.util.List.of("example.com/8")));
    }

    @Test
    void tokenBucketPerClient() throws Exception {
        ClientRateLimiter limiter = new ClientRateLimiter(10, 5);
        InetAddress a = InetAddress.getByName("10.0.0.1");
        InetAddress b = InetAddress.getByName("10.0.0.2");
        int allowed = 0;
        for (int i = 0; i < 20; i++) {
            allowed += limiter.tryAcquire(a, 0) ? 1 : 0;
        }
        assertEquals(5, allowed, "the burst, then nothing");
        assertTrue(limiter.tryAcquire(b, 0), "another client has its own bucket");
        assertTrue(limiter.tryAcquire(a, 100_000_000L), "one token back after 100 ms at 10/s");
        assertFalse(limiter.tryAcquire(a, 100_000_000L));
        limiter.forgetIdle(10_000_000_000L);
        assertEquals(0, limiter.tracked());
        assertTrue(new ClientRateLimiter(0, 1).tryAcquire(a, 0), "0 = no limit");
    }
}
