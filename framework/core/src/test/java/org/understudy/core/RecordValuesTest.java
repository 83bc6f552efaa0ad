package org.understudy.core;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordValuesTest {

    record Inner(String name, int weight) {}

    record Config(String host, int port, Duration timeout, List<String> names, List<Inner> inner, Inner main) {}

    record Other(String host, int port, Duration timeout, List<String> names, List<Inner> inner, Inner main) {}

    private static Config config(int port, String lastName, int innerWeight) {
        return new Config("h", port, Duration.ofSeconds(2), List.of("a", lastName), List.of(new Inner("x", innerWeight)),
                new Inner("m", 1));
    }

    @Test
    void equalComponentsAreTheSame() {
        assertTrue(RecordValues.same(config(53, "b", 1), config(53, "b", 1)));
        assertTrue(RecordValues.same(null, null));
    }

    @Test
    void anyDifferentComponentMakesThemDifferent() {
        assertFalse(RecordValues.same(config(53, "b", 1), config(54, "b", 1)));
        assertFalse(RecordValues.same(config(53, "b", 1), config(53, "c", 1)));
        assertFalse(RecordValues.same(config(53, "b", 1), config(53, "b", 2)));
        assertFalse(RecordValues.same(config(53, "b", 1),
                new Config("h", 53, Duration.ofSeconds(3), List.of("a", "b"), List.of(new Inner("x", 1)), new Inner("m", 1))));
        assertFalse(RecordValues.same(config(53, "b", 1),
                new Config("h", 53, Duration.ofSeconds(2), List.of("a", "b"), List.of(), new Inner("m", 1))));
        assertFalse(RecordValues.same(config(53, "b", 1),
                new Config("h", 53, Duration.ofSeconds(2), List.of("a", "b"), List.of(new Inner("x", 1)), null)));
    }

    @Test
    void recordsOfAnotherTypeAreNeverTheSame() {
        assertFalse(RecordValues.same(config(53, "b", 1),
                new Other("h", 53, Duration.ofSeconds(2), List.of("a", "b"), List.of(new Inner("x", 1)), new Inner("m", 1))));
        assertFalse(RecordValues.same(config(53, "b", 1), null));
    }
}
