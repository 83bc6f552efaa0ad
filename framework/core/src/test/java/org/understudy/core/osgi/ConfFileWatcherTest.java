package org.understudy.core.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

class ConfFileWatcherTest {

    @TempDir
    Path root;

    /** What each pid was updated with, in order. */
    private final Map<String, List<Map<String, Object>>> updates = new HashMap<>();

    @Test
    void aFileWrittenMomentsAgoIsAppliedOnlyOnceTwoScansReadTheSameContent() throws Exception {
        Path conf = Files.createDirectories(root.resolve("conf"));
        Path file = conf.resolve("understudy.echo.cfg");
        ConfFileWatcher watcher = new ConfFileWatcher(conf, root.resolve("data"), configAdmin());
        watcher.run(); // the scan at start, before the file exists

        Files.writeString(file, ""); // truncated by the writer, not yet written
        watcher.run();
        assertNull(updates.get("understudy.echo"), "an empty file caught mid-write is not applied");

        Files.writeString(file, "port=5353\n");
        watcher.run();
        assertNull(updates.get("understudy.echo"), "content read once while fresh waits for the next scan");

        watcher.run();
        assertEquals(List.of("5353"), updates.get("understudy.echo").stream().map(p -> p.get("port")).toList());

        watcher.run();
        assertEquals(1, updates.get("understudy.echo").size(), "applied once");
    }

    @Test
    void theScanAtStartAppliesWhatItFindsAtOnceEvenIfJustWritten() throws Exception {
        Path conf = Files.createDirectories(root.resolve("conf"));
        Files.writeString(conf.resolve("understudy.echo.cfg"), "port=5353\n"); // an installer copied it a moment ago

        new ConfFileWatcher(conf, root.resolve("data"), configAdmin()).run();

        assertEquals("5353", updates.get("understudy.echo").get(0).get("port"), "the plugins start right after this scan");
    }

    @Test
    void aFileNotWrittenLatelyIsAppliedAtTheFirstScan() throws Exception {
        Path conf = Files.createDirectories(root.resolve("conf"));
        Path file = conf.resolve("understudy.echo.cfg");
        Files.writeString(file, "port=5353\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(Duration.ofMinutes(1))));

        new ConfFileWatcher(conf, root.resolve("data"), configAdmin()).run();

        assertEquals("5353", updates.get("understudy.echo").get(0).get("port"));
        assertEquals("conf/understudy.echo.cfg", updates.get("understudy.echo").get(0).get(ConfFileWatcher.SOURCE_PROPERTY));
    }

    private ConfigurationAdmin configAdmin() {
        return (ConfigurationAdmin) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {ConfigurationAdmin.class},
                (proxy, method, args) -> {
                    if (!method.getName().equals("getConfiguration")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    return configuration((String) args[0]);
                });
    }

    private Configuration configuration(String pid) {
        return (Configuration) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Configuration.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "update" -> {
                        Dictionary<?, ?> d = (Dictionary<?, ?>) args[0];
                        Map<String, Object> copy = new HashMap<>();
                        for (var keys = d.keys(); keys.hasMoreElements(); ) {
                            Object k = keys.nextElement();
                            copy.put((String) k, d.get(k));
                        }
                        updates.computeIfAbsent(pid, k -> new ArrayList<>()).add(copy);
                        yield null;
                    }
                    case "getProperties" -> null;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
