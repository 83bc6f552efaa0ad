package org.understudy.core;

/**
 * Where plugins come from: a bundle (inside OSGi) or the class path (embedded).
 *
 * @param name the bundle's symbolic name, or {@code "classpath"}
 * @param version the bundle's version, or the implementation version
 * @param location the bundle location or jar file name, for reports
 */
public record PluginOrigin(String name, String version, String location) {
    public static final PluginOrigin CLASSPATH = new PluginOrigin("classpath", "", "classpath");

    @Override
    public String toString() {
        return version.isEmpty() ? name : name + "/" + version;
    }
}
