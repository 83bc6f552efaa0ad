package org.understudy.api.spi;

import java.time.Instant;

/**
 * One point of a numeric series: a raw value ({@code count == 1}, min = max = mean) or a bucket.
 *
 * @param metric the metric name
 * @param time the value's time, or the bucket's start
 * @param min smallest value
 * @param max largest value
 * @param mean arithmetic mean
 * @param count number of raw values
 */
public record SeriesPoint(String metric, Instant time, double min, double max, double mean, long count) {
}
