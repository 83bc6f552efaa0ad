package org.understudy.core.osgi;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.wiring.FrameworkWiring;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refreshes an updated or uninstalled bundle and waits for it, so the old revision's class loader (and
 * every thread or socket tied to it) is released before the next deployment step.
 */
final class BundleRefresher {

    private static final Logger LOG = LoggerFactory.getLogger(BundleRefresher.class);
    private static final long TIMEOUT_SECONDS = 30;

    private final BundleContext context;

    BundleRefresher(BundleContext context) {
        this.context = context;
    }

    void refresh(Bundle bundle) {
        FrameworkWiring wiring = context.getBundle(0).adapt(FrameworkWiring.class);
        CountDownLatch done = new CountDownLatch(1);
        wiring.refreshBundles(List.of(bundle), event -> {
            if (event.getType() == FrameworkEvent.PACKAGES_REFRESHED) {
                done.countDown();
            }
        });
        try {
            if (!done.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn("refresh of {} did not finish within {} s", bundle.getSymbolicName(), TIMEOUT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
