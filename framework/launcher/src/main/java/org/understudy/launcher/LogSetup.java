package org.understudy.launcher;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Routes all logging (SLF4J through slf4j-jdk14, and java.util.logging) to stdout and to rolling files
 * {@code <data>/log/understudy.N.log} ({@link RollingLogFile}: by size and by day, bounded in number and age), or to
 * stdout only, for a service whose journal keeps stdout. Done before the framework starts, so no bundle logs into the
 * void.
 */
final class LogSetup {

    /** Where the log files go and how many are kept: {@code understudy.log.maxFileBytes}, {@code .maxFiles}, {@code .maxAgeDays}. */
    record LogFiles(Path directory, long maxFileBytes, int maxFiles, java.time.Duration maxAge) {}

    /**
     * The logger whose lines go to the console only, never to a log file: a generated admin password is
     * printed there once (a service's console is its journal).
     */
    static final String CONSOLE_ONLY = "understudy.console";
    /** Held so that the JDK keeps the console-only logger's configuration (it holds loggers weakly). */
    private static Logger consoleOnly;
    /** Loggers quieted to WARNING unless DEBUG is asked for. */
    static final java.util.List<String> CHATTY = java.util.List.of("org.eclipse.jetty", "org.apache.felix.webconsole");
    private static final java.util.List<Logger> HELD = new java.util.concurrent.CopyOnWriteArrayList<>();

    private LogSetup() {
    }

    /** @param files where the rolling files go and their limits; {@code null}: stdout only */
    static void configure(LogFiles files, String levelName) throws IOException {
        Level level = Level.parse(levelName.toUpperCase(java.util.Locale.ROOT).replace("DEBUG", "FINE")
                .replace("TRACE", "FINEST").replace("WARN", "WARNING").replace("ERROR", "SEVERE"));
        LogManager manager = LogManager.getLogManager();
        if (manager instanceof ShutdownSafeLogManager safe) {
            safe.configureOnce();
        } else {
            manager.reset();
        }
        Logger root = Logger.getLogger("");
        root.setLevel(level);
        Formatter format = new OneLine();
        Handler console = new ConsoleHandler() {
            {
                setOutputStream(System.out);
            }
        };
        console.setFormatter(format);
        console.setLevel(level);
        root.addHandler(console);
        if (files != null) {
            RollingLogFile file = new RollingLogFile(files.directory(), files.maxFileBytes(), files.maxFiles(), files.maxAge(), format,
                    java.time.Clock.systemUTC());
            file.setLevel(level);
            root.addHandler(file);
        }
        consoleOnly = Logger.getLogger(CONSOLE_ONLY);
        consoleOnly.setUseParentHandlers(false);
        consoleOnly.addHandler(console);
        // Jetty and the Web Console are chatty at INFO about their internals, in lines that read like trouble to a
        // newcomer ("Not all requirements met for the Web Console" while its guard is being registered).
        Level quiet = level.intValue() < Level.INFO.intValue() ? level : Level.WARNING;
        for (String chatty : CHATTY) {
            Logger l = Logger.getLogger(chatty);
            l.setLevel(quiet);
            HELD.add(l);
        }
    }

    private static final class OneLine extends Formatter {
        @Override
        public String format(LogRecord r) {
            StringBuilder sb = new StringBuilder(160);
            sb.append(Instant.ofEpochMilli(r.getMillis())).append(' ')
                    .append(levelName(r.getLevel())).append(' ')
                    .append('[').append(Thread.currentThread().getName()).append("] ")
                    .append(shortName(r.getLoggerName())).append(" - ").append(formatMessage(r))
                    .append(System.lineSeparator());
            if (r.getThrown() != null) {
                StringWriter trace = new StringWriter();
                r.getThrown().printStackTrace(new PrintWriter(trace));
                sb.append(trace);
            }
            return sb.toString();
        }

        private static String levelName(Level level) {
            if (level.intValue() >= Level.SEVERE.intValue()) {
                return "ERROR";
            } else if (level.intValue() >= Level.WARNING.intValue()) {
                return "WARN ";
            } else if (level.intValue() >= Level.INFO.intValue()) {
                return "INFO ";
            }
            return "DEBUG";
        }

        private static String shortName(String name) {
            if (name == null) {
                return "root";
            }
            int dot = name.lastIndexOf('.');
            return dot < 0 ? name : name.substring(dot + 1);
        }
    }
}
