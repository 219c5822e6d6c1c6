// The header of a 1 GB multi-frame: time and resident memory to read it with readDicomFileSync.
// Builds /tmp/dicomkit-1gb.dcm (sparse) from the Enhanced MR header of the workload with a 1 GiB Pixel Data.
//   node bench/large-header.mjs [--data /tmp/bench-data]
import { closeSync, existsSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const i = process.argv.indexOf('--data');
const data = i > 0 ? process.argv[i + 1] : '/tmp/bench-data';
const out = '/tmp/dicomkit-1gb.dcm';
const core = await import('../packages/core/dist/src/index.js');

if (process.argv.includes('--child')) {
  const node = await import('../packages/core/dist/src/node/index.js');
  const before = process.memoryUsage().rss;
  const t0 = process.hrtime.bigint();
  const f = node.readDicomFileSync(out);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const px = f.dataset.get('PixelData');
  console.log(
    JSON.stringify({
      ms,
      rssMB: process.memoryUsage().rss / 2 ** 20,
      rssGrowthMB: (process.memoryUsage().rss - before) / 2 ** 20,
      pixelBulk: px?.bulk?.length,
      elements: f.dataset.size,
    }),
  );
  process.exit(0);
}

const mrPath = readFileSync(join(data, 'lists/mr.list'), 'utf8').split('\n')[0];
const mr = core.parseDicom(readFileSync(mrPath), { stopBeforePixelData: true });
mr.dataset.set('NumberOfFrames', 'IS', 8192);
const head = core.writeDicom(
  { meta: mr.meta, dataset: mr.dataset },
  { transferSyntax: 'ExplicitVRLittleEndian' },
);
const pixelBytes = 8192 * 256 * 256 * 2;
const hdr = new Uint8Array(12);
const dv = new DataView(hdr.buffer);
dv.setUint16(0, 0x7fe0, true);
dv.setUint16(2, 0x0010, true);
hdr[4] = 0x4f; // 'O'
hdr[5] = 0x57; // 'W'
dv.setUint32(8, pixelBytes, true);
if (!existsSync(out) || process.argv.includes('--rebuild')) {
  const fd = openSync(out, 'w');
  writeSync(fd, head);
  writeSync(fd, hdr);
  ftruncateSync(fd, head.length + 12 + pixelBytes);
  closeSync(fd);
}
const runs = [];
for (let r = 0; r < 7; r++) {
  const c = spawnSync(process.execPath, [new URL(import.meta.url).pathname, '--child'], { encoding: 'utf8' });
  runs.push(JSON.parse(c.stdout));
}
runs.sort((a, b) => a.ms - b.ms);
const med = runs[3];
console.log(
  `1 GiB multi-frame (${(head.length / 1024).toFixed(0)} KiB header, ${med.elements} top-level elements): header read median ${med.ms.toFixed(2)} ms, process RSS ${med.rssMB.toFixed(1)} MB (growth during read ${med.rssGrowthMB.toFixed(1)} MB), Pixel Data left in file: ${med.pixelBulk} bytes`,
);
