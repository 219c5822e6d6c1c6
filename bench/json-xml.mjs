#!/usr/bin/env node
// JSON and XML throughput of @dicomkit/core against dcmtk's dcm2json / dcm2xml on the same files.
// Usage: npm run build && node bench/json-xml.mjs [files...]   (default: a few files from ../shared/testdata)
import { readFileSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import {
  parseDicom,
  toJson,
  stringifyDicomJson,
  fromJson,
  toXml,
  fromXml,
} from '../packages/core/dist/src/index.js';

const T = join(new URL('..', import.meta.url).pathname, '../shared/testdata');
const files = process.argv.slice(2).length
  ? process.argv.slice(2)
  : [
      'pydicom-debian/test_files/MR_small.dcm',
      'fo-dicom/FO-DICOM.Tests/Test Data/MOVEKNEE.dcm',
      'pylibjpeg-data/ds/JPEG2000Lossless/966.dcm',
      'pydicom-data/eCT_Supplemental.dcm',
    ].map((f) => join(T, f));

function time(fn, minMs = 500) {
  let n = 0;
  const t0 = performance.now();
  let out;
  while (performance.now() - t0 < minMs || n < 3) {
    out = fn();
    n++;
  }
  return { ms: (performance.now() - t0) / n, out };
}

console.log('| file | size | toJson+text | fromJson(text) | toXml | fromXml | dcm2json | dcm2xml -nat |');
console.log('|---|---|---|---|---|---|---|---|');
for (const f of files) {
  if (!existsSync(f)) continue;
  const bytes = readFileSync(f);
  const ds = parseDicom(bytes).dataset;
  const j = time(() => stringifyDicomJson(toJson(ds)));
  const fj = time(() => fromJson(j.out));
  const x = time(() => toXml(ds));
  const fx = time(() => fromXml(x.out));
  const peer = (cmd, args) => {
    const t0 = performance.now();
    const r = spawnSync(cmd, [...args, f], { maxBuffer: 1 << 30 });
    return r.status === 0 ? `${(performance.now() - t0).toFixed(1)} ms` : 'fails';
  };
  const name = f.split('/').pop();
  console.log(
    `| ${name} | ${(bytes.length / 1024).toFixed(0)} KiB | ${j.ms.toFixed(2)} ms | ${fj.ms.toFixed(2)} ms | ${x.ms.toFixed(2)} ms | ${fx.ms.toFixed(2)} ms | ${peer('dcm2json', [])} | ${peer('dcm2xml', ['-nat', '+Eb'])} |`,
  );
}
console.log(
  '\n(dicomkit times are in-process, best of repeated runs; dcmtk times are one process run each, start-up included.)',
);
