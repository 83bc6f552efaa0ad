package org.understudy.api;

import java.time.Instant;

/**
 * Facts about the gateway a plugin runs in, for plugins that describe it (a Home Assistant "gateway"
 * device, a dashboard).
 *
 * @param version the runtime's version
 * @param startedAt when the runtime started
 */
public record GatewayInfo(String version, Instant startedAt) {}
