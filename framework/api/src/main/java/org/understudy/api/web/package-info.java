/**
 * Web endpoints a plugin contributes to the admin web server (a dashboard, an export): requests and answers as
 * plain values, no servlet types.
 */
@Export
@Version("0.4.0")
package org.understudy.api.web;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
