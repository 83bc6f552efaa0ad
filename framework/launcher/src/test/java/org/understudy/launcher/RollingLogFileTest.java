package org.understudy.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RollingLogFileTest {

    @TempDir
    Path dir;
    private Instant now = Instant.parse("2026-03-01T10:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };
    private final Formatter plain = new Formatter() {
        @Override
        public String format(LogRecord r) {
            return r.getMessage() + "\n";
        }
    };

    private static LogRecord line(String text) {
        return new LogRecord(Level.INFO, text);
    }

    private String read(RollingLogFile log, int n) throws Exception {
        return Files.exists(log.file(n)) ? Files.readString(log.file(n)) : null;
    }

    @Test
    void rollsWhenTheNextLineWouldPassTheSizeAndKeepsAtMostMaxFiles() throws Exception {
        RollingLogFile log = new RollingLogFile(dir, 64 * 1024, 3, Duration.ofDays(30), plain, clock);
        String kb = "x".repeat(1023);
        for (int i = 0; i < 64 * 5; i++) {
            log.publish(line(kb));
        }
        log.close();
        assertEquals(64 * 1024, Files.size(log.file(0)));
        assertEquals(64 * 1024, Files.size(log.file(1)));
        assertEquals(64 * 1024, Files.size(log.file(2)));
        assertFalse(Files.exists(log.file(3)), "never more than maxFiles");
    }

    @Test
    void aNewDayStartsANewFileAndFilesOlderThanMaxAgeGo() throws Exception {
        RollingLogFile log = new RollingLogFile(dir, 1024 * 1024, 10, Duration.ofDays(3), plain, clock);
        log.publish(line("day 1"));
        Files.setLastModifiedTime(log.file(0), FileTime.from(now));
        now = now.plus(Duration.ofDays(1));
        log.publish(line("day 2"));
        assertEquals("day 2\n", read(log, 0));
        assertEquals("day 1\n", read(log, 1));
        Files.setLastModifiedTime(log.file(0), FileTime.from(now));
        now = now.plus(Duration.ofDays(3)).plusSeconds(60);
        log.publish(line("day 5"));
        log.close();
        assertEquals("day 5\n", read(log, 0));
        assertFalse(Files.exists(log.file(2)), "day 1's file is older than 3 days");
        assertFalse(Files.exists(log.file(1)), "day 2's file is older than 3 days too");
    }

    @Test
    void aFileLeftFromAnEarlierDayIsRolledAtStartAndTodaysIsAppendedTo() throws Exception {
        Files.writeString(dir.resolve("understudy.0.log"), "yesterday\n");
        Files.setLastModifiedTime(dir.resolve("understudy.0.log"), FileTime.from(now.minus(Duration.ofDays(1))));
        RollingLogFile log = new RollingLogFile(dir, 1024 * 1024, 5, Duration.ofDays(30), plain, clock);
        log.publish(line("today"));
        log.close();
        Files.setLastModifiedTime(log.file(0), FileTime.from(now)); // written today, by this test's clock
        assertEquals("yesterday\n", read(log, 1));
        RollingLogFile again = new RollingLogFile(dir, 1024 * 1024, 5, Duration.ofDays(30), plain, clock);
        again.publish(line("today, again"));
        again.close();
        assertEquals("today\ntoday, again\n", read(again, 0), "a restart the same day goes on in the same file");
    }

    @Test
    void aFileThatCannotBeWrittenIsTriedAgainWithoutRollingEveryLine() throws Exception {
        RollingLogFile log = new RollingLogFile(dir, 64 * 1024, 3, Duration.ofDays(30), plain, clock);
        log.publish(line("before"));
        java.util.List<Integer> errors = new java.util.ArrayList<>();
        log.setErrorManager(new java.util.logging.ErrorManager() {
            @Override
            public synchronized void error(String msg, Exception ex, int code) {
                errors.add(code);
            }
        });
        Files.delete(log.file(0));
        Files.createDirectory(log.file(0)); // the file's place is taken: opening it fails
        log.close();
        for (int i = 0; i < 5; i++) {
            log.publish(line("lost " + i));
        }
        assertEquals(5, errors.size());
        assertFalse(Files.exists(log.file(1)), "no roll per failed line");
        Files.delete(log.file(0));
        log.publish(line("back"));
        log.close();
        assertEquals("back\n", read(log, 0));
    }

    @Test
    void limitsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> new RollingLogFile(dir, 10, 3, Duration.ofDays(1), plain, clock));
        assertThrows(IllegalArgumentException.class, () -> new RollingLogFile(dir, 1 << 20, 0, Duration.ofDays(1), plain, clock));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new RollingLogFile(dir, 1 << 20, 3, Duration.ofHours(1), plain, clock))
                .getMessage().contains("maxAgeDays"));
    }
}
