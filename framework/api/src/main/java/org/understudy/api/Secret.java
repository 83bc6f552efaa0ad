package org.understudy.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a configuration component that holds a secret (a password, an API token). The runtime never shows
 * its value: it is masked in {@code /api/status} and in every log line that describes a configuration, and
 * the Web Console shows it as a password field.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Secret {
}
