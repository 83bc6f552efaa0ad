package org.understudy.launcher;

import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.slf4j.LoggerFactory;

/** Sends the Felix framework's own log messages (resolution errors, ...) to SLF4J. */
final class FelixLogBridge extends org.apache.felix.framework.Logger {

    private final org.slf4j.Logger log = LoggerFactory.getLogger("org.apache.felix.framework");

    @Override
    protected void doLog(Bundle bundle, @SuppressWarnings("rawtypes") ServiceReference sr, int level, String msg,
                         Throwable throwable) {
        String text = bundle == null ? msg : "[" + bundle.getSymbolicName() + "] " + msg;
        switch (level) {
            case LOG_ERROR -> log.error(text, throwable);
            case LOG_WARNING -> log.warn(text, throwable);
            case LOG_INFO -> log.info(text, throwable);
            default -> log.debug(text, throwable);
        }
    }
}
