// What the dashboard's browser scripts (browse.js, measure.js) share: Debian's Chromium launched headless for a test
// on loopback (no background traffic of its own), and how much a page loaded.
'use strict';
const { chromium } = require('playwright-core');

function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--no-first-run', '--disable-default-apps', '--disable-extensions'],
  });
}

/** Run in the page: the body bytes it loaded so far (the document, its scripts and styles, the data it fetched). */
function bodyBytes() {
  return performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
    .reduce((n, e) => n + (e.encodedBodySize || 0), 0);
}

module.exports = { launch, bodyBytes };
