// C-STORE benchmark, side by side in one run (issue: network): the 500-slice CT series from
// ../shared/bench/gen-data.py over one association, with dcmtk's storescu/storescp (TCP_NODELAY=1), dicomkit's
// send/receive and dcmjs-dimse; 4 associations in parallel; raw loopback TCP as the floor.
// Everything runs in a private network namespace (unshare --net) on loopback.
//
//   /usr/bin/python3 ../shared/bench/gen-data.py --root /tmp/bench-data
//   (cd bench && npm install) && npm run build && node bench/net-bench.mjs [--data /tmp/bench-data] [--rounds 3]
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const data = arg('--data', '/tmp/bench-data');
const rounds = Number(arg('--rounds', '3'));

if (!process.env.DICOMKIT_BENCH_NS) {
  // Re-run inside a private network namespace whose only interface is loopback.
  const r = spawnSync('unshare', ['--net', 'sh', '-c', `ip link set lo up && exec "${process.execPath}" "${fileURLToPath(import.meta.url)}" ${process.argv.slice(2).map((a) => `"${a}"`).join(' ')}`], {
    stdio: 'inherit',
    env: { ...process.env, DICOMKIT_BENCH_NS: '1' },
  });
  process.exit(r.status ?? 1);
}

const cli = join(here, '../packages/cli/dist/src/main.js');
const list = join(data, 'lists/ct.list');
const files = readFileSync(list, 'utf8').split('\n').filter(Boolean);
const totalBytes = files.reduce((n, f) => n + statSync(f).size, 0);
const work = mkdtempSync(join(tmpdir(), 'dicomkit-netbench-'));
const env = { ...process.env, TCP_NODELAY: '1' };
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Four lists of a quarter of the files each, for the parallel runs.
const quarters = [0, 1, 2, 3].map((q) => {
  const p = join(work, `q${q}.list`);
  writeFileSync(p, files.filter((_, i) => i % 4 === q).join('\n') + '\n');
  return p;
});
const filesOf = (l) => readFileSync(l, 'utf8').split('\n').filter(Boolean);

let port = 12000;
async function server(kind) {
  port++;
  const out = join(work, `out-${port}`);
  mkdirSync(out);
  const p =
    kind === 'dcmtk'
      ? spawn('storescp', ['+xa', '-aet', 'STORESCP', '-od', out, '-pm', '+B', String(port)], { env, stdio: 'ignore' })
      : spawn(process.execPath, [cli, 'receive', '--listen', `127.0.0.1:${port}`, '--aet', 'STORESCP', '--out', out, ...(kind === 'dicomkit-nofsync' ? ['--no-fsync'] : [])], { env, stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    await sleep(50);
    const ok = await new Promise((r) => {
      const s = connect(port, '127.0.0.1', () => (s.destroy(), r(true)));
      s.on('error', () => r(false));
    });
    if (ok) break;
  }
  return { port, out, stop: () => p.kill('SIGTERM') };
}

function client(kind, port, lst) {
  const args = {
    dcmtk: ['storescu', ['-aec', 'STORESCP', '+f', '127.0.0.1', String(port), ...filesOf(lst)]],
    dicomkit: [process.execPath, [cli, 'send', '--to', `STORESCP@127.0.0.1:${port}`, ...filesOf(lst)]],
    'dcmjs-dimse': [process.execPath, [join(here, 'dcmjs-dimse-send.cjs'), String(port), lst]],
  }[kind];
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const p = spawn(args[0], args[1], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => (err += d));
    p.on('exit', (code) => (code === 0 ? resolve(Number(process.hrtime.bigint() - t0) / 1e6) : reject(new Error(`${kind} exited ${code}: ${err.slice(0, 300)}`))));
  });
}

async function scenario(scu, scp, parallel = 1) {
  const ms = [];
  for (let r = 0; r < rounds; r++) {
    const s = await server(scp);
    try {
      const t0 = process.hrtime.bigint();
      if (parallel === 1) await client(scu, s.port, list);
      else await Promise.all(quarters.map((q) => client(scu, s.port, q)));
      ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
    } finally {
      s.stop();
      await sleep(200);
      rmSync(s.out, { recursive: true, force: true });
    }
  }
  return median(ms);
}

async function rawTcp() {
  // The floor: the same bytes pushed through one loopback TCP connection by Node, 256 KiB writes.
  const chunk = Buffer.alloc(256 * 1024, 1);
  const ms = [];
  for (let r = 0; r < rounds; r++) {
    await new Promise((resolve) => {
      let got = 0;
      let t0;
      const srv = createServer((s) => {
        s.on('data', (d) => {
          got += d.length;
          if (got >= totalBytes) {
            ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
            s.destroy();
            srv.close(resolve);
          }
        });
      }).listen(0, '127.0.0.1', () => {
        const c = connect(srv.address().port, '127.0.0.1', () => {
          t0 = process.hrtime.bigint();
          let sent = 0;
          const pump = () => {
            while (sent < totalBytes) {
              sent += chunk.length;
              if (!c.write(chunk)) return c.once('drain', pump);
            }
            c.end();
          };
          pump();
        });
        c.setNoDelay(true);
        c.on('error', () => {}); // the reader closes once it has every byte
      });
    });
  }
  return median(ms);
}

const rows = [];
const add = (name, ms) => {
  rows.push({ name, ms, ips: (files.length / ms) * 1000 });
  process.stderr.write(`${name}: ${((files.length / ms) * 1000).toFixed(0)} images/s\n`);
};
add('storescu → storescp', await scenario('dcmtk', 'dcmtk'));
add('dicomkit send → storescp', await scenario('dicomkit', 'dcmtk'));
add('storescu → dicomkit receive', await scenario('dcmtk', 'dicomkit'));
add('storescu → dicomkit receive --no-fsync', await scenario('dcmtk', 'dicomkit-nofsync'));
add('dicomkit send → dicomkit receive', await scenario('dicomkit', 'dicomkit'));
add('dicomkit send → dicomkit receive --no-fsync', await scenario('dicomkit', 'dicomkit-nofsync'));
add('dcmjs-dimse → storescp', await scenario('dcmjs-dimse', 'dcmtk'));
add('4 × storescu → storescp', await scenario('dcmtk', 'dcmtk', 4));
add('4 × dicomkit send → dicomkit receive', await scenario('dicomkit', 'dicomkit', 4));
add('raw loopback TCP (Node), same bytes', await rawTcp());
rmSync(work, { recursive: true, force: true });

const base = rows[0].ips;
console.log(`| scenario (${files.length} CT images, ${(totalBytes / 1e6).toFixed(0)} MB) | images/s | MB/s | × storescu→storescp |\n|---|---|---|---|`);
for (const r of rows) console.log(`| ${r.name} | ${r.ips.toFixed(0)} | ${((totalBytes / 1e6 / r.ms) * 1000).toFixed(0)} | ${(r.ips / base).toFixed(2)} |`);
console.log(`\n${new Date().toISOString()}, node ${process.version}, ${rounds} rounds, medians of the client's wall time (process start included), TCP_NODELAY=1 for dcmtk. dicomkit receive fsyncs each file before renaming it unless --no-fsync; storescp does not fsync.`);
