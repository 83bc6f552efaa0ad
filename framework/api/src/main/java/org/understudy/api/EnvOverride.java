package org.understudy.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names an environment variable that, when set and not empty, overrides this configuration component
 * whatever {@code conf/} or the Web Console say (for example {@code UNDERSTUDY_DNS_PORT}). The value
 * is converted like any configured value; an invalid value is reported like any invalid configuration.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface EnvOverride {
    String value();
}
