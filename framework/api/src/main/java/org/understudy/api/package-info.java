/**
 * The plugin contract of Understudy: the lifecycle every plugin follows and the services the runtime
 * gives it.
 *
 * <p>A plugin is a plain Java class implementing one SPI interface of {@code org.understudy.api.spi},
 * registered in {@code META-INF/services/<spi interface name>}. The runtime finds it with
 * {@link java.util.ServiceLoader} on a class path, or in every started bundle inside OSGi; plugin code
 * never imports OSGi types.
 *
 * <p>Ownership: the runtime owns every thread, executor and Netty event loop; plugins borrow them
 * through {@link org.understudy.api.PluginContext} and never create their own.
 */
@Export
@Version("0.7.0")
package org.understudy.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
