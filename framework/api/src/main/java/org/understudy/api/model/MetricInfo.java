package org.understudy.api.model;

import java.util.Objects;

/**
 * How a profile describes one metric it records.
 *
 * @param name the metric's name in readings
 * @param quantity what it measures
 * @param unit its unit as in {@link MetricValue.Number#unit()} (UCUM-like: {@code "Cel"}, {@code "hPa"}),
 *     empty for flags, texts and raw values
 * @param description a short human description (shown by dashboards), may be empty
 */
public record MetricInfo(String name, Quantity quantity, String unit, String description) {
    public MetricInfo {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("metric name must not be blank");
        }
        Objects.requireNonNull(quantity, "quantity");
        unit = unit == null ? "" : unit;
        description = description == null ? "" : description;
    }
}
