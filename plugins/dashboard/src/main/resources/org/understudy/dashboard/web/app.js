// The dashboard: an overview that refreshes itself, a page per device, the traffic, profiles, configuration snapshots. Everything it reads comes from
// this gateway (the REST API under /api and the dashboard's summary); nothing is loaded from anywhere else.
// Text from devices is only ever set as text, never as HTML.
'use strict';

const main = document.getElementById('main');
let timer = null;
let refreshSeconds = 5;

// ---------- helpers ----------

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

async function getJson(url) {
  const r = await fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  const body = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(body.error || r.status + ' ' + r.statusText);
  return body;
}

/**
 * The answers of {@code urls}, or null when the gateway cannot be reached: said in the header, and {@code retry}
 * (a page that refreshes itself) is tried again later.
 */
async function getAll(urls, retry) {
  try {
    return await Promise.all(urls.map(getJson));
  } catch (e) {
    live(false, 'cannot reach the gateway: ' + e.message);
    if (retry) schedule(retry);
    return null;
  }
}

function live(ok, message) {
  const l = document.getElementById('live');
  l.textContent = ok ? 'updated ' + new Date().toLocaleTimeString() : message;
  l.className = ok ? 'ok' : 'bad';
}

function schedule(fn) {
  clearTimeout(timer);
  timer = setTimeout(fn, refreshSeconds * 1000);
}

function plugins(status, kind) {
  return (status.plugins || []).filter((p) => p.kind === kind);
}

function card(title, ...body) {
  return el('section', { class: 'card' }, el('h2', {}, title), ...body);
}

function table(headers, rows) {
  return el('div', { class: 'scroll' }, el('table', {},
    el('thead', {}, el('tr', {}, headers.map((h) => el('th', {}, h)))),
    el('tbody', {}, rows)));
}

// ---------- overview ----------

async function overview() {
  const answers = await getAll(['data/summary', '/api/status'], overview);
  if (!answers) return;
  const [summary, status] = answers;
  refreshSeconds = summary.refreshSeconds || refreshSeconds;
  document.getElementById('site').textContent = summary.site || '';
  const page = el('div', { class: 'overview' },
    devicesCard(summary),
    el('div', { class: 'grid' }, upstreamsCard(summary), sinksCard(status), storeCard(status, summary), dnsCard(status),
      quarantineNote(status)));
  if (location.hash === '' || location.hash === '#/') {
    main.replaceChildren(page);
    live(true);
    schedule(overview);
  }
}

function devicesCard(summary) {
  if (!summary.devices.length) {
    return card('Devices', el('p', { class: 'muted' }, 'No device has been heard from yet.'));
  }
  const families = {};
  summary.devices.forEach((d) => (families[d.profile] = families[d.profile] || []).push(d));
  const cards = [];
  for (const [family, devices] of Object.entries(families).sort()) {
    devices.sort((a, b) => a.name.localeCompare(b.name));
    for (const d of devices) {
      const values = Object.entries((d.latest && d.latest.values) || {})
        .filter(([name]) => name !== 'online')
        .slice(0, 6)
        .map(([name, v]) => el('div', { class: 'kv' }, el('span', { class: 'k' }, name), el('span', { class: 'v', 'data-metric': name }, Format.value(v))));
      cards.push(el('a', { class: 'device ' + d.freshness, href: '#/device/' + encodeURIComponent(d.id), 'data-device': d.id },
        el('div', { class: 'name' }, d.name),
        el('div', { class: 'family' }, family + (d.type ? ' · ' + d.type : '')),
        el('div', { class: 'seen', title: Format.time(d.lastSeen) },
          el('span', { class: 'badge ' + d.freshness }, d.freshness), ' ', Format.ago(d.lastSeen, summary.now),
          d.expectedIntervalSeconds ? el('span', { class: 'muted' }, ' (every ' + Format.duration(d.expectedIntervalSeconds) + ')') : null),
        el('div', { class: 'values' }, values)));
    }
  }
  return card('Devices (' + summary.devices.length + ')', el('div', { class: 'devices' }, cards));
}

function upstreamsCard(summary) {
  if (!summary.upstreams.length) {
    return card('Vendor clouds', el('p', { class: 'muted' }, 'No vendor cloud contacted yet.'));
  }
  return wide(card('Vendor clouds', table(['Cloud', 'Link', 'Since', 'Answered here'], summary.upstreams.map((u) => el('tr', { 'data-upstream': u.upstream },
    el('td', { class: 'host' }, u.upstream),
    el('td', {}, el('span', { class: 'badge ' + (u.status === 'up' ? 'fresh' : u.status === 'down' ? 'stale' : 'unknown') }, u.status)),
    el('td', { title: u.lastError || '' }, u.since ? Format.time(u.since) : '–'),
    el('td', {}, u.answeredLocally === undefined ? '–' : (u.answeredLocallyOver ? 'over ' : '') + u.answeredLocally.toLocaleString()))))));
}

function wide(section) {
  section.classList.add('wide');
  return section;
}

/** Only when the proxy keeps something in quarantine: how much, and where to look. */
function quarantineNote(status) {
  const proxy = plugins(status, 'TRAFFIC_PROXY').find((p) => p.id === (status.selected || {}).trafficProxy) || {};
  const kept = (proxy.status || {}).quarantined;
  if (!kept) return null;
  return card('Quarantine', el('p', { 'data-quarantined': kept },
    el('span', { class: 'badge late' }, kept.toLocaleString()), ' ',
    kept === 1 ? 'thing' : 'things', ' devices sent that no profile knows (a new endpoint, host or field). ',
    el('a', { href: '#/traffic' }, 'See them on the Traffic page.')));
}

function sinksCard(status) {
  const sinks = plugins(status, 'SINK');
  if (!sinks.length) return card('Sinks', el('p', { class: 'muted' }, 'No sink installed.'));
  return card('Sinks', table(['Sink', 'State', 'Unsent'], sinks.map((p) => {
    const s = (p.status || {}).delivery || {};
    const state = p.state !== 'ACTIVE' ? p.state.toLowerCase() : s.enabled === false ? 'not configured' : (s.state || 'active');
    const unsent = s.backlog === undefined || s.backlog === null ? '–'
      : s.backlog.toLocaleString() + (s.oldestUnsentAgeSeconds ? ', oldest ' + Format.duration(s.oldestUnsentAgeSeconds) : '');
    const error = s.lastError || p.error;
    return el('tr', { 'data-sink': p.id },
      el('td', {}, p.id.replace(/^sink-/, '')),
      el('td', {}, state, error ? el('div', { class: 'error' }, error) : null),
      el('td', {}, unsent));
  })));
}

function storeCard(status, summary) {
  const store = plugins(status, 'READING_STORE').find((p) => p.id === (status.selected || {}).readingStore) || {};
  const s = store.status || {};
  const disk = summary.disk || {};
  return card('Store', el('div', { class: 'kvs' },
    el('div', { class: 'kv' }, el('span', { class: 'k' }, 'store'), el('span', { class: 'v' }, (store.id || '–') + ' ' + (store.state || ''))),
    el('div', { class: 'kv' }, el('span', { class: 'k' }, 'size'), el('span', { class: 'v', id: 'store-size' }, Format.bytes(s.usedBytes))),
    el('div', { class: 'kv' }, el('span', { class: 'k' }, 'free disk'), el('span', { class: 'v', id: 'disk-free' },
      Format.bytes(disk.freeBytes) + (disk.totalBytes ? ' of ' + Format.bytes(disk.totalBytes) : ''))),
    el('div', { class: 'kv' }, el('span', { class: 'k' }, 'commits'), el('span', { class: 'v' }, s.commits === undefined ? '–' : s.commits.toLocaleString())),
    s.lastError ? el('div', { class: 'error' }, s.lastError) : null));
}

function dnsCard(status) {
  const dns = plugins(status, 'DNS_SERVER').find((p) => p.id === (status.selected || {}).dnsServer) || {};
  const s = dns.status || {};
  const by = s.bySource || {};
  const cached = (by.cache || 0) + (by.stale || 0);
  const asked = cached + (by.upstream || 0);
  return card('DNS', el('div', { class: 'kvs' },
    el('div', { class: 'kv' }, el('span', { class: 'k' }, 'queries'), el('span', { class: 'v', id: 'dns-queries' }, s.queries === undefined ? '–' : s.queries.toLocaleString())),
    el('div', { class: 'kv' }, el('span', { class: 'k' }, 'answered for devices'), el('span', { class: 'v' }, (by.intercepted || 0).toLocaleString())),
    el('div', { class: 'kv' }, el('span', { class: 'k' }, 'cache hit rate'), el('span', { class: 'v', id: 'dns-hit-rate' }, asked ? Math.round(100 * cached / asked) + ' %' : '–')),
    el('div', { class: 'kv' }, el('span', { class: 'k' }, 'cache entries'), el('span', { class: 'v' }, s.cacheEntries === undefined ? '–' : s.cacheEntries.toLocaleString()))));
}

// ---------- device page ----------

const RANGES = [['1h', 3600], ['6h', 21600], ['24h', 86400], ['7d', 604800], ['30d', 2592000], ['1y', 31536000]];
let range = null; // chosen by the person; until then the shortest that holds the device's whole history, at most 24h

async function devicePage(id) {
  const answers = await getAll(['/api/devices', 'data/summary']);
  if (!answers) return;
  const [devices, summary] = answers;
  const device = devices.find((d) => d.id === id);
  if (!device) {
    main.replaceChildren(card('Unknown device', el('p', {}, 'No device ' + id + ' is known.')));
    return;
  }
  const info = summary.devices.find((d) => d.id === id) || {};
  const known = (Date.now() - Date.parse(device.firstSeen)) / 1000;
  const shown = range || (RANGES.find(([, seconds]) => seconds >= known && seconds <= 86400) || RANGES[2])[1];
  const to = new Date();
  const from = new Date(to.getTime() - shown * 1000);
  const charts = el('div', { class: 'charts' });
  const page = el('div', { class: 'device-page' },
    card(info.name || id,
      el('div', { class: 'family' }, device.profile + ' · ' + id),
      el('div', { class: 'seen' }, el('span', { class: 'badge ' + (info.freshness || 'unknown') }, info.freshness || 'unknown'),
        ' last seen ' + Format.ago(device.lastSeen, summary.now) + ' (' + Format.time(device.lastSeen) + ')'),
      actionsBlock(device),
      el('details', {}, el('summary', {}, 'Attributes'), table(['Attribute', 'Value'],
        Object.entries(device.attributes || {}).map(([k, v]) => el('tr', {}, el('td', {}, k), el('td', {}, v)))))),
    card('History',
      el('div', { class: 'ranges' }, RANGES.map(([label, seconds]) => el('button', {
        class: seconds === shown ? 'on' : '', onclick: () => { range = seconds; devicePage(id); },
      }, label)),
      el('a', { class: 'button', id: 'csv', href: '/api/readings?' + new URLSearchParams({
        device: id, from: from.toISOString(), to: to.toISOString(), step: step(shown, 800), format: 'csv' }), download: id + '.csv' }, 'Export CSV')),
      charts),
    picturesCard(id, from, to));
  main.replaceChildren(page);
  live(true);
  const numeric = Object.entries((device.latest && device.latest.values) || {}).filter(([, v]) => typeof v === 'number' || (v && typeof v.value === 'number'));
  if (!numeric.length) charts.append(el('p', { class: 'muted' }, 'No numeric values recorded.'));
  for (const [metric] of numeric) {
    const box = el('div', { class: 'chart' }, el('h3', {}, metric));
    charts.append(box);
    plot(box, id, metric, from, to, info.expectedIntervalSeconds);
  }
}

/** An ISO-8601 step that gives about one point per pixel of a chart {@code width} wide. */
function step(seconds, width) {
  return 'PT' + Math.max(1, Math.ceil(seconds / width)) + 'S';
}

async function plot(box, id, metric, from, to, expected) {
  const width = Math.max(280, box.clientWidth || 800);
  const stepSeconds = Math.max(1, Math.ceil((to - from) / 1000 / width));
  let answer;
  try {
    answer = await getJson('/api/readings?' + new URLSearchParams({
      device: id, metric, from: from.toISOString(), to: to.toISOString(), step: 'PT' + stepSeconds + 'S' }));
  } catch (e) {
    box.append(el('p', { class: 'error' }, e.message));
    return;
  }
  const points = answer.points || [];
  if (!points.length) {
    box.append(el('p', { class: 'muted' }, 'Nothing recorded in this range.'));
    return;
  }
  // a gap is a gap: where no point came for longer than the device's rhythm (or a few steps), the line breaks
  const gap = Math.max(3 * stepSeconds, 2 * (expected || 0));
  const xs = [];
  const ys = [];
  const lows = [];
  const highs = [];
  let last = null;
  for (const p of points) {
    const t = Date.parse(p.time) / 1000;
    if (last !== null && t - last > gap) {
      xs.push(last + stepSeconds);
      ys.push(null);
      lows.push(null);
      highs.push(null);
    }
    xs.push(t);
    ys.push(p.value === undefined ? p.mean : p.value);
    lows.push(p.min === undefined ? null : p.min);
    highs.push(p.max === undefined ? null : p.max);
    last = t;
  }
  const unit = Format.unit(points[0].unit || '');
  const show = (u, v) => (v === null || v === undefined ? '–' : Format.number(v) + (unit ? ' ' + unit : ''));
  // a bucket of many readings is drawn as its mean inside the band of its min and max: a daily swing stays visible
  const ranged = points.some((p) => p.count > 1);
  const series = [{}, { label: metric + (unit ? ' (' + unit + ')' : ''), stroke: '#2a7ab0', width: 1.5, spanGaps: false, value: show }];
  const data = [xs, ys];
  if (ranged) {
    series.push({ label: 'min', stroke: 'rgba(42,122,176,0.35)', width: 1, spanGaps: false, value: show });
    series.push({ label: 'max', stroke: 'rgba(42,122,176,0.35)', width: 1, spanGaps: false, value: show });
    data.push(lows, highs);
  }
  const chart = new uPlot({
    width, height: 200,
    scales: { x: { time: true, min: from / 1000, max: to / 1000 } },
    series,
    bands: ranged ? [{ series: [3, 2], fill: 'rgba(42,122,176,0.12)' }] : [],
    axes: [{}, { values: (u, vals) => vals.map((v) => Format.axis(v)) }],
  }, data, box);
  box.dataset.points = String(points.length);
  return chart;
}

function actionsBlock(device) {
  const actions = device.actions || [];
  if (!actions.length) return null;
  const result = el('pre', { class: 'result', id: 'action-result' });
  return el('div', { class: 'actions' },
    actions.map((a) => el('button', {
      'data-action': a.name, title: a.description || '',
      onclick: async (event) => {
        const b = event.target;
        b.disabled = true;
        result.textContent = a.name + '…';
        try {
          const r = await fetch('/api/devices/' + encodeURIComponent(device.id) + '/actions/' + encodeURIComponent(a.name), {
            method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: '{}' });
          const body = await r.json().catch(() => ({}));
          result.textContent = (r.ok ? a.name + ': ' : a.name + ' failed: ') + JSON.stringify(r.ok ? (body.result || body) : (body.error || body));
          result.className = 'result ' + (r.ok ? 'ok' : 'bad');
        } catch (e) {
          result.textContent = a.name + ' failed: ' + e.message;
          result.className = 'result bad';
        } finally {
          b.disabled = false;
        }
      },
    }, a.name)),
    result);
}

function picturesCard(id, from, to) {
  const strip = el('div', { class: 'pictures' });
  const viewer = el('div', { class: 'viewer' });
  const section = card('Pictures', strip, viewer);
  section.hidden = true;
  getJson('/api/pictures?' + new URLSearchParams({ device: id, from: from.toISOString(), to: to.toISOString(), limit: 200 }))
    .then((answer) => {
      const pictures = answer.pictures || [];
      if (!pictures.length) return;
      section.hidden = false;
      const show = (p) => viewer.replaceChildren(
        el('img', { src: p.url, alt: 'picture of ' + Format.time(p.time) }),
        el('div', {}, Format.time(p.time), ' · ', Format.bytes(p.size), ' · ',
          el('a', { href: p.url, download: id + '-' + p.time.replace(/[:]/g, '') + '.jpg' }, 'download')));
      pictures.forEach((p) => strip.append(el('button', { class: 'thumb', title: Format.time(p.time), onclick: () => show(p) },
        el('img', { src: p.url, loading: 'lazy', alt: Format.time(p.time) }))));
      let playing = null;
      section.querySelector('h2').append(' ', el('button', { id: 'timelapse', onclick: (e) => {
        if (playing) { clearInterval(playing); playing = null; e.target.textContent = 'Play'; return; }
        let i = 0;
        e.target.textContent = 'Stop';
        playing = setInterval(() => { show(pictures[i]); i = (i + 1) % pictures.length; }, 400);
      } }, 'Play'));
      show(pictures[pictures.length - 1]);
    })
    .catch(() => {}); // a store that keeps no pictures: no section
  return section;
}

// ---------- traffic ----------

async function traffic() {
  const answers = await getAll(['/api/status', '/api/flows?limit=100'], traffic);
  if (!answers) return;
  const [status, flows] = answers;
  // kept by the proxy; a proxy without a quarantine is said so, the rest of the page still shows
  const quarantine = await getJson('/quarantine/').catch((e) => ({ error: e.message }));
  if (location.hash !== '#/traffic') return;
  const dns = plugins(status, 'DNS_SERVER').find((p) => p.id === (status.selected || {}).dnsServer) || {};
  const old = main.querySelector('.traffic');
  const clientFilter = old ? old.querySelector('#filter-client').value : '';
  const nameFilter = old ? old.querySelector('#filter-name').value : '';
  const open = old ? old.querySelector('details[open]') : null;
  const tbody = el('tbody', {});
  const found = el('p', { class: 'muted', id: 'dns-found' });
  // the DNS server's query log, filtered on the gateway over every query it keeps; a DNS server without that page
  // leaves the recent queries of its status, filtered here
  const showQueries = async (c, n) => {
    let answer = await getJson('/dns/queries?limit=200&client=' + encodeURIComponent(c) + '&name=' + encodeURIComponent(n)).catch(() => null);
    if (!answer) {
      const recent = ((dns.status || {}).recentQueries || []).filter((q) => q.client.includes(c) && q.name.toLowerCase().includes(n.toLowerCase()));
      answer = { queries: recent, matched: recent.length, kept: recent.length };
    }
    tbody.replaceChildren(...answer.queries.map((q) => el('tr', {}, el('td', {}, Format.time(q.time)), el('td', {}, q.client),
      el('td', {}, q.name), el('td', {}, q.type), el('td', {}, q.source), el('td', {}, q.rcode))));
    found.textContent = answer.matched.toLocaleString() + ' of the last ' + answer.kept.toLocaleString() + ' queries'
      + (answer.matched > answer.queries.length ? ', the newest ' + answer.queries.length + ' shown' : '');
  };
  await showQueries(clientFilter, nameFilter);
  if (location.hash !== '#/traffic') return;
  let typing = null;
  const refilter = () => {
    clearTimeout(typing);
    typing = setTimeout(() => showQueries(page.querySelector('#filter-client').value, page.querySelector('#filter-name').value), 250);
  };
  const page = el('div', { class: 'traffic' },
    card('DNS queries',
      el('div', { class: 'filters' },
        el('input', { id: 'filter-client', placeholder: 'client', value: clientFilter, oninput: refilter }),
        el('input', { id: 'filter-name', placeholder: 'name', value: nameFilter, oninput: refilter })),
      found,
      el('div', { class: 'scroll' }, el('table', {}, el('thead', {}, el('tr', {},
        ['Time', 'Client', 'Name', 'Type', 'Answer', 'Rcode'].map((h) => el('th', {}, h)))), tbody))),
    quarantineCard(quarantine),
    card('Recent exchanges', table(['Time', 'Device', 'Host', 'Request', 'Status', 'Outcome'],
      (flows.flows || []).map((f) => el('tr', {},
        el('td', {}, Format.time(f.start)), el('td', {}, f.client || ''), el('td', {}, f.host || ''),
        el('td', {}, el('details', { 'data-flow': f.id, open: open && open.dataset.flow === String(f.id) },
          el('summary', { title: f.target || '' }, (f.method || '') + ' ' + shorten(f.target || '', 60)),
          el('pre', {}, exchange(f)))),
        el('td', {}, f.status), el('td', {}, el('span', { class: 'outcome ' + f.outcome.toLowerCase() }, f.outcome.toLowerCase().replace('_', ' '))))))));
  main.replaceChildren(page);
  live(true);
  schedule(traffic);
}

const QUARANTINE_KINDS = { unknown_host: 'host no profile claims', unknown_route: 'path no route takes', unknown_field: 'field not read' };

function quarantineCard(q) {
  const title = 'Quarantine';
  if (q.error) {
    return card(title, el('p', { class: 'muted' }, 'The proxy in use keeps no quarantine (' + q.error + ').'));
  }
  const entries = q.entries || [];
  const intro = el('p', { class: 'muted' }, 'What devices sent that no profile knows, each once with a count: a firmware that '
    + 'changes its protocol shows up here the day it happens. Names only, never the values sent.'
    + (q.notKept ? ' ' + q.notKept.toLocaleString() + ' more were not kept (the quarantine holds ' + q.maxEntries + ').' : ''));
  if (!entries.length) return card(title, intro, el('p', { class: 'muted', 'data-quarantine': 'empty' }, 'Nothing in quarantine.'));
  const clear = el('button', { type: 'button', onclick: async () => {
    clear.disabled = true;
    const r = await fetch('/quarantine/', { method: 'DELETE', credentials: 'same-origin' }).catch(() => null);
    if (r && r.ok) traffic(); else { clear.disabled = false; clear.textContent = 'Not cleared: try again'; }
  } }, 'Clear (after looking)');
  return card(title + ' (' + entries.length + ')', intro,
    table(['What', 'Kind', 'Family', 'Host', 'Seen', 'First', 'Last', 'Example'], entries.map((e) => el('tr', { 'data-quarantine': e.kind + ':' + e.subject },
      el('td', {}, el('code', {}, e.subject)),
      el('td', {}, QUARANTINE_KINDS[e.kind] || e.kind),
      el('td', {}, e.profile || '–'),
      el('td', {}, e.host),
      el('td', {}, e.count.toLocaleString() + '×'),
      el('td', {}, Format.time(e.firstSeen)),
      el('td', {}, Format.time(e.lastSeen)),
      el('td', { title: e.example }, el('code', {}, shorten(e.example, 60)))))),
    el('div', { class: 'actions' }, clear));
}

function shorten(text, max) {
  return text.length > max ? text.slice(0, max - 1) + '…' : text;
}

function exchange(f) {
  const body = (b) => (!b || !b.size ? '' : b.text !== undefined ? b.text : b.url ? '(' + b.size + ' bytes: ' + b.url + ')' : '(' + b.size + ' bytes)');
  const headers = (h) => (h || []).map((e) => (Array.isArray(e) ? e.join(': ') : Object.entries(e).map(([k, v]) => k + ': ' + v).join('\n'))).join('\n');
  return [f.method + ' ' + f.target, headers(f.requestHeaders), '', body(f.requestBody), '', '→ ' + f.status,
    headers(f.responseHeaders), '', body(f.responseBody)].join('\n');
}

// ---------- profiles (the declarative profiles plugin's files, edited through its /profiles/ endpoint) ----------

async function profilesPage(open) {
  let answer;
  try {
    answer = await getJson('/profiles/files');
  } catch (e) {
    main.replaceChildren(card('Device profiles', el('p', { class: 'muted' },
      'The declarative profiles plugin does not answer (' + e.message + '): it is not installed or not running.')));
    return;
  }
  const editor = el('div', { class: 'editor' });
  const files = answer.files || [];
  main.replaceChildren(
    card('Device profiles', el('p', { class: 'muted' }, 'One JSON file per device family that uploads over plain HTTP (conf/profiles/). '
      + 'A file is checked before it is saved and is in force at once; one that would not be used is never written.'),
    table(['File', 'Family', 'State', 'Problem'], files.map((f) => el('tr', { 'data-file': f.file },
      el('td', {}, el('a', { href: '#/profiles/' + encodeURIComponent(f.file) }, f.file)),
      el('td', {}, f.family || ''),
      el('td', {}, el('span', { class: 'badge ' + (f.error ? (f.family ? 'late' : 'stale') : 'fresh') }, f.state)),
      el('td', { class: 'error' }, f.error || ''))))),
    editor);
  live(true);
  if (open) edit(editor, open);
}

async function edit(editor, name) {
  let text = '';
  try {
    text = (await getJson('/profiles/files/' + encodeURIComponent(name))).text;
  } catch (e) {
    editor.replaceChildren(card(name, el('p', { class: 'error' }, e.message)));
    return;
  }
  const area = el('textarea', { id: 'profile-text', spellcheck: 'false', rows: 24 });
  area.value = text;
  const saveAs = el('input', { id: 'profile-name', value: name, title: 'Save under this name (a new name makes a new file)' });
  const result = el('pre', { class: 'result', id: 'profile-result' });
  const send = async (method, suffix) => {
    result.className = 'result';
    result.textContent = '…';
    try {
      const r = await fetch('/profiles/files/' + encodeURIComponent(saveAs.value) + suffix, {
        method, credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: area.value });
      const body = await r.json().catch(() => ({}));
      result.className = 'result ' + (r.ok ? 'ok' : 'bad');
      result.textContent = r.ok ? (suffix ? 'valid: it would be used' : 'saved: in force now') : (body.error || r.status + ' ' + r.statusText);
      if (r.ok && !suffix) setTimeout(() => profilesPage(saveAs.value), 500);
    } catch (e) {
      result.className = 'result bad';
      result.textContent = e.message;
    }
  };
  editor.replaceChildren(card(name, area,
    el('div', { class: 'actions' }, el('label', {}, 'file ', saveAs),
      el('button', { id: 'profile-check', onclick: () => send('POST', '/check') }, 'Check'),
      el('button', { id: 'profile-save', onclick: () => send('PUT', '') }, 'Save')),
    result));
}

// ---------- configuration snapshots ----------

function kb(bytes) {
  return bytes < 1024 ? bytes + ' B' : (bytes / 1024).toFixed(1) + ' KB';
}

async function configPage() {
  let answer;
  try {
    answer = await getJson('/api/config/snapshots');
  } catch (e) {
    main.replaceChildren(card('Configuration snapshots', el('p', { class: 'error' }, e.message)));
    return;
  }
  const result = el('pre', { class: 'result', id: 'config-result' });
  const restore = async (button, url, body) => {
    // two clicks: a restore changes the running gateway
    if (!button.classList.contains('confirm')) {
      document.querySelectorAll('button.confirm').forEach((b) => { b.classList.remove('confirm'); b.textContent = b.dataset.label; });
      button.classList.add('confirm');
      button.textContent = 'Click again to restore';
      return;
    }
    button.disabled = true;
    result.className = 'result';
    result.textContent = '…';
    try {
      const r = await fetch(url, { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body });
      const answer = await r.json().catch(() => ({}));
      result.className = 'result ' + (r.ok ? 'ok' : 'bad');
      result.textContent = r.ok ? 'restored: ' + (answer.restored || []).join(', ') : (answer.error || r.status + ' ' + r.statusText);
      if (r.ok) setTimeout(configPage, 3000); // the restore is kept as a snapshot of its own a moment later
    } catch (e) {
      result.className = 'result bad';
      result.textContent = e.message;
    } finally {
      button.disabled = false;
      button.classList.remove('confirm');
      button.textContent = button.dataset.label;
    }
  };
  const snapshots = answer.snapshots || [];
  const upload = el('input', { type: 'file', id: 'config-file', accept: '.json,application/json' });
  const fromFile = el('button', { id: 'config-restore-file', 'data-label': 'Restore this file', onclick: async () => {
    if (!upload.files.length) {
      result.className = 'result bad';
      result.textContent = 'choose a snapshot file first';
      return;
    }
    await restore(fromFile, '/api/config/restore', await upload.files[0].text());
  } }, 'Restore this file');
  main.replaceChildren(card('Configuration snapshots',
    el('p', { class: 'muted' }, 'The whole configuration is kept a moment after every change (a conf file, a Web Console save, a '
      + 'restore); the newest ' + answer.keep + ' are kept. A restore is checked whole first: if anything in it cannot be applied, '
      + 'nothing changes and the reason is shown here.'),
    table(['Taken', 'Configurations', 'Size', ''], snapshots.map((s, i) => el('tr', { 'data-snapshot': s.id },
      el('td', {}, s.time ? new Date(s.time).toLocaleString() : s.id, i === 0 ? ' ' : null, i === 0 ? el('span', { class: 'badge fresh' }, 'newest') : null),
      el('td', { title: (s.pids || []).join(', ') }, s.error ? el('span', { class: 'error' }, s.error) : (s.pids || []).length + ' plugins'),
      el('td', {}, kb(s.bytes)),
      el('td', { class: 'row-actions' },
        el('a', { class: 'button', href: '/api/config/snapshots/' + encodeURIComponent(s.id), download: 'understudy-config-' + s.id + '.json' }, 'Download'),
        s.error ? null : (() => {
          const b = el('button', { class: 'restore', 'data-label': 'Restore' }, 'Restore');
          b.addEventListener('click', () => restore(b, '/api/config/snapshots/' + encodeURIComponent(s.id) + '/restore', '{}'));
          return b;
        })())))),
    el('div', { class: 'actions' },
      el('a', { class: 'button', id: 'config-current', href: '/api/config/current', download: 'understudy-config-current.json' }, 'Download the configuration now'),
      el('label', {}, 'or restore a downloaded file ', upload), fromFile),
    result));
  live(true);
}

// ---------- routing ----------

function route() {
  clearTimeout(timer);
  const hash = location.hash || '#/';
  document.querySelectorAll('nav a[data-page]').forEach((a) => a.classList.toggle('on',
    (a.dataset.page === 'overview' && (hash === '#/' || hash.startsWith('#/device/'))) || hash.startsWith('#/' + a.dataset.page)));
  if (hash.startsWith('#/device/')) devicePage(decodeURIComponent(hash.slice('#/device/'.length)));
  else if (hash === '#/traffic') traffic();
  else if (hash === '#/profiles' || hash.startsWith('#/profiles/')) profilesPage(decodeURIComponent(hash.slice('#/profiles/'.length)) || null);
  else if (hash === '#/config') configPage();
  else overview();
}

window.addEventListener('hashchange', route);
route();
