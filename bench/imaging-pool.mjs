#!/usr/bin/env node
// Parallel decode: the same 50-frame JPEG 2000 CT file (512×512, 16-bit) decoded frame by frame on the main thread,
// through a codec pool of 1 and of every core's worker threads, and by gdcmconv --raw (one process, all cores, and
// pinned to one core). Medians of 5 rounds, alternating, megapixels/s; start-up excluded for dicomkit, included
// for gdcmconv (as in imaging-bench.mjs table 1).
// Usage (after npx tsc -b; needs ../shared/testdata): node bench/imaging-pool.mjs [--frames 50] [--ts JPEG2000Lossless]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Dataset, writeDicom } from '@dicomkit/core';
import { readDicomFileSync } from '@dicomkit/core/node';
import { getFrame, pixelDescription, transcode } from '@dicomkit/imaging';
import { createCodecPool } from '@dicomkit/imaging/node';

const arg = (name, def) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : def;
};
const FRAMES = Number(arg('--frames', 50));
const TARGET = arg('--ts', 'JPEG2000Lossless');
const ROUNDS = 5;
const TESTDATA = process.env.DICOMKIT_SHARED
  ? join(process.env.DICOMKIT_SHARED, 'testdata')
  : new URL('../../shared/testdata/', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'dicomkit-pool-'));
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];

// A multi-frame file: the CT frame repeated, then encoded.
const src = readDicomFileSync(join(TESTDATA, 'dicomParser/CT1_UNC.implicit_little_endian.dcm'), {
  bulkDataThreshold: Infinity,
});
const one = src.dataset.bytes('PixelData');
const all = new Uint8Array(one.length * FRAMES);
for (let i = 0; i < FRAMES; i++) all.set(one, i * one.length);
const ds = new Dataset();
for (const el of src.dataset) ds.add(el);
ds.set('NumberOfFrames', 'IS', FRAMES);
ds.set('PixelData', 'OW', all);
const file = await transcode({ meta: src.meta, dataset: ds, transferSyntax: src.transferSyntax }, TARGET);
const path = join(tmp, 'multi.dcm');
writeFileSync(path, writeDicom(file));
const d = pixelDescription(file.dataset);
const mp = (ms) => ((d.rows * d.columns * FRAMES) / 1e3 / ms).toFixed(1);

const cores = availableParallelism();
const pools = [1, cores].map((threads) => ({ threads, pool: createCodecPool({ threads }) }));
const runs = {
  'dicomkit, main thread': async () => {
    for (let i = 0; i < FRAMES; i++) await getFrame(file.dataset, file.transferSyntax, i);
  },
  ...Object.fromEntries(
    pools.map(({ threads, pool }) => [
      `dicomkit, codec pool of ${threads}`,
      async () => {
        for await (const _ of pool.frames(file.dataset, file.transferSyntax));
      },
    ]),
  ),
  [`gdcmconv --raw (all ${cores} cores)`]: async () => {
    spawnSync('gdcmconv', ['--raw', path, join(tmp, 'out.dcm')]);
  },
  'gdcmconv --raw (taskset -c 0)': async () => {
    spawnSync('taskset', ['-c', '0', 'gdcmconv', '--raw', path, join(tmp, 'out.dcm')]);
  },
};
const times = Object.fromEntries(Object.keys(runs).map((k) => [k, []]));
for (const run of Object.values(runs)) await run(); // warm-up: codecs loaded in every worker
for (let r = 0; r < ROUNDS; r++) {
  for (const [name, run] of Object.entries(runs)) {
    const t = performance.now();
    await run();
    times[name].push(performance.now() - t);
  }
}
for (const { pool } of pools) await pool.close();
rmSync(tmp, { recursive: true, force: true });
const load = spawnSync('uptime', { encoding: 'utf8' })
  .stdout.trim()
  .replace(/^.*load/, 'load');
console.log(
  `\n${file.transferSyntax.name}, ${FRAMES} frames ${d.columns}×${d.rows}, ${cores} cores, ${load}\n`,
);
console.log('| decoder | megapixels/s | ms per frame |');
console.log('| --- | --- | --- |');
for (const [name, t] of Object.entries(times))
  console.log(`| ${name} | ${mp(median(t))} | ${(median(t) / FRAMES).toFixed(1)} |`);
