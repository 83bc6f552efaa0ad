// An independent Kasa client (tplink-smarthome-api) reading a plug's state, for tests to compare with what the
// gateway did: prints {"relay_state":..,"led_off":..} of the plug, or of one outlet of a strip.
//   node client.js HOST PORT [CHILD_ID]
'use strict';
const { Client } = require('tplink-smarthome-api');

async function main() {
  const [host, port, childId] = process.argv.slice(2);
  const client = new Client({ defaultSendOptions: { timeout: 5000, transport: 'tcp' } });
  const sysinfo = await client.getSysInfo(host, Number(port));
  let relay = sysinfo.relay_state;
  if (childId) {
    const child = (sysinfo.children || []).find((c) => c.id === childId || sysinfo.deviceId + c.id === childId);
    if (!child) {
      throw new Error(`no outlet ${childId}`);
    }
    relay = child.state;
  }
  console.log(JSON.stringify({ relay_state: relay, led_off: sysinfo.led_off }));
}

main().catch((e) => {
  console.error(e.message);
  process.exit(1);
});
