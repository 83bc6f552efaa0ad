package org.understudy.core.testplugins;

public record NoConfig() {
}
