/**
 * Immutable values that cross the plugin contract: readings, blobs, flows, devices, host patterns.
 * All are records; collections inside them are unmodifiable copies.
 */
@Export
@Version("0.3.0")
package org.understudy.api.model;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
