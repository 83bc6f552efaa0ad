// How values, units and times are shown: units as people write them, times in the browser's time zone.
'use strict';
const Format = (() => {
  // UCUM-like codes the profiles record, as a person reads them
  const UNITS = {
    'Cel': '°C', '[degF]': '°F', 'K': 'K', '%': '%', 'hPa': 'hPa', 'Pa': 'Pa', 'mbar': 'mbar', 'W': 'W', 'kW': 'kW',
    'V': 'V', 'mV': 'mV', 'A': 'A', 'mA': 'mA', 'kWh': 'kWh', 'Wh': 'Wh', 'dBm': 'dBm', 's': 's', 'min': 'min',
    'h': 'h', 'lx': 'lx', 'm/s': 'm/s', 'km/h': 'km/h', 'mm': 'mm', 'mm/h': 'mm/h', '[in_i]': 'in', '1': '', '': '',
  };

  function unit(u) {
    return u in UNITS ? UNITS[u] : u;
  }

  const compact = new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 });

  function number(v) {
    if (v === null || v === undefined || Number.isNaN(v)) return '–';
    const a = Math.abs(v);
    const digits = a >= 1000 ? 0 : a >= 100 ? 1 : a >= 1 ? 2 : 3;
    return Number(v.toFixed(digits)).toLocaleString();
  }

  /** An axis label: short (2.7M), so that large values fit beside a chart. */
  function axis(v) {
    return v === null || v === undefined ? '' : Math.abs(v) >= 10000 ? compact.format(v) : number(v);
  }

  function value(v) {
    if (!v) return '–';
    if (typeof v.value === 'boolean') return v.value ? 'on' : 'off';
    if (typeof v.value === 'number') {
      const u = unit(v.unit || '');
      return number(v.value) + (u ? (u === '%' || u.startsWith('°') ? u : ' ' + u) : '');
    }
    return v.value === null || v.value === undefined ? '–' : String(v.value);
  }

  function time(iso) {
    if (!iso) return '–';
    return new Date(iso).toLocaleString();
  }

  function ago(iso, now) {
    if (!iso) return 'never';
    const s = Math.max(0, Math.round(((now ? Date.parse(now) : Date.now()) - Date.parse(iso)) / 1000));
    if (s < 60) return s + ' s ago';
    if (s < 3600) return Math.round(s / 60) + ' min ago';
    if (s < 86400) return Math.round(s / 3600) + ' h ago';
    return Math.round(s / 86400) + ' d ago';
  }

  function duration(seconds) {
    if (seconds === null || seconds === undefined) return '–';
    if (seconds < 60) return seconds + ' s';
    if (seconds < 3600) return Math.round(seconds / 60) + ' min';
    if (seconds < 86400) return (seconds / 3600).toFixed(1) + ' h';
    return (seconds / 86400).toFixed(1) + ' d';
  }

  function bytes(n) {
    if (n === null || n === undefined) return '–';
    const units = ['B', 'KB', 'MB', 'GB', 'TB'];
    let i = 0;
    while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
    return (i === 0 ? n : n.toFixed(1)) + ' ' + units[i];
  }

  return { unit, number, axis, value, time, ago, duration, bytes };
})();
