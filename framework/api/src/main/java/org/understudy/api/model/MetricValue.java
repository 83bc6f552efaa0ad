package org.understudy.api.model;

import java.util.Objects;

/** The value of one metric in a reading: a number with an optional unit, a flag, or a text. */
public sealed interface MetricValue {

    /** A numeric value; {@code unit} is a UCUM-like symbol such as {@code "Cel"}, {@code "%"}, or empty. */
    record Number(double value, String unit) implements MetricValue {
        public Number {
            if (Double.isNaN(value) || Double.isInfinite(value)) {
                throw new IllegalArgumentException("metric value must be finite, got " + value);
            }
            unit = unit == null ? "" : unit;
        }
    }

    /** A boolean flag (rain, charging, ...). */
    record Flag(boolean value) implements MetricValue {}

    /** A textual value (firmware version, status word, ...). */
    record Text(String value) implements MetricValue {
        public Text {
            Objects.requireNonNull(value, "value");
        }
    }

    static MetricValue of(double value, String unit) {
        return new Number(value, unit);
    }

    static MetricValue of(boolean value) {
        return new Flag(value);
    }

    static MetricValue of(String value) {
        return new Text(value);
    }
}
