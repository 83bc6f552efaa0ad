// The reference for bench/kasa.sh: tplink-smarthome-api polling plugs as the gateway does (the same request,
// sysinfo + meter + cloud state, one TCP connection each), every INTERVAL ms; counted for SECONDS after WARMUP
// seconds (as the gateway is measured: after its JIT has compiled the poll path), with its own CPU time.
//   node poller.js INTERVAL_MS WARMUP SECONDS PORT...
// Prints one JSON line: {"polls":..,"failed":..,"missed":..,"cpu_us":..,"p99_ms":..}
'use strict';
const { Client } = require('tplink-smarthome-api');

const POLL = '{"system":{"get_sysinfo":null},"emeter":{"get_realtime":null},"cnCloud":{"get_info":null}}';

async function main() {
  const [interval, warmup, seconds, ...ports] = process.argv.slice(2).map(Number);
  const client = new Client({ defaultSendOptions: { timeout: 3000, transport: 'tcp' } });
  let polls = 0;
  let failed = 0;
  let missed = 0;
  let latencies = [];
  const timers = [];
  const inFlight = new Set();
  ports.forEach((port) => {
    const poll = async () => {
      if (inFlight.has(port)) {
        missed++;
        return;
      }
      inFlight.add(port);
      polls++;
      const started = process.hrtime.bigint();
      try {
        await client.send(POLL, '127.0.0.1', port);
        latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
      } catch (e) {
        failed++;
      } finally {
        inFlight.delete(port);
      }
    };
    timers.push(setTimeout(() => {
      poll();
      timers.push(setInterval(poll, interval));
    }, Math.random() * interval));
  });
  await new Promise((resolve) => setTimeout(resolve, warmup * 1000));
  polls = 0;
  failed = 0;
  missed = 0;
  latencies = [];
  const cpuStart = process.cpuUsage();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  timers.forEach((t) => clearInterval(t));
  const cpu = process.cpuUsage(cpuStart);
  latencies.sort((a, b) => a - b);
  const p99 = latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))] : null;
  console.log(JSON.stringify({ polls, failed, missed, cpu_us: cpu.user + cpu.system, p99_ms: p99 }));
  process.exit(0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
