/**
 * The service provider interfaces: one per {@link org.understudy.api.PluginKind}. Register an
 * implementation in {@code META-INF/services/<interface name>}.
 */
@Export
@Version("0.5.0")
package org.understudy.api.spi;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
