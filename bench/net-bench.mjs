#!/usr/bin/env node
// C-STORE throughput: the 500-slice CT series of ../shared/bench/gen-data.py over loopback, one association
// (and 4 in parallel), dcmtk and dicomkit in every pairing. Runs itself inside `unshare --net` (dcmtk's servers
// bind every interface). Scenarios are interleaved run by run (so a burst of load from other jobs hits them
// alike); besides wall-clock images/s it reports the CPU time both sides used (user + sys, from GNU time),
// which the machine's load does not inflate the way it inflates wall time.
// The dcmjs-dimse row (bench/dcmjs-dimse-send.cjs) runs when `cd bench && npm install` has been done.
// Usage: node bench/net-bench.mjs [--root /tmp/bench-data] [--runs 5] [--only TEXT]
// Prints a Markdown table (medians) for bench/README.md.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const opt = (k, d) => (args.includes(k) ? args[args.indexOf(k) + 1] : d);
const root = opt('--root', '/tmp/bench-data');
const runs = Number(opt('--runs', '5'));
const only = opt('--only', '');
const self = fileURLToPath(import.meta.url);
const CLI = resolve(self, '../../packages/cli/dist/src/main.js');

if (!process.env.DICOMKIT_NETNS) {
  if (!existsSync(join(root, 'ct'))) {
    console.error(`no ${root}/ct: run /usr/bin/python3 ../shared/bench/gen-data.py --root ${root}`);
    process.exit(1);
  }
  const r = spawnSync(
    'unshare',
    [
      '--net',
      'sh',
      '-c',
      `ip link set lo up && exec "${process.execPath}" "${self}" ${args.map((a) => `'${a}'`).join(' ')}`,
    ],
    { stdio: 'inherit', env: { ...process.env, DICOMKIT_NETNS: '1' } },
  );
  process.exit(r.status ?? 1);
}

const ctDir = join(root, 'ct');
const files = readdirSync(ctDir)
  .filter((f) => !f.startsWith('.'))
  .sort()
  .map((f) => join(ctDir, f));
const env = { ...process.env, TCP_NODELAY: '1' };
const tmp = mkdtempSync(join(tmpdir(), 'nb-'));

async function waitPort(port) {
  for (let i = 0; i < 400; i++) {
    const ok = await new Promise((r) => {
      const s = connect(port, '127.0.0.1', () => (s.destroy(), r(true)));
      s.on('error', () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`port ${port}`);
}

/** Runs a command under GNU time; resolves with its exit code and CPU seconds (user + sys). */
function timed(cmd, argv, opts = {}) {
  const out = join(tmp, `time-${Math.random().toString(36).slice(2)}`);
  const c = spawn('/usr/bin/time', ['-f', '%U %S', '-o', out, cmd, ...argv], {
    env,
    stdio: 'ignore',
    ...opts,
  });
  const done = new Promise((res) =>
    c.on('exit', (code) => {
      const t = readFileSync(out, 'utf8').trim().split('\n').pop().split(' ').map(Number);
      res({ code, cpu: t[0] + t[1] });
    }),
  );
  return { child: c, done };
}

function serverArgs(kind, port, out, extra) {
  return kind === 'dcmtk'
    ? ['storescp', ['-aet', 'SCP', '-od', out, String(port)]]
    : [process.execPath, [CLI, 'receive', '--listen', String(port), '--aet', 'SCP', '--out', out, ...extra]];
}
const DIMSE = resolve(self, '../dcmjs-dimse-send.cjs');
function clientArgs(kind, port, list, extra) {
  if (kind === 'dcmtk') return ['storescu', ['-aec', 'SCP', '127.0.0.1', String(port), ...list]];
  if (kind === 'dcmjs-dimse') {
    const listFile = join(tmp, `list-${port}.txt`);
    writeFileSync(listFile, `${list.join('\n')}\n`);
    return [process.execPath, [DIMSE, String(port), listFile]];
  }
  return [process.execPath, [CLI, 'send', ...list, '--to', `SCP@127.0.0.1:${port}`, ...extra]];
}

let port = 13000;
async function once(s) {
  const out = mkdtempSync(join(tmp, 'out-'));
  const p = port++;
  const [scmd, sargs] = serverArgs(s.receiver, p, out, s.serverExtra ?? []);
  const srv = timed(scmd, sargs);
  await waitPort(p);
  const parts = Array.from({ length: s.parallel }, (_, k) => files.filter((_, j) => j % s.parallel === k));
  const t0 = performance.now();
  const clients = await Promise.all(
    parts.map((l) => timed(...clientArgs(s.sender, p, l, s.clientExtra ?? [])).done),
  );
  const ms = performance.now() - t0;
  // Stop the server: signal the program under time (its child), so time reports its usage.
  spawnSync('pkill', ['-TERM', '-P', String(srv.child.pid)]);
  const sv = await srv.done;
  const got = readdirSync(out).length;
  rmSync(out, { recursive: true, force: true });
  if (clients.some((c) => c.code !== 0) || got !== files.length)
    throw new Error(`${s.label}: ${got}/${files.length} files`);
  return { ms, cpu: sv.cpu + clients.reduce((n, c) => n + c.cpu, 0) };
}

const scenarios = [
  { label: 'storescu → storescp (TCP_NODELAY=1)', sender: 'dcmtk', receiver: 'dcmtk', parallel: 1 },
  { label: 'dicomkit send → storescp', sender: 'ours', receiver: 'dcmtk', parallel: 1 },
  {
    label: 'storescu → dicomkit receive',
    sender: 'dcmtk',
    receiver: 'ours',
    parallel: 1,
    serverExtra: ['--no-fsync'],
  },
  {
    label: 'dicomkit → dicomkit',
    sender: 'ours',
    receiver: 'ours',
    parallel: 1,
    serverExtra: ['--no-fsync'],
  },
  { label: 'dicomkit → dicomkit (receiver fsyncs each file)', sender: 'ours', receiver: 'ours', parallel: 1 },
  {
    label: 'dicomkit → dicomkit, --window 1 (no async ops)',
    sender: 'ours',
    receiver: 'ours',
    parallel: 1,
    serverExtra: ['--no-fsync'],
    clientExtra: ['--window', '1'],
  },
  { label: '4 × storescu → storescp', sender: 'dcmtk', receiver: 'dcmtk', parallel: 4 },
  {
    label: '4 × dicomkit → dicomkit',
    sender: 'ours',
    receiver: 'ours',
    parallel: 4,
    serverExtra: ['--no-fsync'],
  },
  {
    label: 'dicomkit send --associations 4 → dicomkit',
    sender: 'ours',
    receiver: 'ours',
    parallel: 1,
    serverExtra: ['--no-fsync'],
    clientExtra: ['--associations', '4'],
  },
  ...(existsSync(resolve(self, '../node_modules/dcmjs-dimse'))
    ? [{ label: 'dcmjs-dimse → storescp', sender: 'dcmjs-dimse', receiver: 'dcmtk', parallel: 1 }]
    : []),
].filter((s, i) => i === 0 || !only || s.label.includes(only));

/**
 * The floor: the same bytes over one loopback TCP connection, no DICOM: a node client reads each file and
 * writes it, a node server discards, one byte back per file as the only round trip (like a C-STORE-RSP).
 */
const SINK = `const n=require('net');const s=n.createServer({noDelay:true},(c)=>{let need=-1,got=0;c.on('data',(d)=>{let o=0;while(o<d.length){if(need<0){if(d.length-o<4){break}need=d.readUInt32LE(o);o+=4;got=0}const k=Math.min(need-got,d.length-o);got+=k;o+=k;if(got===need){need=-1;c.write(Buffer.from([1]))}}})});s.listen(+process.argv[1],'127.0.0.1')`;
const SOURCE = `const n=require('net'),fs=require('fs');const files=fs.readFileSync(0,'utf8').trim().split('\\n');const c=n.connect({port:+process.argv[1],host:'127.0.0.1',noDelay:true},async()=>{for(const f of files){const b=fs.readFileSync(f);const h=Buffer.alloc(4);h.writeUInt32LE(b.length);c.write(h);c.write(b);await new Promise((r)=>c.once('data',r))}c.end()})`;
async function floor() {
  const p = port++;
  const srv = timed(process.execPath, ['-e', SINK, String(p)]);
  await waitPort(p);
  const t0 = performance.now();
  const cl = timed(process.execPath, ['-e', SOURCE, String(p)], { stdio: ['pipe', 'ignore', 'ignore'] });
  cl.child.stdin.end(files.join('\n'));
  const c = await cl.done;
  const ms = performance.now() - t0;
  spawnSync('pkill', ['-TERM', '-P', String(srv.child.pid)]);
  const sv = await srv.done;
  return { ms, cpu: c.cpu + sv.cpu };
}

const results = new Map(scenarios.map((s) => [s.label, []]));
const FLOOR = 'raw loopback TCP, node → node, 1-byte ack per file (the floor)';
if (!only) results.set(FLOOR, []);
for (let r = 0; r < runs; r++) {
  if (results.has(FLOOR)) results.get(FLOOR).push(await floor());
  for (const s of scenarios) {
    const x = await once(s);
    results.get(s.label).push(x);
    console.error(
      `run ${r + 1} ${s.label}: ${((files.length / x.ms) * 1000).toFixed(0)} images/s, ${((x.cpu * 1000) / files.length).toFixed(2)} ms CPU/image`,
    );
  }
}
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const base = scenarios[0].label;
const baseIps = (files.length / median(results.get(base).map((x) => x.ms))) * 1000;
const baseCpu = median(results.get(base).map((x) => x.cpu));
console.log(
  `| scenario (${files.length} CT slices, median of ${runs}) | images/s | vs dcmtk→dcmtk | CPU ms/image (both sides) | CPU vs dcmtk→dcmtk |`,
);
console.log('|---|---:|---:|---:|---:|');
for (const label of [...scenarios.map((s) => s.label), ...(results.has(FLOOR) ? [FLOOR] : [])]) {
  const s = { label };
  const xs = results.get(s.label);
  const ips = (files.length / median(xs.map((x) => x.ms))) * 1000;
  const cpu = median(xs.map((x) => x.cpu));
  console.log(
    `| ${s.label} | ${ips.toFixed(0)} | ${(ips / baseIps).toFixed(2)}× | ${((cpu * 1000) / files.length).toFixed(2)} | ${(cpu / baseCpu).toFixed(2)}× |`,
  );
}
rmSync(tmp, { recursive: true, force: true });
