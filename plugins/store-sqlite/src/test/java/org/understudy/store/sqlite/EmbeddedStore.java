package org.understudy.store.sqlite;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.understudy.api.Recorder;
import org.understudy.api.spi.ReadingStore;
import org.understudy.core.ClasspathPlugins;
import org.understudy.core.PluginRuntime;

/** The SQLite store running in the real runtime (embedded mode), as a test fixture. */
final class EmbeddedStore implements AutoCloseable {

    private final PluginRuntime runtime;

    EmbeddedStore(Path data, Map<String, Object> config) throws Exception {
        Files.createDirectories(data);
        runtime = new PluginRuntime(data, data.resolve("conf"), k -> null, Clock.systemUTC());
        runtime.configure("understudy.runtime", Map.of("readingStore", "store-sqlite", "blockingThreads", "64"));
        runtime.configure("understudy.store-sqlite", config);
        runtime.add(ClasspathPlugins.discover(EmbeddedStore.class.getClassLoader()));
        if (runtime.store().isEmpty()) {
            throw new IllegalStateException("store did not start: " + runtime.status());
        }
    }

    Recorder recorder() {
        return runtime.recorder();
    }

    SqliteReadingStore store() {
        return (SqliteReadingStore) runtime.store().orElseThrow();
    }

    PluginRuntime runtime() {
        return runtime;
    }

    @Override
    public void close() {
        runtime.close();
    }
}
