// DashboardBrowserIT's browser: Debian's Chromium driven by playwright-core through every dashboard page of a running
// gateway, as a person would, with screenshots saved for a person to look at.
//   node browse.js BASE_URL PASSWORD SCREENSHOT_DIR PLUG_ID PLUG_PORT STATION_ID [CAMERA_ID]
// Checks: / leads to the dashboard; every value shown on the overview matches /api/devices; a plug switched from its
// page changes state in the simulated plug (asked by tplink-smarthome-api, an independent client, from NODE_PATH);
// the station's page shows its history and pictures; a camera photographed from its page shows the picture; the traffic page shows its impersonated uploads; nothing is
// requested from another origin. Prints one JSON line; exits 1 with the failures listed.
'use strict';
const path = require('path');
const { launch, bodyBytes } = require('./chromium');
const { Client } = require('tplink-smarthome-api');

const [base, password, shots, plugId, plugPort, stationId, cameraId] = process.argv.slice(2);
const failures = [];
const foreign = [];
const check = (ok, what) => { if (!ok) failures.push(what); };

function number(text) {
  return Number(String(text).replace(/,/g, '').replace(/[^0-9.eE+-].*$/, ''));
}

async function plugOn() {
  const client = new Client({ defaultSendOptions: { timeout: 3000, transport: 'tcp' } });
  const reply = JSON.parse(await client.send('{"system":{"get_sysinfo":null}}', '127.0.0.1', Number(plugPort)));
  return reply.system.get_sysinfo.relay_state === 1;
}

async function run(browser) {
  const context = await browser.newContext({ httpCredentials: { username: 'admin', password }, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(base + '/') && !u.startsWith('data:')) foreign.push(u);
  });
  page.on('pageerror', (e) => failures.push('script error: ' + e.message));

  // the overview, reached from /
  await page.goto(base + '/');
  check(page.url() === base + '/dashboard/', '/ leads to ' + page.url());
  await page.waitForSelector(`.device[data-device="${plugId}"] [data-metric]`);
  await page.waitForSelector(`.device[data-device="${stationId}"] [data-metric]`);
  await page.waitForLoadState('networkidle');
  const overviewBytes = await page.evaluate(bodyBytes);
  const api = await (await context.request.get(base + '/api/devices')).json();
  let compared = 0;
  for (const card of await page.locator('.device').all()) {
    const id = await card.getAttribute('data-device');
    const device = api.find((d) => d.id === id);
    check(device, 'the overview shows a device the API does not know: ' + id);
    if (!device) continue;
    for (const cell of await card.locator('[data-metric]').all()) {
      const metric = await cell.getAttribute('data-metric');
      const shown = await cell.innerText();
      const v = device.latest.values[metric];
      const expected = typeof v === 'object' && v !== null ? v.value : v;
      if (typeof expected === 'boolean') {
        check(shown === (expected ? 'on' : 'off'), `${id} ${metric}: shown ${shown}, the API says ${expected}`);
      } else if (typeof expected === 'number') {
        // shown rounded to 0-3 decimals; the values change between the page's read and ours only when the device
        // was polled in between, which the tolerance of one rounding step does not cover: retried below
        const tolerance = Math.max(Math.abs(expected) * 0.005, 0.0051);
        check(Math.abs(number(shown) - expected) <= tolerance, `${id} ${metric}: shown ${shown}, the API says ${expected}`);
      } else {
        check(shown === String(expected), `${id} ${metric}: shown ${shown}, the API says ${expected}`);
      }
      compared++;
    }
  }
  check(compared >= 10, 'only ' + compared + ' values compared');
  check(await page.locator('#disk-free').innerText() !== '–', 'free disk not shown');
  check((await page.locator('[data-sink="sink-mqtt"]').innerText()).includes('not configured'), 'the unconfigured MQTT sink is not said to be so');
  // Bloomsky's cloud cannot be reached: down, with the station's uploads answered here since
  const cloud = page.locator('[data-upstream^="bskybackend.bloomsky.com"]');
  await cloud.waitFor();
  const cloudText = await cloud.innerText();
  check(cloudText.toLowerCase().includes('down') && number(cloudText.split('\t').pop()) >= 1, 'the Bloomsky cloud row says ' + cloudText);
  check(await page.locator('[data-quarantined]').count() === 1, 'the overview does not point at what is in quarantine');
  await page.screenshot({ path: path.join(shots, 'overview.png'), fullPage: true });

  // a plug switched from its page
  await page.goto(base + '/dashboard/#/device/' + encodeURIComponent(plugId));
  await page.waitForSelector('button[data-action="on"]');
  const before = await plugOn();
  await page.click(`button[data-action="${before ? 'off' : 'on'}"]`);
  await page.waitForSelector('#action-result.ok', { timeout: 15000 });
  const after = await plugOn();
  check(after === !before, `the plug was ${before ? 'on' : 'off'} and is ${after ? 'on' : 'off'} after the click`);
  check((await page.locator('#action-result').innerText()).includes(after ? 'true' : 'false'), 'the page shows the state the plug confirmed');
  await page.waitForSelector('.chart .uplot');
  await page.screenshot({ path: path.join(shots, 'plug.png'), fullPage: true });

  // the station: its history and its pictures
  await page.goto(base + '/dashboard/#/device/' + encodeURIComponent(stationId));
  await page.waitForSelector('.chart .uplot');
  await page.waitForSelector('.thumb img');
  await page.waitForSelector('.viewer img');
  check(await page.locator('.chart').count() >= 3, 'the station has fewer than 3 charts');
  const csv = await page.locator('#csv').getAttribute('href');
  const exported = await context.request.get(new URL(csv, page.url()).toString());
  check(exported.ok() && (await exported.text()).split('\n').length > 2, 'the CSV export is empty or failed');
  await page.screenshot({ path: path.join(shots, 'station.png'), fullPage: true });

  // a camera: in session, photographed from its page, the picture in its timeline
  if (cameraId) {
    await page.goto(base + '/dashboard/#/device/' + encodeURIComponent(cameraId));
    await page.waitForSelector('button[data-action="snapshot"]');
    check(await page.locator('.thumb img').count() === 0, 'the camera has a picture before one was asked for');
    await page.click('button[data-action="snapshot"]');
    await page.waitForSelector('#action-result.ok', { timeout: 20000 });
    check((await page.locator('#action-result').innerText()).includes('sha256'), 'the page does not show the kept picture');
    await page.reload();
    await page.waitForSelector('.thumb img');
    await page.waitForSelector('.viewer img');
    await page.screenshot({ path: path.join(shots, 'camera.png'), fullPage: true });
  }

  // the traffic: the station's uploads, answered here
  await page.goto(base + '/dashboard/#/traffic');
  await page.waitForSelector('.traffic .outcome');
  check(await page.locator('.outcome.impersonated').count() > 0, 'no impersonated exchange listed');
  await page.locator('details[data-flow] summary').first().click();
  check((await page.locator('details[open] pre').innerText()).includes('→ 200'), 'an exchange shows no recorded request and reply');
  // the DNS query log, filtered on the gateway by name
  await page.fill('#filter-name', 'bloomsky');
  await page.waitForFunction(() => /^1 of the last/.test(document.getElementById('dns-found').textContent));
  const logged = await page.locator('.traffic table').first().locator('tbody tr').allInnerTexts();
  check(logged.length === 1 && logged[0].includes('bskybackend.bloomsky.com') && logged[0].includes('intercepted'),
    'the query log filtered by name shows ' + JSON.stringify(logged));
  // the quarantine: the Weather Underground upload's soil sensor, a field wunderground.json does not read
  const soil = page.locator('[data-quarantine="unknown_field:soilmoisture1"]');
  check(await soil.count() === 1, 'the quarantine does not list the unread field soilmoisture1');
  const soilRow = await soil.innerText();
  check(soilRow.includes('\twunderground\t') && soilRow.includes('1×'), 'the quarantine row names no family or count: ' + soilRow);
  check(!(await page.locator('.traffic').innerText()).includes('secret'), 'the quarantine shows a value a device sent');
  await page.screenshot({ path: path.join(shots, 'traffic.png'), fullPage: true });

  // the profiles page: a shipped file shown and checked, a broken edit refused with its reason and not saved
  await page.goto(base + '/dashboard/#/profiles/wunderground.json');
  await page.waitForSelector('#profile-text');
  check((await page.locator('[data-file="wunderground.json"]').innerText()).toLowerCase().includes('in force'), 'wunderground.json is not said to be in force');
  check((await page.locator('#profile-text').inputValue()).includes('"id": "wunderground"'), 'the file\'s text is not shown');
  await page.click('#profile-check');
  await page.waitForSelector('#profile-result.ok');
  await page.fill('#profile-text', '{"id": 5}');
  await page.click('#profile-save');
  await page.waitForSelector('#profile-result.bad');
  check((await page.locator('#profile-result').innerText()).includes('id'), 'the refusal does not say what is wrong');
  await page.screenshot({ path: path.join(shots, 'profiles.png'), fullPage: true });
  const still = await (await context.request.get(base + '/profiles/files/wunderground.json')).json();
  check(still.text.includes('"id": "wunderground"'), 'a refused edit was saved');

  // configuration snapshots: the one taken at start listed, a file that is not a snapshot refused with the reason,
  // the newest restored (two clicks)
  await page.goto(base + '/dashboard/#/config');
  await page.waitForSelector('[data-snapshot]');
  const kept = await page.locator('[data-snapshot]').count();
  check(kept >= 1, 'no configuration snapshot is listed');
  await page.setInputFiles('#config-file', { name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"format":"nope"}') });
  await page.click('#config-restore-file');
  await page.click('#config-restore-file');
  await page.waitForSelector('#config-result.bad');
  check((await page.locator('#config-result').innerText()).includes('not a configuration snapshot'),
    'a file that is not a snapshot is not refused with the reason');
  await page.locator('[data-snapshot] button.restore').first().click();
  check(await page.locator('[data-snapshot] button.confirm').count() === 1, 'a restore does not ask for a second click');
  await page.locator('[data-snapshot] button.restore').first().click();
  await page.waitForSelector('#config-result.ok');
  check((await page.locator('#config-result').innerText()).includes('understudy.dns'), 'the restore does not name what it restored');
  const current = await context.request.get(base + '/api/config/current');
  check(current.ok() && (await current.text()).includes('understudy-config-snapshot/1'), 'the configuration now cannot be downloaded');
  await page.screenshot({ path: path.join(shots, 'config.png'), fullPage: true });

  // a phone
  const phone = await browser.newContext({ httpCredentials: { username: 'admin', password }, viewport: { width: 390, height: 844 }, isMobile: true });
  const small = await phone.newPage();
  small.on('request', (r) => { if (!r.url().startsWith(base + '/') && !r.url().startsWith('data:')) foreign.push(r.url()); });
  await small.goto(base + '/dashboard/');
  await small.waitForSelector('.device');
  const overflow = await small.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(overflow <= 1, 'the overview is ' + overflow + ' px wider than a phone');
  await small.screenshot({ path: path.join(shots, 'phone.png'), fullPage: false });
  return { overviewBytes, compared };
}

(async () => {
  const browser = await launch();
  let result = {};
  try {
    result = await run(browser);
  } catch (e) {
    failures.push(String(e && e.stack || e));
  } finally {
    await browser.close();
  }
  check(foreign.length === 0, 'requests to another origin: ' + foreign.join(', '));
  console.log(JSON.stringify({ ...result, failures }));
  process.exit(failures.length ? 1 : 0);
})();
