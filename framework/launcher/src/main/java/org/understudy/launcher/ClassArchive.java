package org.understudy.launcher;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import javax.management.ObjectName;
import org.slf4j.Logger;

/**
 * Writes the class archive (class data sharing) of this installation once the gateway has started, when
 * {@code bin/understudy} asks for it ({@code understudy.cds.archive}, with {@code -XX:+RecordDynamicDumpInfo}).
 * Later starts map it and serve sooner. An archive made only at a clean stop, as the JVM's
 * {@code -XX:ArchiveClassesAtExit} does, would never be made on a box that only ever loses its power. The
 * archive is written beside its final name and renamed, so a power cut in the middle leaves no half archive.
 */
final class ClassArchive {

    static final String PROPERTY = "understudy.cds.archive";

    private ClassArchive() {
    }

    /** Starts the dump on a thread of its own when it was asked for; returns at once. */
    static void writeIfAsked(Logger log) {
        String target = System.getProperty(PROPERTY);
        if (target == null || target.isBlank()) {
            return;
        }
        Thread t = new Thread(() -> write(Path.of(target), log), "understudy-class-archive");
        t.setDaemon(true);
        t.start();
    }

    private static void write(Path archive, Logger log) {
        Path partial = archive.resolveSibling(archive.getFileName() + ".partial");
        try {
            Files.deleteIfExists(partial);
            // the JVM's own diagnostic command (jcmd VM.cds), in-process: a Java runtime without the JDK's tools has it
            ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "vmCds", new Object[] {new String[] {"dynamic_dump", partial.toString()}},
                    new String[] {String[].class.getName()});
            if (!Files.isRegularFile(partial)) {
                log.info("no class archive written (the Java runtime made none); starts stay as they are");
                return;
            }
            Files.move(partial, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            log.info("class archive written to {}: later starts serve sooner", archive);
        } catch (Exception | LinkageError e) {
            log.info("no class archive written ({}); starts stay as they are", e.getMessage());
        }
    }
}
