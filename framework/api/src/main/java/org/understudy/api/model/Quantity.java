package org.understudy.api.model;

/**
 * What a metric measures, so that consumers (a Home Assistant sink, a dashboard) present it right without
 * guessing from its name. {@code RAW} is a device's own value of no known physical unit (a Bloomsky station's
 * UV and luminance counts); {@code OTHER}, anything else without a better fit.
 */
public enum Quantity {
    TEMPERATURE, HUMIDITY, PRESSURE, VOLTAGE, CURRENT, POWER, ENERGY, ILLUMINANCE, UV_INDEX, SIGNAL_STRENGTH,
    DURATION, BATTERY_LEVEL,
    /** A flag: wet (rain) or dry. */
    MOISTURE,
    /** A flag: charging or not. */
    BATTERY_CHARGING,
    /** A flag: connected or not. */
    CONNECTIVITY,
    /** A flag: switched on or off (a plug's relay, an LED). */
    POWER_STATE,
    RAW, OTHER
}
