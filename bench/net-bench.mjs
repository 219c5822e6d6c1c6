#!/usr/bin/env node
// C-STORE throughput: the 500-slice CT series of ../shared/bench/gen-data.py over loopback, one association
// (and 4 in parallel), dcmtk and dicomkit in every pairing. Runs itself inside `unshare --net` (dcmtk's servers
// bind every interface). Usage: node bench/net-bench.mjs [--root /tmp/bench-data] [--runs 3]
// Prints a Markdown table (medians of the runs) for bench/README.md.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const opt = (k, d) => (args.includes(k) ? args[args.indexOf(k) + 1] : d);
const root = opt('--root', '/tmp/bench-data');
const runs = Number(opt('--runs', '3'));
const self = fileURLToPath(import.meta.url);
const CLI = resolve(self, '../../packages/cli/dist/src/main.js');

if (!process.env.DICOMKIT_NETNS) {
  if (!existsSync(join(root, 'ct'))) {
    console.error(`no ${root}/ct: run /usr/bin/python3 ../shared/bench/gen-data.py --root ${root}`);
    process.exit(1);
  }
  const r = spawnSync('unshare', ['--net', 'sh', '-c', `ip link set lo up && exec "${process.execPath}" "${self}" ${args.map((a) => `'${a}'`).join(' ')}`], { stdio: 'inherit', env: { ...process.env, DICOMKIT_NETNS: '1' } });
  process.exit(r.status ?? 1);
}

const ctDir = join(root, 'ct');
const files = readdirSync(ctDir).filter((f) => !f.startsWith('.')).sort().map((f) => join(ctDir, f));
const env = { ...process.env, TCP_NODELAY: '1' };

async function waitPort(port) {
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise((r) => {
      const s = connect(port, '127.0.0.1', () => (s.destroy(), r(true)));
      s.on('error', () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`port ${port}`);
}

function startServer(kind, port, out, extra = []) {
  const c =
    kind === 'dcmtk'
      ? spawn('storescp', ['-aet', 'SCP', '-od', out, String(port)], { env, stdio: 'ignore' })
      : spawn(process.execPath, [CLI, 'receive', '--listen', String(port), '--aet', 'SCP', '--out', out, ...extra], { stdio: 'ignore' });
  return c;
}

function client(kind, port, list) {
  return new Promise((res, rej) => {
    const c =
      kind === 'dcmtk'
        ? spawn('storescu', ['-aec', 'SCP', '127.0.0.1', String(port), ...list], { env, stdio: 'ignore' })
        : spawn(process.execPath, [CLI, 'send', ...list, '--to', `SCP@127.0.0.1:${port}`], { stdio: 'ignore' });
    c.on('exit', (code) => (code === 0 ? res() : rej(new Error(`${kind} client exit ${code}`))));
  });
}

let port = 13000;
async function scenario(sender, receiver, parallel, extra = []) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const out = mkdtempSync(join(tmpdir(), 'nb-'));
    const p = port++;
    const srv = startServer(receiver, p, out, extra);
    await waitPort(p);
    const parts = Array.from({ length: parallel }, (_, k) => files.filter((_, j) => j % parallel === k));
    const t0 = performance.now();
    await Promise.all(parts.map((l) => client(sender, p, l)));
    const ms = performance.now() - t0;
    const got = readdirSync(out).length;
    srv.kill('SIGTERM');
    await new Promise((r) => srv.once('exit', r));
    rmSync(out, { recursive: true, force: true });
    if (got !== files.length) throw new Error(`${sender}→${receiver}: ${got}/${files.length} files`);
    times.push(ms);
  }
  times.sort((a, b) => a - b);
  const med = times[Math.floor(times.length / 2)];
  return { med, ips: (files.length / med) * 1000 };
}

const rows = [];
const only = opt('--only', '');
const add = async (label, ...a) => {
  if (only && !label.includes(only) && !rows.length === false && label !== 'storescu → storescp (TCP_NODELAY=1)') return;
  const r = await scenario(...a);
  rows.push([label, r]);
  console.error(`${label}: ${r.ips.toFixed(0)} images/s (median ${r.med.toFixed(0)} ms)`);
};
await add('storescu → storescp (TCP_NODELAY=1)', 'dcmtk', 'dcmtk', 1);
await add('dicomkit send → storescp', 'ours', 'dcmtk', 1);
await add('storescu → dicomkit receive (fsync)', 'dcmtk', 'ours', 1);
await add('storescu → dicomkit receive --no-fsync', 'dcmtk', 'ours', 1, ['--no-fsync']);
await add('dicomkit → dicomkit (fsync)', 'ours', 'ours', 1);
await add('dicomkit → dicomkit --no-fsync', 'ours', 'ours', 1, ['--no-fsync']);
await add('4 × storescu → storescp', 'dcmtk', 'dcmtk', 4);
await add('4 × dicomkit → dicomkit --no-fsync', 'ours', 'ours', 4, ['--no-fsync']);
const base = rows[0][1].ips;
console.log(`| scenario (${files.length} CT slices, median of ${runs}) | images/s | ms | vs dcmtk→dcmtk |`);
console.log('|---|---:|---:|---:|');
for (const [l, r] of rows) console.log(`| ${l} | ${r.ips.toFixed(0)} | ${r.med.toFixed(0)} | ${(r.ips / base).toFixed(2)}× |`);
