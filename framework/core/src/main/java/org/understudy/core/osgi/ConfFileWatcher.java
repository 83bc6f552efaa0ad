package org.understudy.core.osgi;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies {@code conf/<pid>.cfg} files to ConfigAdmin. A file is applied when its content differs from
 * the content last applied from it (hashes kept in {@code <data>/conf-applied.properties}), so the most
 * recent change wins: a Web Console edit persists across restarts until the file itself is edited
 * again. After the first scan (at start, applied at once), a file written in the last {@link #SETTLED} is applied
 * only once two scans in a row read the same content, so a half-written file is never applied. Deleting a file that was applied deletes its
 * configuration (back to defaults). Nothing is ever written into {@code conf/}.
 */
final class ConfFileWatcher implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(ConfFileWatcher.class);
    static final String SOURCE_PROPERTY = "understudy.source";
    /** A file not written for this long is not read again until its size, time or identity change. */
    private static final Duration SETTLED = Duration.ofSeconds(2);

    private final Path confDirectory;
    private final Path stateFile;
    private final ConfigurationAdmin configAdmin;
    private final Properties applied = new Properties();
    /** How each file looked when it was last read, by pid. */
    private final Map<String, Stamp> seen = new HashMap<>();
    /** The hash of a file's content read once while it was being written, by pid: applied when read again unchanged. */
    private final Map<String, String> unsettled = new HashMap<>();
    /**
     * Whether a scan ran yet. The first one, at start, applies what it reads at once: the plugins start right after
     * it, and waiting for a second read of files an installer has just copied would start them on their defaults.
     */
    private boolean scanned;

    ConfFileWatcher(Path confDirectory, Path dataDirectory, ConfigurationAdmin configAdmin) {
        this.confDirectory = confDirectory;
        this.stateFile = dataDirectory.resolve("conf-applied.properties");
        this.configAdmin = configAdmin;
        if (Files.isRegularFile(stateFile)) {
            try (Reader in = Files.newBufferedReader(stateFile, StandardCharsets.UTF_8)) {
                applied.load(in);
            } catch (IOException e) {
                LOG.warn("cannot read {}; every conf file will be applied again", stateFile, e);
            }
        }
    }

    /** One scan; called at start and then periodically on the watcher thread. */
    @Override
    public synchronized void run() {
        Set<String> present = new HashSet<>();
        boolean changed = false;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(confDirectory, "*.cfg")) {
            for (Path file : files) {
                String pid = file.getFileName().toString().replaceFirst("\\.cfg$", "");
                present.add(pid);
                changed |= applyIfChanged(pid, file);
            }
        } catch (IOException e) {
            LOG.warn("cannot list {}: {}", confDirectory, e.getMessage());
            return;
        }
        for (String pid : applied.stringPropertyNames()) {
            if (!present.contains(pid)) {
                changed |= deleteConfiguration(pid);
            }
        }
        if (changed) {
            saveState();
        }
        scanned = true;
    }

    private boolean applyIfChanged(String pid, Path file) {
        // the content is read and hashed only when the file looks touched (a scan runs twice a second for ever),
        // or was written lately: two writes within the clock's granularity leave the same modification time
        Stamp stamp = Stamp.of(file);
        if (stamp != null && stamp.equals(seen.get(pid)) && applied.containsKey(pid)
                && stamp.modified().toInstant().isBefore(Instant.now().minus(SETTLED))) {
            return false;
        }
        seen.remove(pid);
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            LOG.warn("cannot read {}: {}", file, e.getMessage());
            return false;
        }
        String hash = org.understudy.api.Hashes.sha256(content);
        if (hash.equals(applied.getProperty(pid))) {
            unsettled.remove(pid);
            rememberStamp(pid, stamp);
            return false;
        }
        if (scanned && stamp != null && !stamp.modified().toInstant().isBefore(Instant.now().minus(SETTLED))
                && !hash.equals(unsettled.get(pid))) {
            // Written moments ago: an editor or `echo >` truncates before it writes, so this may be an empty or
            // half-written file. It is applied once the next scan reads the same content.
            unsettled.put(pid, hash);
            return false;
        }
        unsettled.remove(pid);
        Properties props = new Properties();
        try (Reader in = new java.io.StringReader(new String(content, StandardCharsets.UTF_8))) {
            props.load(in);
        } catch (IOException | IllegalArgumentException e) {
            LOG.error("{} is not a valid properties file: {}", file, e.getMessage());
            applied.setProperty(pid, hash);
            return true;
        }
        Hashtable<String, Object> dictionary = new Hashtable<>();
        props.stringPropertyNames().forEach(k -> dictionary.put(k, props.getProperty(k).trim()));
        dictionary.put(SOURCE_PROPERTY, confDirectory.getFileName() + "/" + file.getFileName());
        try {
            Configuration c = configAdmin.getConfiguration(pid, null);
            c.update(dictionary);
            LOG.info("applied {} to configuration {}", file.getFileName(), pid);
        } catch (IOException e) {
            LOG.error("cannot apply {}: {}", file, e.getMessage());
            return false;
        }
        applied.setProperty(pid, hash);
        rememberStamp(pid, stamp);
        return true;
    }

    private void rememberStamp(String pid, Stamp stamp) {
        if (stamp != null) {
            seen.put(pid, stamp);
        }
    }

    /**
     * What a file looks like from outside: its identity (a file replaced by a rename is another file), size and
     * modification time. {@code null} when they cannot be read (the file is then read at every scan).
     */
    private record Stamp(Object key, long size, FileTime modified) {
        static Stamp of(Path file) {
            try {
                BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
                return new Stamp(a.fileKey(), a.size(), a.lastModifiedTime());
            } catch (IOException e) {
                return null;
            }
        }

        // by hand: a record's generated equals is linked through method handles at its first call, during start
        @Override
        public boolean equals(Object other) {
            return other instanceof Stamp s && size == s.size && Objects.equals(key, s.key)
                    && Objects.equals(modified, s.modified);
        }

        @Override
        public int hashCode() {
            return Objects.hash(key, size, modified);
        }
    }

    private boolean deleteConfiguration(String pid) {
        try {
            Configuration c = configAdmin.getConfiguration(pid, null);
            if (c.getProperties() != null) {
                c.delete();
            }
            LOG.info("conf/{}.cfg was removed: configuration {} is back to defaults", pid, pid);
        } catch (IOException e) {
            LOG.error("cannot delete configuration {}: {}", pid, e.getMessage());
            return false;
        }
        applied.remove(pid);
        seen.remove(pid);
        unsettled.remove(pid);
        return true;
    }

    private void saveState() {
        try {
            java.io.StringWriter out = new java.io.StringWriter();
            applied.store(out, "SHA-256 of each conf/<pid>.cfg as last applied; delete to re-apply all");
            org.understudy.core.AtomicFiles.write(stateFile, out.toString().getBytes(StandardCharsets.UTF_8), false);
        } catch (IOException e) {
            LOG.warn("cannot save {}: {}", stateFile, e.getMessage());
        }
    }

}
