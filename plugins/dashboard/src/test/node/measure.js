// bench/dashboard.sh's browser: Debian's Chromium (playwright-core) on a running gateway.
//   node measure.js BASE_URL PASSWORD DEVICE
// Prints one JSON line: the bytes the overview page transferred (every response body, as served), and the time from
// choosing the 1-year range on DEVICE's page to every chart drawn with its points (the gateway aggregating the year
// to the chart's width, the browser drawing it), median of 5; and every request the pages made to the gateway's own
// API (outside /dashboard/), in order, so that a gateway without the dashboard can be given the same work.
'use strict';
const { launch, bodyBytes } = require('./chromium');

const [base, password, device] = process.argv.slice(2);

(async () => {
  const browser = await launch();
  const context = await browser.newContext({ httpCredentials: { username: 'admin', password }, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const foreign = [];
  const apiCalls = [];
  page.on('request', (r) => {
    const url = r.url();
    if (!url.startsWith(base + '/') && !url.startsWith('data:')) foreign.push(url);
    else if (url.startsWith(base + '/') && !url.startsWith(base + '/dashboard/') && r.method() === 'GET') apiCalls.push(url.slice(base.length));
  });
  await page.goto(base + '/dashboard/');
  await page.waitForSelector('.device');
  await page.waitForLoadState('networkidle');
  const bytes = await page.evaluate(bodyBytes);
  const times = [];
  let points = 0;
  for (let i = 0; i < 5; i++) {
    await page.goto(base + '/dashboard/#/device/' + encodeURIComponent(device));
    await page.reload();
    await page.waitForSelector('.chart[data-points]');
    const started = Date.now();
    await page.click('.ranges button:has-text("1y")');
    await page.waitForFunction(() => {
      const charts = [...document.querySelectorAll('.chart')];
      return document.querySelector('.ranges button.on').textContent === '1y' && charts.length > 0
        && charts.every((c) => c.dataset.points && c.querySelector('canvas'));
    }, null, { polling: 'raf', timeout: 30000 });
    times.push(Date.now() - started);
    points = await page.evaluate(() => [...document.querySelectorAll('.chart')].reduce((n, c) => n + Number(c.dataset.points), 0));
  }
  await browser.close();
  times.sort((a, b) => a - b);
  console.log(JSON.stringify({ overviewBytes: bytes, yearRenderMs: times[2], yearRenderMsAll: times, yearPoints: points, foreign, apiCalls }));
})().catch((e) => { console.error(e); process.exit(1); });
