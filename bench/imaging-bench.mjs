#!/usr/bin/env node
// Imaging benchmarks, one run, four tables:
//  1. throughput per codec (megapixels/s) of dicomkit's decode and encode, with the GDCM and dcmtk command-line
//     tools on the same frames (one process per file: start-up and file I/O included);
//  2. decode against the native libraries in process, one thread, on exactly the codestreams dicomkit decodes
//     (bench/native/ harnesses, opj_decompress and djxl's own timings) — the "within 1.5× of native";
//  3. the JavaScript alternatives on the same codestreams (imaging-js.mjs), each checked pixel for pixel against ours;
//  4. the WASM heap over many frames.
// Usage (after npx tsc -b and `cd bench && npm install`; needs ../shared/testdata):
//   node bench/imaging-bench.mjs [--frames 50] [--rounds 5] [--memory-frames 10000] [--only 'JPEG 2000']
// Times are medians of --rounds rounds; a round decodes up to --frames frames (fewer for slow decoders: ~1.5 s).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Dataset, writeDicom } from '@dicomkit/core';
import { readDicomFileSync } from '@dicomkit/core/node';
import {
  encapsulatedFrameBytes,
  getCodec,
  decodedFrame,
  decodeWithCodec,
  frameSource,
  getFrame,
  pixelDescription,
  storedValues,
  transcode,
  wasmHeapSizes,
  TS,
} from '@dicomkit/imaging';
import { alternatives } from './imaging-js.mjs';
import {
  createNativeCodecPool,
  loadAddon,
  nativeCodecsAvailable,
  nativeFrameCodec,
} from '@dicomkit/imaging-native';
import {
  djxlMs,
  has,
  median,
  nativeHarness,
  ojphExpandMs,
  opjDecompressMs,
  runHarness,
  tjbenchMs,
} from './imaging-native.mjs';

const arg = (name, def) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const FRAMES = arg('--frames', 50);
const ROUNDS = Math.max(3, arg('--rounds', 5));
const MEMORY_FRAMES = arg('--memory-frames', 10000);
// --only "JPEG 2000": one codec family (as named in imaging-js.mjs), speed tables only.
const ONLY = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const wanted = (family) => !ONLY || ONLY === family;
const TESTDATA = process.env.DICOMKIT_SHARED
  ? join(process.env.DICOMKIT_SHARED, 'testdata')
  : new URL('../../shared/testdata/', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'dicomkit-bench-'));
const CORES = cpus().length;
const load = () =>
  spawnSync('uptime', { encoding: 'utf8' })
    .stdout.trim()
    .replace(/^.*load/, 'load');
const log = (row) => console.error(JSON.stringify(row));

const mps = (pixels, ms) => (pixels / 1e6 / (ms / 1000)).toFixed(1);
const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : '–');
const f2 = (x) => (Number.isFinite(x) ? x.toFixed(2) : '–');

/** Calls of `fn` per round so that a round lasts about 1.5 s (3 to FRAMES), from one timed (warm-up) call. */
async function callsPerRound(fn) {
  const t = performance.now();
  await fn(0);
  return Math.max(3, Math.min(FRAMES, Math.ceil(1500 / Math.max(performance.now() - t, 0.01))));
}

/** One round: ms per call of `fn(i)` over `n` calls. */
async function round(fn, n) {
  const t = performance.now();
  for (let i = 0; i < n; i++) await fn(i);
  return (performance.now() - t) / n;
}

/** Median ms per call of `fn(i)` over ROUNDS rounds, after a warm-up call (module loading, first allocations). */
async function timeCalls(fn) {
  const n = await callsPerRound(fn);
  const perRound = [];
  for (let r = 0; r < ROUNDS; r++) perRound.push(await round(fn, n));
  return median(perRound);
}

/**
 * ROUNDS rounds of dicomkit and of another decoder, alternately, so that a change in the machine's load (it is
 * shared) hits both: the median ms of each and the median of the per-round ratios dicomkit ÷ other.
 */
async function paired(oursRound, otherRound) {
  const a = [];
  const b = [];
  for (let r = 0; r < ROUNDS; r++) {
    a.push(await oursRound());
    b.push(await otherRound());
  }
  return { ours: median(a), other: median(b), ratio: median(a.map((x, i) => x / b[i])) };
}

/** Pixels where any sample differs between two interleaved sample arrays, and the largest difference. */
function compare(ours, theirs, d) {
  if (!theirs || theirs.length !== ours.length) return `length ${theirs?.length} ≠ ${ours.length}`;
  const spp = d.samplesPerPixel;
  let bad = 0;
  let max = 0;
  for (let i = 0; i < ours.length; i += spp) {
    let differs = false;
    for (let k = 0; k < spp; k++) {
      const diff = Math.abs(Number(ours[i + k]) - Number(theirs[i + k]));
      if (diff) differs = true;
      if (diff > max) max = diff;
    }
    if (differs) bad++;
  }
  return bad ? `${bad} (max ${max})` : '0';
}

/** A harness's output bytes (8-bit, or 16-bit little endian) as samples like ours. */
function harnessSamples(bytes, d) {
  if (d.bitsAllocated !== 16) return bytes;
  const u16 = new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 1);
  return d.pixelRepresentation === 1 ? new Int16Array(u16.buffer, u16.byteOffset, u16.length) : u16;
}

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

/** A command-line tool on an n-frame file, one process per run: median of 3 runs, per frame, start-up included. */
function timeTool(cmd, args, input, n, pin) {
  const times = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    const r = pin
      ? spawnSync('taskset', ['-c', '0', cmd, ...args, input, join(tmp, 'tool-out.dcm')])
      : spawnSync(cmd, [...args, input, join(tmp, 'tool-out.dcm')]);
    if (r.status !== 0) return NaN;
    times.push(performance.now() - t);
  }
  return median(times) / n;
}

const throughput = []; // table 1
const native = []; // table 2
const nativeExtra = []; // table 2, @dicomkit/imaging-native rows (after the WASM rows)

/**
 * dicomkit decoding `encoded` (a file of JPEG 2000 or HTJ2K frames) through @dicomkit/imaging-native: in process
 * (the native frame codec behind getFrame's steps) and through a native codec pool of one child process.
 */
async function nativeVariants(family, encoded) {
  if (!encoded || !['JPEG 2000', 'HTJ2K'].includes(family) || !nativeCodecsAvailable()) return [];
  const addon = loadAddon();
  const codec = nativeFrameCodec(
    'native',
    family === 'HTJ2K' ? addon.decodeHtj2k : addon.decodeJpeg2000,
    undefined,
  );
  const n = pixelDescription(encoded.dataset).numberOfFrames;
  const inProcess = async (i) => {
    const src = frameSource(encoded.dataset, encoded.transferSyntax, i % n);
    return decodedFrame(
      i % n,
      src.description,
      await decodeWithCodec(codec, src.bytes, src.description, i % n),
    );
  };
  const pool = createNativeCodecPool({ processes: 1, perWorker: 1 });
  const streaming = createNativeCodecPool({ processes: 1 });
  return [
    { label: '@dicomkit/imaging-native in process', decode: inProcess },
    {
      label: '@dicomkit/imaging-native pool, 1 process',
      decode: (i) => pool.getFrame(encoded.dataset, encoded.transferSyntax, i % n),
      close: () => pool.close(),
    },
    {
      // A series read frame after frame: the pool keeps two frames in flight, so the child decodes one while this
      // process takes the last one out (two cores at work; the decoding itself on one).
      label: '@dicomkit/imaging-native pool, 1 process, series (2 frames in flight)',
      decode: async () => {
        for await (const frame of streaming.frames(encoded.dataset, encoded.transferSyntax)) void frame;
      },
      framesPerCall: n,
      close: () => streaming.close(),
    },
  ];
}
const js = []; // table 3
const summary = []; // per codec: ours, native, best JS

/**
 * Native and JavaScript decoders on one codestream, each timed in rounds alternating with dicomkit's
 * (`ours.decode(i)`: our decode of frame i; `ours.pixels`: our samples). `family` names the codec in
 * imaging-js.mjs / imaging-native.mjs. `lossy`: any output counts for the fastest alternative.
 */
async function compareDecoders(image, codecName, family, codestream, d, ours, lossy = false) {
  const px = d.rows * d.columns;
  const oursN = await callsPerRound(ours.decode);
  const oursRound = () => round(ours.decode, oursN);
  const file = join(tmp, 'frame.bin');
  writeFileSync(file, codestream);
  const nrow = {
    image,
    codec: codecName,
    'dicomkit ms': '–',
    'native library': '–',
    'native ms, 1 thread': '–',
    'dicomkit ÷ native': '–',
    'pixels ≠ ours': '–',
    [`native ms, ${CORES} threads`]: '–',
    'CLI own timer, 1 thread': '–',
    [`CLI own timer, ${CORES} threads`]: '–',
  };
  let vsNative;
  const h = nativeHarness(family);
  if (h.error) nrow['native library'] = family === 'JPEG XL' ? 'libjxl 0.7.0 (djxl --num_reps)' : h.error;
  else {
    nrow['native library'] = h.library;
    try {
      const first = runHarness(h.bin, file, 1, 3);
      nrow['pixels ≠ ours'] = compare(ours.pixels, harnessSamples(first.samples, d), d);
      const n = Math.max(3, Math.min(FRAMES, Math.ceil(1500 / first.ms)));
      vsNative = await paired(oursRound, () => runHarness(h.bin, file, 1, n).ms);
      // @dicomkit/imaging-native (JPEG 2000, HTJ2K): the same frames through the native libraries, in process and
      // through a one-process native codec pool (IPC included), against the same native harness.
      for (const v of await nativeVariants(family, ours.encoded)) {
        const vn = await callsPerRound(v.decode);
        const per = v.framesPerCall ?? 1;
        const p = await paired(
          async () => (await round(v.decode, vn)) / per,
          () => runHarness(h.bin, file, 1, n).ms,
        );
        const vrow = { ...nrow, codec: `${codecName} — ${v.label}` };
        vrow['native library'] = h.library;
        vrow['pixels ≠ ours'] = v.framesPerCall
          ? 'as above'
          : compare(ours.pixels, (await v.decode(0)).pixels, d);
        vrow['dicomkit ms'] = f2(p.ours);
        vrow['native ms, 1 thread'] = f2(p.other);
        vrow['dicomkit ÷ native'] = f2(p.ratio);
        nativeExtra.push(vrow);
        log(vrow);
        await v.close?.();
      }
      if (family === 'JPEG 2000') {
        const all = runHarness(h.bin, file, ROUNDS, n, { OPJ_THREADS: String(CORES) });
        nrow[`native ms, ${CORES} threads`] = f2(all.ms);
      }
    } catch (e) {
      nrow['native ms, 1 thread'] = `fails: ${e.message}`;
    }
  }
  if (family === 'JPEG 2000' && has('opj_decompress')) {
    const j2k = join(tmp, 'frame.j2k');
    writeFileSync(j2k, codestream);
    nrow['CLI own timer, 1 thread'] = `${f1(opjDecompressMs(j2k, 1, ROUNDS))} (opj_decompress)`;
    nrow[`CLI own timer, ${CORES} threads`] = `${f1(opjDecompressMs(j2k, 'ALL_CPUS', ROUNDS))}`;
  }
  if (family === 'HTJ2K' && has('ojph_expand')) {
    const j2c = join(tmp, 'frame.j2c');
    writeFileSync(j2c, codestream);
    nrow['CLI own timer, 1 thread'] =
      `${f1(ojphExpandMs(j2c, d.samplesPerPixel === 3, ROUNDS))} (ojph_expand)`;
  }
  if (family === 'JPEG Baseline' && has('tjbench')) {
    const jpg = join(tmp, 'frame.jpg');
    writeFileSync(jpg, codestream);
    nrow['CLI own timer, 1 thread'] = `${f2(tjbenchMs(jpg))} (tjbench)`;
  }
  if (family === 'JPEG XL' && has('djxl')) {
    const jxl = join(tmp, 'frame.jxl');
    writeFileSync(jxl, codestream);
    const reps = Math.max(3, Math.ceil(1500 / djxlMs(jxl, 1, 1, px)));
    vsNative = await paired(oursRound, async () => djxlMs(jxl, 1, reps, px));
    nrow[`native ms, ${CORES} threads`] = f2(djxlMs(jxl, 0, reps, px));
  }
  if (vsNative) {
    nrow['dicomkit ms'] = f2(vsNative.ours);
    nrow['native ms, 1 thread'] = f2(vsNative.other);
    nrow['dicomkit ÷ native'] = f2(vsNative.ratio);
  } else nrow['dicomkit ms'] = f2(median([await oursRound(), await oursRound(), await oursRound()]));
  native.push(nrow);
  log(nrow);

  let best;
  let direct;
  for (const a of alternatives.filter((x) => x.codec === family)) {
    const row = { image, codec: codecName, alternative: a.name };
    try {
      const decode = await a.load();
      const theirs = await decode(codestream, d);
      row['pixels ≠ ours'] = compare(ours.pixels, theirs, d);
      const n = await callsPerRound(() => decode(codestream, d));
      const p = await paired(oursRound, () => round(() => decode(codestream, d), n));
      row.ms = f2(p.other);
      row['MP/s'] = mps(px, p.other);
      row['dicomkit ms'] = f2(p.ours);
      row['dicomkit ÷ this'] = f2(p.ratio);
      const same = row['pixels ≠ ours'] === '0';
      if (a.name.includes(', ours)')) direct = p.other;
      else if ((same || lossy) && !(best && best.ms <= p.other))
        best = { name: a.name, ms: p.other, ratio: p.ratio };
    } catch (e) {
      row.ms = `fails: ${String(e?.message ?? e)
        .split('\n')[0]
        .slice(0, 80)}`;
    }
    js.push(row);
    log(row);
  }
  summary.push({
    image,
    codec: codecName,
    'dicomkit MP/s': vsNative ? mps(px, vsNative.ours) : mps(px, Number(nrow['dicomkit ms'])),
    'native 1 thread MP/s': vsNative ? mps(px, vsNative.other) : '–',
    'dicomkit ÷ native': vsNative ? f2(vsNative.ratio) : '–',
    'our WASM build called directly MP/s': direct ? mps(px, direct) : '–',
    'fastest JS alternative (same pixels)': best ? best.name.replace(/ \(.*/, '') : '–',
    'its MP/s': best ? mps(px, best.ms) : '–',
    'dicomkit ÷ it': best ? f2(best.ratio) : '–',
  });
}

const loadAtStart = load();
// --- 4 (run first, so the JavaScript heap holds no alternative decoders yet). WASM heap over many frames:
// MEMORY_FRAMES frames per codec, one large to nine small.
const memory = [];
if (MEMORY_FRAMES > 0 && !ONLY) {
  const big = multiFrame(join(TESTDATA, 'dicomParser/CT1_UNC.explicit_big_endian.dcm'), 1);
  const small = multiFrame(join(TESTDATA, 'pydicom-debian/test_files/MR_small.dcm'), 1);
  for (const [name, keyword, module] of [
    ['CharLS (JPEG-LS)', 'JPEGLSLossless', 'charls'],
    ['OpenJPEG (JPEG 2000)', 'JPEG2000Lossless', 'openjpeg'],
    ['OpenJPH (HTJ2K)', 'HTJ2KLossless', 'openjph'],
    ['libjpeg-turbo (JPEG)', 'JPEGBaseline8Bit', 'libjpeg-turbo'],
    ['libjxl (JPEG XL)', 'JPEGXLLossless', 'libjxl-decode'],
  ]) {
    let files;
    try {
      files = [await transcode(big, keyword), await transcode(small, keyword)];
    } catch {
      // JPEG Baseline takes 8-bit only, JPEG XL unsigned only: use the RGB image.
      const rgb = multiFrame(join(TESTDATA, 'pydicom-data/US1_UNCR.dcm'), 1);
      files = [await transcode(rgb, keyword), await transcode(rgb, keyword)];
    }
    const heaps = {};
    const t = performance.now();
    for (let i = 1; i <= MEMORY_FRAMES; i++) {
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
    log(memory.at(-1));
  }
}

// --- 1–3 on two images × the codecs we encode.
const sources = [
  ['CT 512×512 16-bit signed', join(TESTDATA, 'dicomParser/CT1_UNC.explicit_big_endian.dcm')],
  ['US 640×480 RGB 8-bit', join(TESTDATA, 'pydicom-data/US1_UNCR.dcm')],
];
// name, transfer syntax keyword, uid, family (imaging-js/native), command-line tools
const codecs = [
  [
    'RLE Lossless',
    'RLELossless',
    TS.RLELossless,
    'RLE',
    [
      ['gdcmconv', ['--rle'], ['--raw']],
      ['dcmtk', 'dcmcrle', 'dcmdrle'],
    ],
  ],
  [
    'JPEG-LS lossless',
    'JPEGLSLossless',
    TS.JPEGLSLossless,
    'JPEG-LS',
    [
      ['gdcmconv', ['--jpegls'], ['--raw']],
      ['dcmtk', 'dcmcjpls', 'dcmdjpls'],
    ],
  ],
  [
    'JPEG 2000 lossless',
    'JPEG2000Lossless',
    TS.JPEG2000Lossless,
    'JPEG 2000',
    [['gdcmconv', ['--j2k'], ['--raw']]],
  ],
  ['HTJ2K lossless', 'HTJ2KLossless', TS.HTJ2KLossless, 'HTJ2K', []],
  ['JPEG XL lossless', 'JPEGXLLossless', TS.JPEGXLLossless, 'JPEG XL', []],
  ['Deflated Image Frame', 'DeflatedImageFrameCompression', TS.DeflatedImageFrameCompression, 'Deflate', []],
  [
    'JPEG Baseline 8-bit',
    'JPEGBaseline8Bit',
    TS.JPEGBaseline8Bit,
    'JPEG Baseline',
    [
      ['gdcmconv', ['--jpeg', '-q', '90'], ['--raw']],
      ['dcmtk', 'dcmcjpeg', 'dcmdjpeg'],
    ],
  ],
];

let usFrame; // the US frame, kept for the JPEG XL row
for (const [label, path] of sources) {
  const n = FRAMES;
  const file = multiFrame(path, n);
  const d = pixelDescription(file.dataset);
  const px = d.rows * d.columns;
  const nativeN = join(tmp, 'native-n.dcm');
  writeFileSync(nativeN, writeDicom(file));
  const frame = await getFrame(file.dataset, file.transferSyntax, 0);
  if (d.samplesPerPixel === 3) usFrame = frame;
  for (const [name, keyword, uid, family, tools] of codecs) {
    if (!wanted(family)) continue;
    const codec = await getCodec(uid);
    if (codec.canEncode && !codec.canEncode(frame.description)) continue;
    // Encode: our encoder on the frame (what transcode does per frame).
    const input = storedValues(frame.pixels, frame.description);
    let enc;
    const encMs = await timeCalls(async () => {
      enc = await codec.encode(input, { ...frame.description, highBit: d.bitsStored - 1 }, {});
    });
    // Decode: an encoded file of n frames, frame by frame through getFrame.
    const encoded = await transcode(file, keyword);
    const decMs = await timeCalls((i) => getFrame(encoded.dataset, encoded.transferSyntax, i % n));
    const row = {
      image: label,
      codec: name,
      ratio: ((px * d.samplesPerPixel * (d.bitsAllocated / 8)) / enc.bytes.length).toFixed(2),
      decode: mps(px, decMs),
      encode: mps(px, encMs),
    };
    const encN = join(tmp, 'enc-n.dcm');
    writeFileSync(encN, writeDicom(encoded));
    for (const tool of tools) {
      if (tool[0] === 'gdcmconv' && has('gdcmconv')) {
        row['gdcm decode'] = mps(px, timeTool('gdcmconv', tool[2], encN, n));
        row['gdcm decode, 1 core'] = has('taskset')
          ? mps(px, timeTool('gdcmconv', tool[2], encN, n, true))
          : '–';
        row['gdcm encode'] = mps(px, timeTool('gdcmconv', tool[1], nativeN, n));
      }
      if (tool[0] === 'dcmtk' && has(tool[1])) {
        row['dcmtk decode'] = mps(px, timeTool(tool[2], [], encN, n));
        row['dcmtk encode'] = mps(px, timeTool(tool[1], [], nativeN, n));
      }
    }
    throughput.push(row);
    log(row);
    if (family === 'Deflate') continue; // no alternative decoder: zlib itself
    const codestream = encapsulatedFrameBytes(encoded.dataset, 0);
    const ours = {
      decode: (i) => getFrame(encoded.dataset, encoded.transferSyntax, i % n),
      pixels: (await getFrame(encoded.dataset, encoded.transferSyntax, 0)).pixels,
      encoded,
    };
    await compareDecoders(
      label,
      name,
      family,
      codestream,
      frame.description,
      ours,
      family === 'JPEG Baseline',
    );
  }
}

// --- JPEG lossless (decode only: we have no encoder) on a corpus file.
if (wanted('JPEG Lossless')) {
  const path = join(TESTDATA, 'pylibjpeg-data/ds/JPEGLosslessSV1/JPEGLosslessP14SV1_1s_1f_u_16_16.dcm');
  const f = readDicomFileSync(path);
  const d = pixelDescription(f.dataset);
  const px = d.rows * d.columns;
  const image = `MR ${d.columns}×${d.rows} 16-bit`;
  const ms = await timeCalls(() => getFrame(f.dataset, f.transferSyntax, 0));
  const row = { image, codec: 'JPEG lossless SV1 (decode only)', decode: mps(px, ms) };
  const startUp = (cmd, args, pin) => mps(px, timeTool(cmd, args, path, 1, pin)) + ' (incl. start-up)';
  if (has('gdcmconv')) {
    row['gdcm decode'] = startUp('gdcmconv', ['--raw']);
    row['gdcm decode, 1 core'] = startUp('gdcmconv', ['--raw'], true);
  }
  if (has('dcmdjpeg')) row['dcmtk decode'] = startUp('dcmdjpeg', []);
  throughput.push(row);
  log(row);
  const ours = {
    decode: () => getFrame(f.dataset, f.transferSyntax, 0),
    pixels: (await getFrame(f.dataset, f.transferSyntax, 0)).pixels,
  };
  await compareDecoders(
    image,
    'JPEG lossless SV1',
    'JPEG Lossless',
    encapsulatedFrameBytes(f.dataset, 0),
    d,
    ours,
  );
}

// --- JPEG XL decode of streams we did not make: a corpus file (JPEG recompression) and the US frame made lossless by cjxl.
if (wanted('JPEG XL')) {
  const path = join(TESTDATA, 'dcm4che/dcm4che-test-data/src/main/resources/will-jxl.dcm');
  const f = readDicomFileSync(path);
  const d = pixelDescription(f.dataset);
  const image = `US ${d.columns}×${d.rows} RGB 8-bit (will-jxl.dcm)`;
  const ms = await timeCalls(() => getFrame(f.dataset, f.transferSyntax, 0));
  const frame = await getFrame(f.dataset, f.transferSyntax, 0);
  const px = d.rows * d.columns;
  throughput.push({ image, codec: 'JPEG XL JPEG recompression (decode only)', decode: mps(px, ms) });
  log(throughput.at(-1));
  const ours = { decode: () => getFrame(f.dataset, f.transferSyntax, 0), pixels: frame.pixels };
  await compareDecoders(
    image,
    'JPEG XL (JPEG recompr.)',
    'JPEG XL',
    encapsulatedFrameBytes(f.dataset, 0),
    d,
    ours,
    true,
  );
}
if (wanted('JPEG XL') && usFrame && has('cjxl')) {
  const d = usFrame.description;
  const ppm = join(tmp, 'us.ppm');
  const jxl = join(tmp, 'us.jxl');
  writeFileSync(ppm, Buffer.concat([Buffer.from(`P6\n${d.columns} ${d.rows}\n255\n`), usFrame.pixels]));
  spawnSync('cjxl', [ppm, jxl, '-d', '0']);
  const codestream = new Uint8Array(readFileSync(jxl));
  const codec = await getCodec(TS.JPEGXLLossless);
  const ms = await timeCalls(() => codec.decode(codestream, d));
  const image = 'US 640×480 RGB 8-bit (cjxl -d 0)';
  throughput.push({
    image,
    codec: 'JPEG XL lossless (cjxl stream, codec.decode)',
    decode: mps(d.rows * d.columns, ms),
  });
  log(throughput.at(-1));
  const ours = {
    decode: () => codec.decode(codestream, d),
    pixels: (await codec.decode(codestream, d)).pixels,
  };
  await compareDecoders(image, 'JPEG XL lossless', 'JPEG XL', codestream, d, ours);
}
const loadAfterSpeed = load();

rmSync(tmp, { recursive: true, force: true });

const table = (list) => {
  const cols = [...new Set(list.flatMap((r) => Object.keys(r)))];
  return [
    `| ${cols.join(' | ')} |`,
    `|${cols.map(() => '---').join('|')}|`,
    ...list.map((r) => `| ${cols.map((c) => r[c] ?? '–').join(' | ')} |`),
  ].join('\n');
};
const out = (s) => console.log(s);
out(`Machine: ${CORES} cores, ${loadAtStart} at the start, ${loadAfterSpeed} after the speed tables.`);
out(
  `Times: medians of ${ROUNDS} rounds (a round: up to ${FRAMES} frames, ~1.5 s for slow decoders), after a warm-up decode.\n`,
);
out(
  'Summary: decode, dicomkit against native (one thread) and the fastest JavaScript alternative giving the same pixels (any output for lossy JPEG):\n',
);
out(table(summary));
out(
  `\n1. Throughput in megapixels/s on ${FRAMES}-frame files. dicomkit: in process, frame by frame through getFrame / the codec's encode. GDCM (gdcmconv) and dcmtk (dcmcjpls, dcmdjpls, dcmcrle, dcmdrle, dcmcjpeg, dcmdjpeg): one process per ${FRAMES}-frame file, start-up and file I/O included (median of 3); "1 core": gdcmconv under taskset -c 0.\n`,
);
out(table(throughput));
out(
  '\n2. Decode in process against the native library, same codestream, milliseconds per frame. dicomkit (getFrame) and the native library timed in alternating rounds (medians; "dicomkit ÷ native": median of the per-round ratios). Native: bench/native/ harnesses (decode from memory, one thread, one process per round); JPEG XL: djxl --num_reps, its own timer. "CLI own timer": the figure the tool prints (opj_decompress: "decode time", including reading the file). "pixels ≠ ours": pixels where the native output differs from ours (max difference).\n',
);
out(table([...native, ...nativeExtra]));
out(
  '\n3. JavaScript alternatives, same codestream, each timed in rounds alternating with dicomkit (its own dicomkit column): ms per frame and megapixels/s; "dicomkit ÷ this" (median of per-round ratios) < 1 means dicomkit is faster. "(…, ours)": the WASM build dicomkit uses, called directly (our frame handling\'s overhead).\n',
);
out(table(js));
if (memory.length) {
  out(
    `\n4. WASM heap of each codec module while decoding ${MEMORY_FRAMES} frames, 1 in 10 large (512×512 or 640×480), the rest 64×64:\n`,
  );
  out(table(memory));
}
