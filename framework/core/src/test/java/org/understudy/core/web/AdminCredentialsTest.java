package org.understudy.core.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminCredentialsTest {

    @TempDir
    Path data;

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void environmentPasswordWinsAndNothingIsStored() {
        AdminCredentials c = AdminCredentials.load("admin", "fromconf", "fromenv", data);
        assertEquals("admin", c.authenticate(basic("admin", "fromenv")));
        assertNull(c.authenticate(basic("admin", "fromconf")));
        assertFalse(Files.exists(data.resolve(AdminCredentials.HASH_FILE)));
    }

    @Test
    void configuredPasswordMayBePlainOrHashed() {
        String hash = PasswordHash.hash("s3cret", new java.security.SecureRandom());
        assertEquals("admin", AdminCredentials.load("admin", hash, null, data).authenticate(basic("admin", "s3cret")));
        assertEquals("admin", AdminCredentials.load("admin", "plain", null, data).authenticate(basic("admin", "plain")));
    }

    @Test
    void withoutPasswordTheFirstStartGeneratesOneAndKeepsOnlyItsHash() throws Exception {
        AdminCredentials first = AdminCredentials.load("admin", null, "", data);
        String stored = Files.readString(data.resolve(AdminCredentials.HASH_FILE)).trim();
        assertTrue(PasswordHash.isHash(stored), stored);
        assertNull(first.authenticate(basic("admin", "admin")), "no admin/admin default");
        AdminCredentials second = AdminCredentials.load("admin", null, null, data);
        assertEquals(stored, Files.readString(data.resolve(AdminCredentials.HASH_FILE)).trim(), "not regenerated");
        assertNull(second.authenticate(basic("admin", "")));
    }

    @Test
    void rejectsMalformedAndWrongCredentials() {
        AdminCredentials c = AdminCredentials.load("admin", "pw", null, data);
        assertNull(c.authenticate(null));
        assertNull(c.authenticate("Bearer abc"));
        assertNull(c.authenticate("Basic %%%"));
        assertNull(c.authenticate(basic("root", "pw")));
        assertNull(c.authenticate(basic("admin", "pw2")));
        assertEquals("admin", c.authenticate(basic("admin", "pw")));
        assertEquals("admin", c.authenticate(basic("admin", "pw")), "cached verification gives the same answer");
    }
}
