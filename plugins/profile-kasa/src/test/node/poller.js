// The reference for bench/kasa.sh: tplink-smarthome-api polling plugs as the gateway does (the same request,
// sysinfo + meter + cloud state), every INTERVAL ms; counted for SECONDS after WARMUP seconds (as the gateway is
// measured: after its JIT has compiled the poll path), with its own CPU time. CONNECTION is "kept" (the client's
// useSharedSocket: one connection per plug, kept between polls, as the gateway does by default) or "new" (its
// default: a new connection per poll, as the gateway does with keepConnection=0s).
//   node poller.js CONNECTION INTERVAL_MS WARMUP SECONDS PORT...
// Prints one JSON line: {"polls":..,"failed":..,"missed":..,"cpu_us":..,"p99_ms":..}
'use strict';
const { Client } = require('tplink-smarthome-api');

const POLL = '{"system":{"get_sysinfo":null},"emeter":{"get_realtime":null},"cnCloud":{"get_info":null}}';

async function main() {
  const connection = process.argv[2];
  if (connection !== 'kept' && connection !== 'new') {
    throw new Error(`CONNECTION is kept or new, not ${connection}`);
  }
  const [interval, warmup, seconds, ...ports] = process.argv.slice(3).map(Number);
  const client = new Client({
    defaultSendOptions: {
      timeout: 3000,
      transport: 'tcp',
      useSharedSocket: connection === 'kept',
      sharedSocketTimeout: 60000,
    },
  });
  let polls = 0;
  let failed = 0;
  let missed = 0;
  let latencies = [];
  const timers = [];
  const inFlight = new Set();
  // kept: a device object holds its connection (Client.send always opens a new one); made as a user of the library
  // makes one, from its sysinfo (asked here, before the warm-up)
  const devices = connection === 'kept'
    ? await Promise.all(ports.map((port) => client.getDevice({ host: '127.0.0.1', port })))
    : ports.map(() => null);
  ports.forEach((port, i) => {
    const device = devices[i];
    const poll = async () => {
      if (inFlight.has(port)) {
        missed++;
        return;
      }
      inFlight.add(port);
      polls++;
      const started = process.hrtime.bigint();
      try {
        await (device ? device.send(POLL) : client.send(POLL, '127.0.0.1', port));
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
