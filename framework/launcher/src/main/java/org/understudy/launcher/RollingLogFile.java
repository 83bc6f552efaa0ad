package org.understudy.launcher;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.logging.ErrorManager;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

/**
 * The log file, {@code understudy.0.log} in its directory, rolled to {@code understudy.1.log} (and the older ones one
 * number up) when it would pass {@code maxFileBytes} and at the first line of a new day (UTC); rolled files past
 * {@code maxFiles} or older than {@code maxAge} are deleted. So the files hold at most {@code maxFiles x maxFileBytes}
 * and nothing older than {@code maxAge}, and a day's lines are easy to find. (The JDK's FileHandler rotates by size
 * only.) A file that cannot be written (a full disk) is reported once to stderr by the handler's error manager and
 * written again once it can be; logging never stops the gateway.
 */
final class RollingLogFile extends Handler {

    static final String PREFIX = "understudy.";
    static final String SUFFIX = ".log";

    private final Path directory;
    private final long maxFileBytes;
    private final int maxFiles;
    private final Duration maxAge;
    private final Clock clock;
    private OutputStream out;
    private long written;
    private LocalDate day;

    RollingLogFile(Path directory, long maxFileBytes, int maxFiles, Duration maxAge, Formatter formatter, Clock clock) throws IOException {
        if (maxFileBytes < 64 * 1024) {
            throw new IllegalArgumentException("understudy.log.maxFileBytes must be at least 65536, got " + maxFileBytes);
        }
        if (maxFiles < 1 || maxFiles > 1000) {
            throw new IllegalArgumentException("understudy.log.maxFiles must be between 1 and 1000, got " + maxFiles);
        }
        if (maxAge.compareTo(Duration.ofDays(1)) < 0) {
            throw new IllegalArgumentException("understudy.log.maxAgeDays must be at least 1");
        }
        this.directory = directory;
        this.maxFileBytes = maxFileBytes;
        this.maxFiles = maxFiles;
        this.maxAge = maxAge;
        this.clock = clock;
        setFormatter(formatter);
        setEncoding("UTF-8");
        Files.createDirectories(directory);
        Path current = file(0);
        day = today();
        if (Files.exists(current) && (Files.size(current) >= maxFileBytes
                || !dayOf(Files.getLastModifiedTime(current).toInstant()).equals(day))) {
            roll(); // yesterday's file (the gateway was stopped over midnight) or a full one
        } else {
            open();
        }
        deleteOld();
    }

    Path file(int n) {
        return directory.resolve(PREFIX + n + SUFFIX);
    }

    @Override
    public synchronized void publish(LogRecord record) {
        if (!isLoggable(record)) {
            return;
        }
        byte[] line;
        try {
            line = getFormatter().format(record).getBytes(StandardCharsets.UTF_8);
        } catch (RuntimeException e) {
            reportError(null, e, ErrorManager.FORMAT_FAILURE);
            return;
        }
        try {
            LocalDate now = today();
            if (!now.equals(day) || (written > 0 && written + line.length > maxFileBytes)) {
                day = now;
                roll();
                deleteOld();
            } else if (out == null) {
                open(); // after a failed write: the same file again, never a roll per line
            }
            out.write(line);
            out.flush();
            written += line.length;
        } catch (IOException e) {
            reportError(null, e, ErrorManager.WRITE_FAILURE);
            closeQuietly(); // opened again at the next line
        }
    }

    /** The current file becomes number 1, the others one number up, the last beyond {@code maxFiles} deleted. */
    private void roll() throws IOException {
        closeQuietly();
        written = 0;
        Files.deleteIfExists(file(maxFiles - 1));
        for (int n = maxFiles - 2; n >= 0; n--) {
            if (Files.exists(file(n))) {
                Files.move(file(n), file(n + 1), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        open();
    }

    private void open() throws IOException {
        Path current = file(0);
        out = Files.newOutputStream(current, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        written = Files.size(current);
    }

    /** Rolled files older than {@code maxAge} go. */
    private void deleteOld() throws IOException {
        java.time.Instant oldest = clock.instant().minus(maxAge);
        for (int n = 1; n < maxFiles; n++) {
            Path f = file(n);
            if (Files.exists(f) && Files.getLastModifiedTime(f).toInstant().isBefore(oldest)) {
                Files.delete(f);
            }
        }
    }

    private LocalDate today() {
        return dayOf(clock.instant());
    }

    private static LocalDate dayOf(java.time.Instant t) {
        return LocalDate.ofInstant(t, ZoneOffset.UTC);
    }

    private void closeQuietly() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException ignored) {
                // the file is given up; the next line opens it again
            }
            out = null;
        }
    }

    @Override
    public synchronized void flush() {
        if (out != null) {
            try {
                out.flush();
            } catch (IOException e) {
                reportError(null, e, ErrorManager.FLUSH_FAILURE);
            }
        }
    }

    @Override
    public synchronized void close() {
        closeQuietly();
    }
}
