package org.understudy.store.sqlite;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Blob content as files named by their SHA-256 ({@code <dir>/<first two hex>/<hash>}): written to a
 * temporary file, fsynced, renamed into place and the directory fsynced, so a blob is either whole
 * under its name or absent. Temporary files left by a crash are removed at start.
 */
final class BlobFiles {

    static final String TEMP_PREFIX = ".tmp-";

    private final Path directory;

    BlobFiles(Path directory) throws IOException {
        this.directory = Files.createDirectories(directory);
    }

    /** Deletes temporary files a crash left behind; returns how many. */
    int cleanTemporaryFiles() throws IOException {
        int removed = 0;
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path p : files.filter(f -> f.getFileName().toString().startsWith(TEMP_PREFIX)).toList()) {
                Files.deleteIfExists(p);
                removed++;
            }
        }
        return removed;
    }


    Path path(String sha256) {
        return directory.resolve(sha256.substring(0, 2)).resolve(sha256);
    }

    /** Stores {@code content} durably under {@code sha256} (no-op when it is already there). */
    void write(String sha256, byte[] content) throws IOException {
        Path target = path(sha256);
        if (Files.isRegularFile(target) && Files.size(target) == content.length) {
            return;
        }
        Path shard = Files.createDirectories(target.getParent());
        Path temp = shard.resolve(TEMP_PREFIX + UUID.randomUUID());
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer buf = ByteBuffer.wrap(content);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        } catch (IOException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel dir = FileChannel.open(shard, StandardOpenOption.READ)) {
            dir.force(true);
        }
    }

    Optional<byte[]> read(String sha256) {
        try {
            return Optional.of(Files.readAllBytes(path(sha256)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read blob " + sha256 + ": " + e.getMessage(), e);
        }
    }
}
