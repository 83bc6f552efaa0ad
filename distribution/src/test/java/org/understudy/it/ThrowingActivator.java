package org.understudy.it;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/** The activator of a deliberately broken bundle (not a plugin: plugins have no activators). */
public final class ThrowingActivator implements BundleActivator {
    @Override
    public void start(BundleContext context) {
        throw new IllegalStateException("activator fails on purpose");
    }

    @Override
    public void stop(BundleContext context) {
    }
}
