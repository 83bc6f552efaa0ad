package org.understudy.api.spi;

/**
 * Active traffic with LAN devices: polling a TCP device (a Kasa plug) or holding a UDP session (a
 * VStarCam camera). Built by its profile with the profile's {@link org.understudy.api.PluginContext};
 * its sockets live on that context's event loops and its timers on that context's scheduler, so they
 * end with the profile even if {@link #stop} forgets one. Called on the runtime lifecycle thread.
 */
public interface LanDriver {

    /** Starts polling or sessions; must not block. */
    void start() throws Exception;

    /** Stops all activity; must not throw. */
    void stop();
}
