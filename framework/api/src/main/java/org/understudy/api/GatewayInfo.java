package org.understudy.api;

import java.time.Instant;

/**
 * Facts about the gateway a plugin runs in, for plugins that describe it (a Home Assistant "gateway"
 * device, a dashboard).
 *
 * @param version the runtime's version
 * @param startedAt when the runtime started
 * @param site the name of the gateway's site, which sinks put on what they send so that several gateways can share
 *             one destination; empty for a lone gateway (since 0.3)
 */
public record GatewayInfo(String version, Instant startedAt, String site) {

    public GatewayInfo {
        site = site == null ? "" : site;
    }
}
