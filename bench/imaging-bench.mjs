#!/usr/bin/env node
// Imaging benchmarks: decode/encode throughput per codec (megapixels/s) against GDCM and dcmtk command-line
// tools on the same frames, and the WASM heap over many frames. Usage:
//   node bench/imaging-bench.mjs [--frames N] [--memory-frames N]
// Needs ../shared/testdata, a build (npx tsc -b), and for the native columns gdcmconv, dcmcjpls/dcmdjpls, dcmcrle/dcmdrle.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Dataset, EncapsulatedPixelData, writeDicom } from '@dicomkit/core';
import { readDicomFileSync } from '@dicomkit/core/node';
import {
  getCodec,
  getFrame,
  pixelDescription,
  storedValues,
  transcode,
  wasmHeapSizes,
  TS,
} from '@dicomkit/imaging';

const arg = (name, def) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const FRAMES = arg('--frames', 50);
const MEMORY_FRAMES = arg('--memory-frames', 10000);
const TESTDATA = process.env.DICOMKIT_SHARED
  ? join(process.env.DICOMKIT_SHARED, 'testdata')
  : new URL('../../shared/testdata/', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'dicomkit-bench-'));
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const mp = (pixels, ms) => (pixels / 1e6 / (ms / 1000)).toFixed(1);

/** A multi-frame native file of `n` copies of a frame (the same input for every tool). */
function multiFrame(src, n) {
  const f = readDicomFileSync(src, { bulkDataThreshold: Infinity });
  const d = pixelDescription(f.dataset);
  const one = f.dataset.bytes('PixelData');
  const all = new Uint8Array(one.length * n);
  for (let i = 0; i < n; i++) all.set(one, i * one.length);
  const ds = new Dataset();
  for (const el of f.dataset) ds.add(el);
  ds.set('NumberOfFrames', 'IS', n);
  ds.set('PixelData', d.bitsAllocated > 8 ? 'OW' : 'OB', all);
  return { meta: f.meta, dataset: ds, transferSyntax: f.transferSyntax };
}

/** Runs a command-line tool on an n-frame file: the best of three runs, per frame, process start-up included. */
function timeTool(cmd, args, input, n) {
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    const r = spawnSync(cmd, [...args, input, join(tmp, 'tool-out.dcm')]);
    if (r.status !== 0) return NaN;
    best = Math.min(best, performance.now() - t);
  }
  return best / n;
}

const rows = [];
const sources = [
  ['CT 512×512 16-bit signed', join(TESTDATA, 'dicomParser/CT1_UNC.explicit_big_endian.dcm')],
  ['US 640×480 RGB 8-bit', join(TESTDATA, 'pydicom-data/US1_UNCR.dcm')],
];
const codecs = [
  [
    'RLE Lossless',
    'RLELossless',
    TS.RLELossless,
    [
      ['gdcmconv', ['--rle'], ['--raw']],
      ['dcmtk', 'dcmcrle', 'dcmdrle'],
    ],
  ],
  [
    'JPEG-LS lossless',
    'JPEGLSLossless',
    TS.JPEGLSLossless,
    [
      ['gdcmconv', ['--jpegls'], ['--raw']],
      ['dcmtk', 'dcmcjpls', 'dcmdjpls'],
    ],
  ],
  ['JPEG 2000 lossless', 'JPEG2000Lossless', TS.JPEG2000Lossless, [['gdcmconv', ['--j2k'], ['--raw']]]],
  ['HTJ2K lossless', 'HTJ2KLossless', TS.HTJ2KLossless, []],
  ['Deflated Image Frame', 'DeflatedImageFrameCompression', TS.DeflatedImageFrameCompression, []],
  [
    'JPEG Baseline 8-bit',
    'JPEGBaseline8Bit',
    TS.JPEGBaseline8Bit,
    [
      ['gdcmconv', ['--jpeg', '-q', '90'], ['--raw']],
      ['dcmtk', 'dcmcjpeg', 'dcmdjpeg'],
    ],
  ],
];

for (const [label, path] of sources) {
  const n = FRAMES;
  const file = multiFrame(path, n);
  const d = pixelDescription(file.dataset);
  const px = d.rows * d.columns;
  const nativeN = join(tmp, 'native-n.dcm');
  writeFileSync(nativeN, writeDicom(file));
  const frame = await getFrame(file.dataset, file.transferSyntax, 0);
  for (const [name, keyword, uid, natives] of codecs) {
    const codec = await getCodec(uid);
    if (codec.canEncode && !codec.canEncode(frame.description)) continue;
    // Encode: our encoder on the same frame n times (what transcode does per frame).
    const input = storedValues(frame.pixels, frame.description);
    let enc;
    let encMs = Infinity;
    for (let round = 0; round < 3; round++) {
      const t = performance.now();
      for (let i = 0; i < n; i++)
        enc = await codec.encode(input, { ...frame.description, highBit: d.bitsStored - 1 }, {});
      encMs = Math.min(encMs, (performance.now() - t) / n);
    }
    // Decode: an encoded file of n frames, frame by frame through getFrame (best of three rounds).
    const encoded = await transcode(file, keyword);
    let decMs = Infinity;
    for (let round = 0; round < 3; round++) {
      const t = performance.now();
      for (let i = 0; i < n; i++) await getFrame(encoded.dataset, encoded.transferSyntax, i);
      decMs = Math.min(decMs, (performance.now() - t) / n);
    }
    const row = {
      image: label,
      codec: name,
      ratio: ((px * d.samplesPerPixel * (d.bitsAllocated / 8)) / enc.bytes.length).toFixed(2),
      decode: mp(px, decMs),
      encode: mp(px, encMs),
    };
    // Native tools on the same frames.
    const encN = join(tmp, 'enc-n.dcm');
    writeFileSync(encN, writeDicom(encoded));
    for (const tool of natives) {
      if (tool[0] === 'gdcmconv' && has('gdcmconv')) {
        row['gdcm decode'] = mp(px, timeTool('gdcmconv', tool[2], encN, n));
        row['gdcm encode'] = mp(px, timeTool('gdcmconv', tool[1], nativeN, n));
      }
      if (tool[0] === 'dcmtk' && has(tool[1])) {
        row['dcmtk decode'] = mp(px, timeTool(tool[2], [], encN, n));
        row['dcmtk encode'] = mp(px, timeTool(tool[1], [], nativeN, n));
      }
    }
    rows.push(row);
    console.error(JSON.stringify(row));
  }
}

// Decode only: JPEG lossless (we have no encoder) through jpeg-lossless-decoder-js, on a corpus file.
{
  const path = join(TESTDATA, 'pylibjpeg-data/ds/JPEGLosslessSV1/JPEGLosslessP14SV1_1s_1f_u_16_16.dcm');
  const f = readDicomFileSync(path);
  const d = pixelDescription(f.dataset);
  const px = d.rows * d.columns;
  let ms = Infinity;
  for (let round = 0; round < 3; round++) {
    const t = performance.now();
    for (let i = 0; i < 10; i++) await getFrame(f.dataset, f.transferSyntax, 0);
    ms = Math.min(ms, (performance.now() - t) / 10);
  }
  const row = {
    image: `MR ${d.columns}×${d.rows} 16-bit`,
    codec: 'JPEG lossless SV1 (decode only)',
    decode: mp(px, ms),
  };
  const start = (cmd, args) => {
    let best = Infinity;
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      spawnSync(cmd, [...args, path, join(tmp, 'x.dcm')]);
      best = Math.min(best, performance.now() - t);
    }
    return best;
  };
  if (has('gdcmconv')) row['gdcm decode'] = `${mp(px, start('gdcmconv', ['--raw']))} (incl. start-up)`;
  if (has('dcmdjpeg')) row['dcmtk decode'] = `${mp(px, start('dcmdjpeg', []))} (incl. start-up)`;
  rows.push(row);
  console.error(JSON.stringify(row));
}

// WASM heap over many frames: decode MEMORY_FRAMES frames, alternating a large and a small image, per codec.
const memory = [];
const big = multiFrame(join(TESTDATA, 'dicomParser/CT1_UNC.explicit_big_endian.dcm'), 1);
const small = multiFrame(join(TESTDATA, 'pydicom-debian/test_files/MR_small.dcm'), 1);
for (const [name, keyword, module] of [
  ['CharLS (JPEG-LS)', 'JPEGLSLossless', 'charls'],
  ['OpenJPEG (JPEG 2000)', 'JPEG2000Lossless', 'openjpeg'],
  ['OpenJPH (HTJ2K)', 'HTJ2KLossless', 'openjph'],
  ['libjpeg-turbo (JPEG)', 'JPEGBaseline8Bit', 'libjpeg-turbo'],
]) {
  let files;
  try {
    files = [await transcode(big, keyword), await transcode(small, keyword)];
  } catch {
    // JPEG Baseline takes 8-bit only: use the RGB image.
    const rgb = multiFrame(join(TESTDATA, 'pydicom-data/US1_UNCR.dcm'), 1);
    files = [await transcode(rgb, keyword), await transcode(rgb, keyword)];
  }
  const heaps = {};
  const t = performance.now();
  for (let i = 1; i <= MEMORY_FRAMES; i++) {
    // Nine small frames for each large one: the heap must not creep with the mix.
    const f = files[i % 10 === 0 ? 0 : 1];
    await getFrame(f.dataset, f.transferSyntax, 0);
    if (i === 1 || i === 100 || i === 1000 || i === MEMORY_FRAMES) heaps[i] = wasmHeapSizes()[module];
  }
  memory.push({
    codec: name,
    frames: MEMORY_FRAMES,
    seconds: ((performance.now() - t) / 1000).toFixed(1),
    ...Object.fromEntries(
      Object.entries(heaps).map(([k, v]) => [`heap MiB after ${k}`, (v / 2 ** 20).toFixed(1)]),
    ),
    'JS heap MiB': (process.memoryUsage().heapUsed / 2 ** 20).toFixed(0),
  });
  console.error(JSON.stringify(memory[memory.length - 1]));
}
rmSync(tmp, { recursive: true, force: true });

const table = (list) => {
  const cols = [...new Set(list.flatMap((r) => Object.keys(r)))];
  return [
    `| ${cols.join(' | ')} |`,
    `|${cols.map(() => '---').join('|')}|`,
    ...list.map((r) => `| ${cols.map((c) => r[c] ?? '–').join(' | ')} |`),
  ].join('\n');
};
console.log(
  `Throughput in megapixels/s, best of three runs over ${FRAMES} frames. dicomkit: in-process, frame by frame through getFrame / the codec's encode. GDCM (gdcmconv) and dcmtk (dcmcjpls, dcmdjpls, dcmcrle, dcmdrle, dcmcjpeg, dcmdjpeg): one process on the same ${FRAMES}-frame file, start-up and file I/O included.\n`,
);
console.log(table(rows));
console.log(
  `\nWASM heap of each codec module while decoding ${MEMORY_FRAMES} frames, 1 in 10 large (512×512 or 640×480), the rest 64×64:\n`,
);
console.log(table(memory));
