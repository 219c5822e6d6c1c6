#!/usr/bin/env node
// Memory of @dicomkit/imaging-native over many frames: resident set size of this process (in-process decoders) and
// of the pool's child process, after 1, 100, 1,000 and 10,000 frames of a 512×512 HTJ2K and a 512×512 JPEG 2000
// codestream (alternating, 9 HTJ2K to 1 JPEG 2000). Usage: node bench/imaging-native-memory.mjs [--frames 10000]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readDicomFileSync } from '@dicomkit/core/node';
import { frameSource, getCodec, transcode, TS } from '@dicomkit/imaging';
import { createNativeCodecPool, registerNativeCodecs } from '@dicomkit/imaging-native';

const i = process.argv.indexOf('--frames');
const FRAMES = i > 0 ? Number(process.argv[i + 1]) : 10000;
const TESTDATA = process.env.DICOMKIT_SHARED
  ? join(process.env.DICOMKIT_SHARED, 'testdata')
  : new URL('../../shared/testdata/', import.meta.url).pathname;
const src = readDicomFileSync(join(TESTDATA, 'dicomParser/CT1_UNC.explicit_big_endian.dcm'), {
  bulkDataThreshold: Infinity,
});
const codestreams = [];
for (const ts of [TS.HTJ2KLossless, TS.JPEG2000Lossless]) {
  const f = await transcode(src, ts);
  const s = frameSource(f.dataset, f.transferSyntax, 0);
  codestreams.push([ts, s.bytes, s.description]);
}
const mib = (bytes) => (bytes / 2 ** 20).toFixed(1);
const childRss = (pid) => {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
};
const children = () =>
  readFileSync(`/proc/${process.pid}/task/${process.pid}/children`, 'utf8')
    .trim()
    .split(/\s+/)
    .filter(Boolean);

async function run(label, decode, extra = () => ({})) {
  const row = { path: label };
  const t = performance.now();
  for (let n = 1; n <= FRAMES; n++) {
    const [ts, bytes, d] = codestreams[n % 10 === 0 ? 1 : 0];
    await decode(ts, bytes, d);
    if (n === 1 || n === 100 || n === 1000 || n === FRAMES) {
      row[`RSS MiB after ${n}`] = mib(process.memoryUsage().rss);
      Object.assign(row, extra(n));
    }
  }
  row.seconds = ((performance.now() - t) / 1000).toFixed(1);
  console.log(JSON.stringify(row));
  return row;
}

const rows = [];
const pool = createNativeCodecPool({ processes: 1 });
rows.push(
  await run(
    'native codec pool (1 child)',
    (ts, b, d) => pool.decode(ts, b, d),
    (n) => ({
      [`child RSS MiB after ${n}`]: mib(children().reduce((a, pid) => a + childRss(pid), 0)),
    }),
  ),
);
await pool.close();
registerNativeCodecs({ htj2k: true });
const codecs = new Map();
for (const [ts] of codestreams) codecs.set(ts, await getCodec(ts));
rows.push(await run('in process', (ts, b, d) => codecs.get(ts).decode(b, d)));
console.log(`\nnode ${process.version}, ${FRAMES} frames each\n`);
const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
console.log(`| ${cols.join(' | ')} |\n|${cols.map(() => '---').join('|')}|`);
for (const r of rows) console.log(`| ${cols.map((c) => r[c] ?? '–').join(' | ')} |`);
