#!/usr/bin/env node
// JPEG lossless (1.2.840.10008.1.2.4.57/.70): our TypeScript decoder and encoder against jpeg-lossless-decoder-js
// (the JavaScript decoder we used before) on the same corpus frames, in-process, megapixels/s, best of 10 runs.
// dcmdjpeg / dcmcjpeg (dcmtk, one process per file, start-up included) for scale. Usage:
//   (cd bench && npm install) && npx tsc -b && node bench/jpeg-lossless.mjs
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readDicomFileSync } from '@dicomkit/core/node';
import {
  decodeJpegLossless,
  encapsulatedFrameBytes,
  encodeJpegLossless,
  getFrame,
  pixelDescription,
} from '@dicomkit/imaging';
import { Decoder } from 'jpeg-lossless-decoder-js';

const TESTDATA = process.env.DICOMKIT_SHARED
  ? join(process.env.DICOMKIT_SHARED, 'testdata')
  : new URL('../../shared/testdata/', import.meta.url).pathname;
const FILES = [
  ['pylibjpeg-data/ds/JPEGLosslessSV1/JPEGLosslessP14SV1_1s_1f_u_16_16.dcm', 'MR 800×535 16-bit SV1'],
  ['fo-dicom/FO-DICOM.Tests/Test Data/CR-ModalitySequenceLUT.dcm', 'CR 1976×1576 10-bit SV1'],
  ['dicomParser/encapsulated/multi-frame/CT0012.fragmented_no_bot_jpeg_lossless.57.dcm', 'CT 512×512 16-bit'],
  [
    'pylibjpeg-data/ds/JPEGLossless/JPEGLossless_1s_1f_i_16_16_bad.dcm',
    'CT 512×512 16-bit signed, predictor 6',
  ],
  ['pylibjpeg-data/ds/JPEGLosslessSV1/JPEGLosslessP14SV1_3s_2f_u_08_08.dcm', 'RGB 1024×768 8-bit SV1'],
];
const tmp = mkdtempSync(join(tmpdir(), 'dicomkit-jll-bench-'));
const mp = (pixels, ms) => (pixels / 1e6 / (ms / 1000)).toFixed(1);
function best(fn, rounds = 10, inner = 3) {
  let ms = Infinity;
  for (let r = 0; r < rounds; r++) {
    const t = performance.now();
    for (let i = 0; i < inner; i++) fn();
    ms = Math.min(ms, (performance.now() - t) / inner);
  }
  return ms;
}
function tool(cmd, args, path) {
  let ms = Infinity;
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    const r = spawnSync(cmd, [...args, path, join(tmp, 'x.dcm')]);
    if (r.status !== 0) return undefined;
    ms = Math.min(ms, performance.now() - t);
  }
  return ms;
}

const rows = [];
for (const [path, image] of FILES) {
  const abs = join(TESTDATA, path);
  const f = readDicomFileSync(abs);
  const d = pixelDescription(f.dataset);
  const frame = encapsulatedFrameBytes(f.dataset, 0);
  const px = d.rows * d.columns; // pixels of one frame (colour: 3 samples each)
  const ours = best(() => decodeJpegLossless(frame));
  const bytesPerSample = d.bitsAllocated > 8 ? 2 : 1;
  const theirs = best(() => {
    const copy = frame.slice();
    new Decoder().decode(copy.buffer, 0, copy.length, bytesPerSample);
  });
  const pixels = (await getFrame(f.dataset, f.transferSyntax, 0)).pixels;
  const params = {
    width: d.columns,
    height: d.rows,
    components: d.samplesPerPixel,
    precision: Math.max(2, d.bitsStored),
    predictor: 1,
  };
  const samples = d.pixelRepresentation ? Uint16Array.from(pixels, (v) => v & 0xffff) : pixels;
  let size = 0;
  const enc = best(() => (size = encodeJpegLossless(samples, params).length));
  // dcmtk: decode the file; encode its decompressed twin (SV1), per frame of the file.
  const frames = d.numberOfFrames;
  const raw = join(tmp, 'raw.dcm');
  spawnSync('dcmdjpeg', [abs, raw]);
  const dd = tool('dcmdjpeg', [], abs);
  const de = tool('dcmcjpeg', ['+e1'], raw);
  // dcmtk's compressed size of the same frame (its Huffman tables are optimised too).
  let dcmtkSize;
  if (de !== undefined) {
    const enc = readDicomFileSync(join(tmp, 'x.dcm'));
    dcmtkSize = encapsulatedFrameBytes(enc.dataset, 0).length;
  }
  rows.push({
    image,
    'ratio (ours, SV1)': ((px * d.samplesPerPixel * (d.bitsAllocated / 8)) / size).toFixed(2),
    'ratio (dcmtk, SV1)': dcmtkSize
      ? ((px * d.samplesPerPixel * (d.bitsAllocated / 8)) / dcmtkSize).toFixed(2)
      : '–',
    'dicomkit decode': mp(px, ours),
    'jpeg-lossless-decoder-js decode': mp(px, theirs),
    'dicomkit encode': mp(px, enc),
    'dcmdjpeg (process)': dd === undefined ? '–' : mp(px * frames, dd),
    'dcmcjpeg +e1 (process)': de === undefined ? '–' : mp(px * frames, de),
  });
  console.error(JSON.stringify(rows[rows.length - 1]));
}
rmSync(tmp, { recursive: true, force: true });

const cols = Object.keys(rows[0]);
console.log(`| ${cols.join(' | ')} |`);
console.log(`| ${cols.map(() => '---').join(' | ')} |`);
for (const r of rows) console.log(`| ${cols.map((c) => r[c]).join(' | ')} |`);
