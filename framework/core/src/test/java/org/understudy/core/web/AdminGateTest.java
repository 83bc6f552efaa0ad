package org.understudy.core.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.core.testing.SettableClock;

class AdminGateTest {

    @TempDir
    Path data;

    /** A clock the test moves by hand. */
    private final SettableClock clock = new SettableClock(Instant.parse("2026-11-27T12:00:00Z"));

    private AdminGate gate() {
        AdminCredentials credentials = AdminCredentials.load("admin", null, "right", data);
        return new AdminGate(credentials, new LoginThrottle(5, Duration.ofMinutes(5), Duration.ofSeconds(30),
                Duration.ofMinutes(15), clock));
    }

    @Test
    void repeatedWrongPasswordsLockTheAddressOutAndTheLockoutDoubles() {
        AdminGate gate = gate();
        String wrong = AdminCredentialsTest.basic("admin", "wrong");
        for (int i = 0; i < 5; i++) {
            assertEquals(401, gate.check(wrong, "10.0.0.9").status());
        }
        AdminGate.Verdict locked = gate.check(AdminCredentialsTest.basic("admin", "right"), "10.0.0.9");
        assertEquals(429, locked.status(), "even the right password waits: guessing must not learn anything");
        assertEquals(30, locked.retryAfterSeconds());
        assertTrue(gate.check(AdminCredentialsTest.basic("admin", "right"), "10.0.0.8").allowed(), "other addresses are not affected");
        clock.advance(Duration.ofSeconds(31));
        for (int i = 0; i < 5; i++) {
            assertEquals(401, gate.check(wrong, "10.0.0.9").status());
        }
        assertEquals(60, gate.check(wrong, "10.0.0.9").retryAfterSeconds(), "the second lockout is twice as long");
        clock.advance(Duration.ofSeconds(61));
        assertTrue(gate.check(AdminCredentialsTest.basic("admin", "right"), "10.0.0.9").allowed());
        assertEquals(401, gate.check(wrong, "10.0.0.9").status(), "a success starts over");
    }

    @Test
    void aBrowserAskingWithoutCredentialsIsNotAFailure() {
        AdminGate gate = gate();
        for (int i = 0; i < 20; i++) {
            assertEquals(401, gate.check(null, "10.0.0.9").status());
        }
        assertTrue(gate.check(AdminCredentialsTest.basic("admin", "right"), "10.0.0.9").allowed());
    }
}
