// Simulated TP-Link plugs on 127.0.0.1 (tplink-smarthome-simulator), one per argument:
//   model[:port][xCOUNT]   e.g. hs100  hs110:40001  hs110v2x500
// Never its shared UdpServer on 0.0.0.0: each device's own UDP socket answers discovery on its port.
// Prints one JSON line per device ({index, model, port, deviceId, children}), then "ready".
// Reads commands on stdin: "stop N", "start N" (the same port again), "exit".
'use strict';
const events = require('events');
const readline = require('readline');

// every device adds a listener to the simulator's shared (never started) UdpServer: hundreds are expected
events.EventEmitter.defaultMaxListeners = 0;
const { Device } = require('tplink-smarthome-simulator');

const devices = [];
// open TCP connections per device: a stopped device drops them, as a plug that loses power does (the simulator's
// own stop only stops accepting, and waits for clients that keep their connection to close it)
const sockets = new Map();

function track(d) {
  const open = new Set();
  sockets.set(d, open);
  d.deviceNetworking.server.on('connection', (s) => {
    open.add(s);
    s.on('close', () => open.delete(s));
  });
}

async function stopped(d) {
  (sockets.get(d) || new Set()).forEach((s) => s.destroy());
  await d.stop();
}

// A device on its port; with port 0 the TCP port is the system's choice and the UDP socket must get the same
// number, which may be taken: then another port is tried.
async function started(model, port) {
  for (let attempt = 0; ; attempt++) {
    const d = new Device({ model, port, address: '127.0.0.1' });
    try {
      await d.start();
      track(d);
      return d;
    } catch (e) {
      await d.stop().catch(() => {});
      if (port !== 0 || e.code !== 'EADDRINUSE' || attempt >= 20) {
        throw e;
      }
    }
  }
}

async function main() {
  for (const arg of process.argv.slice(2)) {
    const m = /^([a-z0-9]+?)(?::(\d+))?(?:x(\d+))?$/.exec(arg);
    if (!m) {
      throw new Error(`not model[:port][xCOUNT]: ${arg}`);
    }
    const count = m[3] ? Number(m[3]) : 1;
    for (let i = 0; i < count; i++) {
      const d = await started(m[1], m[2] ? Number(m[2]) + i : 0);
      devices.push(d);
      const sysinfo = d.api.system.get_sysinfo();
      console.log(JSON.stringify({
        index: devices.length - 1,
        model: m[1],
        port: d.port,
        deviceId: sysinfo.deviceId,
        children: (sysinfo.children || []).map((c) => c.id),
      }));
    }
  }
  console.log('ready');
  const rl = readline.createInterface({ input: process.stdin });
  rl.on('line', async (line) => {
    const [cmd, arg] = line.trim().split(/\s+/);
    try {
      if (cmd === 'stop') {
        await stopped(devices[Number(arg)]);
      } else if (cmd === 'start') {
        await devices[Number(arg)].start();
        track(devices[Number(arg)]);
      } else if (cmd === 'exit') {
        process.exit(0);
      } else {
        throw new Error(`unknown command ${cmd}`);
      }
      console.log(`ok ${line.trim()}`);
    } catch (e) {
      console.log(`error ${line.trim()}: ${e.message}`);
    }
  });
  rl.on('close', () => process.exit(0));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
