package org.understudy.api;

/** A registration that ends when closed. Closing twice is harmless. */
@FunctionalInterface
public interface Subscription extends AutoCloseable {
    @Override
    void close();
}
