// Sends files with dcmjs-dimse (one association), for bench/net-bench.mjs. Usage: node dcmjs-dimse-send.cjs <port> <list>
const { readFileSync } = require('node:fs');
const { Client, requests } = require('dcmjs-dimse');
const [port, list] = process.argv.slice(2);
const files = readFileSync(list, 'utf8').split('\n').filter(Boolean);
const client = new Client();
let failed = 0;
for (const f of files) {
  const r = new requests.CStoreRequest(f);
  r.on('response', (res) => {
    if (res.getStatus() !== 0) failed++;
  });
  client.addRequest(r);
}
client.on('networkError', (e) => {
  console.error(e.message);
  process.exit(1);
});
client.on('closed', () => process.exit(failed ? 1 : 0));
client.send('127.0.0.1', Number(port), 'DIMSESCU', 'STORESCP');
