#!/usr/bin/env node
// C-STORE in steady state: the same 500 CT slices as net-bench.mjs, but dicomkit's sender and receiver are
// long-running processes (no Node start-up in any number): a storage SCP (DicomServer + StorageScp, no fsync)
// that stays up, and an SCU process that, when asked, reads the files' File Meta, opens an association, sends
// them with storeFiles() and releases — timed around exactly that. dcmtk's storescp stays up the same way;
// storescu is a fresh process per run (its start-up is a few ms). CPU time of both sides: /proc/PID/stat for the
// long-running processes, GNU time for storescu. Each process does one untimed warm-up round first. Runs itself
// inside `unshare --net`; scenarios interleaved run by run; medians.
// Usage: node bench/net-inprocess.mjs [--root /tmp/bench-data] [--runs 5]   (after `npx tsc -b`)
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, existsSync, readFileSync, mkdirSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { connect } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const opt = (k, d) => (args.includes(k) ? args[args.indexOf(k) + 1] : d);
const root = opt('--root', '/tmp/bench-data');
const runs = Number(opt('--runs', '5'));
const self = fileURLToPath(import.meta.url);
const NET = pathToFileURL(resolve(self, '../../packages/net/dist/src/index.js')).href;
const ctDir = join(root, 'ct');

// ---- roles: the long-running dicomkit processes -------------------------------------------------------------
const role = opt('--role', '');
if (role === 'scp') {
  const { DicomServer, ServiceRegistry, StorageScp, verificationScp, allStorageSopClasses } = await import(
    NET
  );
  const storage = new Set(allStorageSopClasses());
  const server = new DicomServer({
    policy: {
      aeTitles: ['SCP'],
      preference: 'requestor',
      transferSyntaxesFor: (a) => (storage.has(a) || a === '1.2.840.10008.1.1' ? ['*'] : undefined),
    },
    handler: new ServiceRegistry([
      verificationScp,
      new StorageScp({ directory: opt('--out', ''), fsync: false }),
    ]),
    log: (e) =>
      (e.level === 'warn' || e.level === 'error') &&
      process.stderr.write(`dicomkit SCP ${e.level}: ${e.msg}\n`),
  });
  await server.listen(Number(opt('--port', '0')));
  process.stdout.write('ready\n');
  process.stdin.resume();
  process.stdin.on('end', () => process.exit(0));
} else if (role === 'scu') {
  const { Association, contextsFor, readPart10Info, storeFiles } = await import(NET);
  const files = readdirSync(ctDir)
    .filter((f) => !f.startsWith('.'))
    .sort()
    .map((f) => join(ctDir, f));
  process.stdout.write('ready\n');
  for await (const line of createInterface({ input: process.stdin })) {
    const { port, window } = JSON.parse(line);
    const t0 = performance.now();
    const items = files.map((path) => ({ path, info: readPart10Info(path) }));
    const a = await Association.connect({
      host: '127.0.0.1',
      port,
      callingAeTitle: 'SCU',
      calledAeTitle: 'SCP',
      contexts: contextsFor(items.map((x) => x.info)),
      ...(window > 1 ? { asyncOpsWindow: { maxInvoked: window, maxPerformed: 1 } } : {}),
    });
    const out = await storeFiles(a, items, { window });
    await a.release();
    const ms = performance.now() - t0;
    const ok = out.filter((o) => o.result?.status === 0).length;
    process.stdout.write(`${JSON.stringify({ ms, ok })}\n`);
  }
  process.exit(0);
}

// ---- the driver ---------------------------------------------------------------------------------------------
if (role) await new Promise(() => undefined); // a role process never runs the driver
if (!process.env.DICOMKIT_NETNS) {
  if (!existsSync(ctDir)) {
    console.error(`no ${ctDir}: run /usr/bin/python3 ../shared/bench/gen-data.py --root ${root}`);
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

const files = readdirSync(ctDir)
  .filter((f) => !f.startsWith('.'))
  .sort()
  .map((f) => join(ctDir, f));
const env = { ...process.env, TCP_NODELAY: '1' };
const tmp = mkdtempSync(join(tmpdir(), 'nip-'));
const TICK = Number(spawnSync('getconf', ['CLK_TCK']).stdout.toString().trim() || 100);

/** CPU seconds (user + sys, all threads) a running process has used so far. */
function cpuOf(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(rest[11]) + Number(rest[12])) / TICK;
}

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

/** A long-running child that answers one line per request. */
function lineChild(cmd, argv) {
  const child = spawn(cmd, argv, { env, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return { child, next: async () => (await lines.next()).value };
}

function emptyDir(dir) {
  const names = readdirSync(dir);
  for (const n of names) unlinkSync(join(dir, n));
  return names.length;
}

const dcmtkOut = join(tmp, 'dcmtk');
const oursOut = join(tmp, 'ours');
mkdirSync(dcmtkOut);
mkdirSync(oursOut);
const storescp = spawn('storescp', ['-aet', 'SCP', '-od', dcmtkOut, '13500'], { env, stdio: 'ignore' });
const scp = lineChild(process.execPath, [
  self,
  '--role',
  'scp',
  '--port',
  '13501',
  '--out',
  oursOut,
  '--root',
  root,
]);
const scu = lineChild(process.execPath, [self, '--role', 'scu', '--root', root]);
// Whatever happens (a failed run throws), the long-running children go with the driver.
process.on('exit', () => {
  for (const c of [storescp, scp.child, scu.child]) c.kill('SIGKILL');
});
await scp.next();
await scu.next();
await waitPort(13500);

const servers = {
  dcmtk: { pid: storescp.pid, port: 13500, out: dcmtkOut },
  ours: { pid: scp.child.pid, port: 13501, out: oursOut },
};

async function storescuRun(port) {
  const timeFile = join(tmp, 'time');
  const t0 = performance.now();
  const c = spawn(
    '/usr/bin/time',
    ['-f', '%U %S', '-o', timeFile, 'storescu', '-aec', 'SCP', '127.0.0.1', String(port), ...files],
    { env, stdio: 'ignore' },
  );
  const code = await new Promise((r) => c.on('exit', r));
  const ms = performance.now() - t0;
  if (code !== 0) throw new Error(`storescu exit ${code}`);
  const [u, s] = readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
  return { ms, senderCpu: u + s };
}

async function oursRun(port, window) {
  const before = cpuOf(scu.child.pid);
  scu.child.stdin.write(`${JSON.stringify({ port, window })}\n`);
  const r = JSON.parse(await scu.next());
  if (r.ok !== files.length) throw new Error(`dicomkit SCU: ${r.ok}/${files.length} stored`);
  return { ms: r.ms, senderCpu: cpuOf(scu.child.pid) - before };
}

const scenarios = [
  { label: 'storescu → storescp', receiver: 'dcmtk', send: (p) => storescuRun(p) },
  { label: 'dicomkit SCU → storescp', receiver: 'dcmtk', send: (p) => oursRun(p, 1) },
  { label: 'storescu → dicomkit SCP', receiver: 'ours', send: (p) => storescuRun(p) },
  { label: 'dicomkit SCU → dicomkit SCP', receiver: 'ours', send: (p) => oursRun(p, 16) },
  { label: 'dicomkit SCU → dicomkit SCP, window 1', receiver: 'ours', send: (p) => oursRun(p, 1) },
];

async function once(s) {
  const srv = servers[s.receiver];
  const before = cpuOf(srv.pid);
  const r = await s.send(srv.port);
  // The receiver's last file is complete before its response: the CPU it used is in by now.
  const receiverCpu = cpuOf(srv.pid) - before;
  const got = emptyDir(srv.out);
  if (got !== files.length) throw new Error(`${s.label}: ${got}/${files.length} files`);
  return { ms: r.ms, cpu: r.senderCpu + receiverCpu };
}

for (const s of scenarios) await once(s); // warm-up: JIT, buffers, page cache
const results = new Map(scenarios.map((s) => [s.label, []]));
for (let r = 0; r < runs; r++) {
  for (const s of scenarios) {
    const x = await once(s);
    results.get(s.label).push(x);
    console.error(
      `run ${r + 1} ${s.label}: ${((files.length / x.ms) * 1000).toFixed(0)} images/s, ${((x.cpu * 1000) / files.length).toFixed(2)} ms CPU/image`,
    );
  }
}
scu.child.stdin.end();
scp.child.stdin.end();
storescp.kill('SIGTERM');

const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const base = results.get(scenarios[0].label);
const baseIps = (files.length / median(base.map((x) => x.ms))) * 1000;
const baseCpu = median(base.map((x) => x.cpu));
console.log(
  `| steady state (${files.length} CT slices, median of ${runs}) | images/s | vs storescu→storescp | CPU ms/image (both sides) | CPU vs storescu→storescp |`,
);
console.log('|---|---:|---:|---:|---:|');
for (const s of scenarios) {
  const xs = results.get(s.label);
  const ips = (files.length / median(xs.map((x) => x.ms))) * 1000;
  const cpu = median(xs.map((x) => x.cpu));
  console.log(
    `| ${s.label} | ${ips.toFixed(0)} | ${(ips / baseIps).toFixed(2)}× | ${((cpu * 1000) / files.length).toFixed(2)} | ${(cpu / baseCpu).toFixed(2)}× |`,
  );
}
rmSync(tmp, { recursive: true, force: true });
