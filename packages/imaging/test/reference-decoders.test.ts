/**
 * Our decodes against the codecs' native reference decoders (Debian packages, see reference-tools.ts), for what
 * GDCM cannot check: HTJ2K (ojph_expand, the ISO 15444-15 reference implementation, and opj_decompress), JPEG XL
 * (djxl, the ISO 18181 reference), JPEG 2000 files GDCM refuses (opj_decompress), the ISO conformance codestreams
 * in pylibjpeg-data/jpg (opj_decompress, ojph_expand; JPEG-LS against Debian's native CharLS through a small C
 * harness), and our own HTJ2K and JPEG 2000 encodings decoded by the references.
 * Lossless: bit for bit. Lossy: the stated largest difference, measured.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDicomError, type Dataset } from '@dicomkit/core';
import { readDicomFileSync } from '@dicomkit/core/node';
import {
  encapsulatedFrameBytes,
  getCodec,
  getFrame,
  pixelDescription,
  storedValues,
  transcode,
  TS,
  type PixelArray,
  type PixelDescription,
} from '../src/index.js';
import { inventory, needCommand, needTestdata, TESTDATA } from '@dicomkit/core/test/shared';
import { describe, j2kDescription, jlsDescription } from './codestream-description.js';
import {
  charlsDecode,
  cjxl,
  djxl,
  interleaved,
  maxDifference,
  needHarness,
  ojphDecode,
  ojphCompress,
  ojphExpand,
  opjCompress,
  opjDecompress,
  writePnm,
  type ToolImage,
} from './reference-tools.js';
import { psnr } from './helpers.js';

const JPG = join(TESTDATA, 'pylibjpeg-data/jpg');
const HTJ2K = [TS.HTJ2KLossless, TS.HTJ2KLosslessRPCL, TS.HTJ2K] as string[];
const JPEGXL = [TS.JPEGXLLossless, TS.JPEGXLJPEGRecompression, TS.JPEGXL] as string[];
const J2K = [TS.JPEG2000Lossless, TS.JPEG2000] as string[];
const LOSSLESS = new Set<string>([
  TS.HTJ2KLossless,
  TS.HTJ2KLosslessRPCL,
  TS.JPEGXLLossless,
  TS.JPEG2000Lossless,
]);

/** Corpus files in these transfer syntaxes (one copy of each duplicate). */
function corpus(uids: string[]) {
  return inventory().filter((r) => uids.includes(r.ts_uid!) && r.dup_of === '');
}

function numbers(p: PixelArray): number[] {
  return Array.from(p, Number);
}

/** Every frame of a file: its codestream and our decode (samples interleaved, values as stored). */
async function* framesOf(ds: Dataset, ts: string) {
  const d = pixelDescription(ds);
  for (let i = 0; i < d.numberOfFrames; i++) {
    const frame = await getFrame(ds, ts, i);
    yield { index: i, bytes: encapsulatedFrameBytes(ds, i, d), frame };
  }
}

/** The reference's samples, interleaved, checked against our geometry. */
function samplesOf(img: ToolImage, d: Pick<PixelDescription, 'rows' | 'columns' | 'samplesPerPixel'>) {
  assert.equal(img.planes.length, d.samplesPerPixel);
  const s = interleaved(img);
  assert.equal(s.length, d.rows * d.columns * d.samplesPerPixel);
  return s;
}

/** The skip reason for the HTJ2K references, or false. */
function needHtj2kReferences(): string | false {
  return needCommand('ojph_expand') || needCommand('opj_decompress') || needHarness('ojph-decode');
}

/**
 * The references for an HTJ2K codestream: OpenJPH's library (all samples), ojph_expand where its output holds them
 * (it clamps negative samples to 0), and OpenJPEG's opj_decompress.
 */
function htj2kReferences(bytes: Uint8Array, d: PixelDescription): [string, ToolImage][] {
  const refs: [string, ToolImage][] = [
    ['libopenjph', ojphDecode(bytes)],
    ['opj_decompress', opjDecompress(bytes)],
  ];
  if (d.pixelRepresentation === 0)
    refs.push(['ojph_expand', ojphExpand(bytes, d.samplesPerPixel, false, d.bitsStored)]);
  return refs;
}

test(
  'HTJ2K frames in the corpus equal OpenJPH (library and ojph_expand) and opj_decompress',
  { skip: needTestdata() || needHtj2kReferences() },
  async () => {
    const checks = new Map<string, number>();
    for (const row of corpus(HTJ2K)) {
      const f = readDicomFileSync(row.abs);
      const ts = f.transferSyntax.uid;
      for await (const { index, bytes, frame } of framesOf(f.dataset, ts)) {
        const ours = numbers(frame.pixels);
        for (const [tool, img] of htj2kReferences(bytes, frame.description)) {
          const m = maxDifference(ours, samplesOf(img, frame.description));
          assert.ok(m <= (LOSSLESS.has(ts) ? 0 : 1), `${row.path} frame ${index + 1}: ${m} from ${tool}`);
          checks.set(tool, (checks.get(tool) ?? 0) + 1);
        }
      }
    }
    console.log(`# HTJ2K frames equal: ${[...checks].map(([t, n]) => `${n}/${n} ${t}`).join(', ')}`);
    assert.ok((checks.get('opj_decompress') ?? 0) >= 1);
  },
);

test(
  'JPEG XL frames in the corpus: libjxl (WASM) equals djxl (lossless) or is within 1 (lossy, JPEG recompression)',
  { skip: needTestdata() || needCommand('djxl') },
  async () => {
    let frames = 0;
    let exact = 0;
    let worst = 0;
    let worstCount = 0;
    for (const row of corpus(JPEGXL)) {
      const f = readDicomFileSync(row.abs);
      const ts = f.transferSyntax.uid;
      for await (const { index, bytes, frame } of framesOf(f.dataset, ts)) {
        const ours = numbers(frame.pixels);
        const ref = samplesOf(djxl(bytes), frame.description);
        const m = maxDifference(ours, ref);
        // The WASM libjxl and Debian's djxl 0.7 (SIMD) round the inverse DCT and the YCbCr→RGB conversion differently:
        // ±1 (ISO 18181-1 allows it; measured on will-jxl.dcm: every frame within 1, none bit for bit).
        assert.ok(m <= (LOSSLESS.has(ts) ? 0 : 1), `${row.path} frame ${index + 1}: max difference ${m}`);
        let differing = 0;
        for (let k = 0; k < ours.length; k++) if (ours[k] !== ref[k]) differing++;
        worst = Math.max(worst, m);
        worstCount = Math.max(worstCount, differing);
        frames++;
        if (m === 0) exact++;
      }
    }
    console.log(
      `# ${frames} JPEG XL frames vs djxl: ${exact} bit for bit, all within ${worst} (at most ${worstCount} samples a frame differ)`,
    );
    assert.ok(frames >= 1);
  },
);

test(
  'JPEG XL streams made by cjxl: lossless decodes to the original and to djxl, lossy stays close to djxl',
  { skip: needTestdata() || needCommand('cjxl') || needCommand('djxl') },
  async () => {
    const sources: [string, number][] = [
      ['pydicom-data/US1_UNCR.dcm', 8], // RGB
      ['pydicom-data/OBXXXX1A.dcm', 8], // grey (palette indices)
      ['pydicom-data/emri_small.dcm', 16], // 12 of 16 bits, written as 16-bit PGM
    ];
    const codec = await getCodec(TS.JPEGXLLossless);
    const lossy: string[] = [];
    for (const [path, bits] of sources) {
      const f = readDicomFileSync(join(TESTDATA, path));
      const frame = await getFrame(f.dataset, f.transferSyntax, 0);
      const d = frame.description;
      const original = numbers(storedValues(frame.pixels, d));
      const pnm = writePnm(original, d.columns, d.rows, d.samplesPerPixel, bits);
      const jd: PixelDescription = {
        ...describe(d.rows, d.columns, d.samplesPerPixel, bits),
        bitsAllocated: d.bitsAllocated,
      };
      const lossless = cjxl(pnm, 0);
      const ours = numbers((await codec.decode(lossless, jd)).pixels);
      assert.equal(maxDifference(ours, original), 0, `${path}: lossless JPEG XL ≠ original`);
      assert.equal(maxDifference(ours, samplesOf(djxl(lossless), jd)), 0, `${path}: ≠ djxl`);
      const stream = cjxl(pnm, 1);
      const oursLossy = numbers((await codec.decode(stream, jd)).pixels);
      const ref = samplesOf(djxl(stream), jd);
      const m = maxDifference(oursLossy, ref);
      const peak = 2 ** bits - 1;
      const p = psnr(Int32Array.from(oursLossy), ref, peak);
      lossy.push(`${path.split('/').pop()} max ${m} (${p.toFixed(1)} dB)`);
      assert.ok(m <= 1, `${path}: lossy JPEG XL differs from djxl by ${m}`);
    }
    console.log(
      `# cjxl -d 0: 3/3 equal the original and djxl; cjxl -d 1, libjxl (WASM) vs djxl: ${lossy.join(', ')}`,
    );
  },
);

test(
  'JPEG 2000 files GDCM cannot decode: equal opj_decompress, or refused by it as by us',
  { skip: needTestdata() || needCommand('opj_decompress') },
  async () => {
    let equal = 0;
    const refused: string[] = [];
    for (const row of corpus(J2K).filter((r) => r.gdcm_raw !== 'ok')) {
      const f = readDicomFileSync(row.abs);
      const d = pixelDescription(f.dataset);
      for (let i = 0; i < d.numberOfFrames; i++) {
        const bytes = encapsulatedFrameBytes(f.dataset, i, d);
        let ref: ToolImage;
        try {
          ref = opjDecompress(bytes);
        } catch (e) {
          await assert.rejects(getFrame(f.dataset, f.transferSyntax, i), (x: unknown) => isDicomError(x));
          refused.push(
            `${row.path.split('/').pop()}: ${String((e as Error).message)
              .split('\n')
              .pop()}`,
          );
          continue;
        }
        const frame = await getFrame(f.dataset, f.transferSyntax, i);
        assert.equal(
          maxDifference(numbers(frame.pixels), samplesOf(ref, frame.description)),
          0,
          `${row.path} frame ${i + 1}`,
        );
        equal++;
      }
    }
    console.log(
      `# ${equal} frames GDCM cannot decode equal opj_decompress; refused by both: ${refused.join('; ')}`,
    );
    assert.ok(equal >= 1);
  },
);

test(
  'ISO 15444 conformance codestreams equal opj_decompress (and OpenJPH for HTJ2K)',
  { skip: needTestdata() || needHtj2kReferences() },
  async () => {
    const results: string[] = [];
    for (const [dir, uid, lossless] of [
      ['2KLS', TS.JPEG2000Lossless, true],
      ['HTJ2K', TS.HTJ2KLossless, true],
    ] as const) {
      for (const name of readdirSync(join(JPG, '15444', dir)).sort()) {
        const bytes = new Uint8Array(readFileSync(join(JPG, '15444', dir, name)));
        const d = j2kDescription(bytes);
        const ours = numbers((await (await getCodec(uid)).decode(bytes, d)).pixels);
        const refs: [string, ToolImage][] =
          dir === 'HTJ2K' ? htj2kReferences(bytes, d) : [['opj_decompress', opjDecompress(bytes)]];
        for (const [tool, img] of refs) {
          const ref = samplesOf(img, d);
          const m = maxDifference(ours, ref);
          // Lossy (9/7 irreversible wavelet): OpenJPH versions round differently, within 1.
          const exact = lossless && !name.includes('lossy');
          assert.ok(m >= 0 && m <= (exact ? 0 : 1), `${name}: differs from ${tool} by ${m}`);
          const p = psnr(Int32Array.from(ours), ref, 2 ** d.bitsStored - 1);
          results.push(`${name} vs ${tool} ${m === 0 ? '=' : `±${m} (${p.toFixed(1)} dB)`}`);
        }
      }
    }
    console.log(`# ${results.join(', ')}`);
  },
);

test(
  'ISO 14495 conformance streams equal native CharLS (lossless and near-lossless alike)',
  { skip: needTestdata() || needHarness('charls-decode') },
  async () => {
    const codec = await getCodec(TS.JPEGLSLossless);
    const equal: string[] = [];
    const refused: string[] = [];
    for (const sub of ['JLS', 'JNL']) {
      for (const name of readdirSync(join(JPG, '14495', sub)).sort()) {
        const bytes = new Uint8Array(readFileSync(join(JPG, '14495', sub, name)));
        const d = jlsDescription(bytes);
        let ref;
        try {
          ref = charlsDecode(bytes);
        } catch {
          // T8SSE0/3 subsample their components (T.87 allows it; DICOM does not): CharLS refuses, as do we.
          await assert.rejects(Promise.resolve().then(() => codec.decode(bytes, d)));
          refused.push(name);
          continue;
        }
        // Decoding is exact in JPEG-LS even when NEAR > 0 (T.87 §A.4): every decoder gives the same samples.
        const ours = numbers((await codec.decode(bytes, d)).pixels);
        assert.equal(maxDifference(ours, samplesOf(ref, d)), 0, name);
        equal.push(ref.near ? `${name} (NEAR=${ref.near})` : name);
      }
    }
    console.log(
      `# ${equal.length} JPEG-LS streams equal CharLS: ${equal.join(', ')}; refused by both: ${refused.join(', ')}`,
    );
    assert.ok(equal.length >= 10);
  },
);

test(
  'colour codestreams from ojph_compress and opj_compress, with and without the colour transform, decode to the original',
  { skip: needTestdata() || needCommand('ojph_compress') || needCommand('opj_compress') },
  async () => {
    const f = readDicomFileSync(join(TESTDATA, 'pydicom-data/US1_UNCR.dcm'));
    const frame = await getFrame(f.dataset, f.transferSyntax, 0);
    const { rows, columns } = frame.description;
    const rgb8 = numbers(frame.pixels);
    // The same image as 12-bit samples (in 16-bit containers), the low bits filled so that they matter.
    const rgb12 = rgb8.map((v, i) => (v << 4) | (i % 16));
    const checked: string[] = [];
    for (const [bits, original] of [
      [8, rgb8],
      [12, rgb12],
    ] as const) {
      const pnm = writePnm(original, columns, rows, 3, bits);
      const d: PixelDescription = { ...describe(rows, columns, 3, bits), bitsAllocated: bits > 8 ? 16 : 8 };
      for (const transform of [false, true]) {
        for (const [uid, tool, stream] of [
          [TS.HTJ2KLossless, 'ojph_compress', ojphCompress(pnm, transform)],
          [TS.JPEG2000Lossless, 'opj_compress', opjCompress(pnm, transform)],
        ] as const) {
          const ours = numbers((await (await getCodec(uid)).decode(stream, d)).pixels);
          const name = `${tool} ${bits}-bit ${transform ? 'with' : 'without'} colour transform`;
          assert.equal(maxDifference(ours, original), 0, name);
          checked.push(name);
        }
      }
    }
    console.log(`# ${checked.length}/${checked.length} decode to the original: ${checked.join(', ')}`);
  },
);

/**
 * Sources for our encoders (as in roundtrip.test.ts): signed 16-bit, big-endian source, RGB (HTJ2K with the colour
 * transform), YBR_FULL (colour without it), 12-bit multi-frame, palette.
 */
const ENCODE_SOURCES = [
  'pydicom-debian/test_files/MR_small.dcm',
  'dicomParser/CT1_UNC.explicit_big_endian.dcm',
  'pydicom-data/US1_UNCR.dcm',
  'pydicom-data/SC_ybr_full_uncompressed.dcm',
  'pydicom-data/emri_small.dcm',
  'pydicom-data/OBXXXX1A.dcm',
];

test(
  'our HTJ2K and JPEG 2000 encodings decode in OpenJPH and opj_decompress to the same pixels',
  { skip: needTestdata() || needHtj2kReferences() },
  async () => {
    const counts = new Map<string, number>();
    const count = (k: string) => counts.set(k, (counts.get(k) ?? 0) + 1);
    let worstLossy = 0;
    for (const src of ENCODE_SOURCES) {
      const f = readDicomFileSync(join(TESTDATA, src));
      const originals: number[][] = [];
      for (let i = 0; i < pixelDescription(f.dataset).numberOfFrames; i++) {
        const frame = await getFrame(f.dataset, f.transferSyntax, i);
        originals.push(numbers(storedValues(frame.pixels, frame.description)));
      }
      for (const [target, options] of [
        ['HTJ2KLossless', {}],
        ['JPEG2000Lossless', {}],
        ['JPEG2000', { compressionRatio: 10 }],
      ] as const) {
        if (target === 'JPEG2000Lossless' && f.dataset.string('PhotometricInterpretation') === 'YBR_FULL') {
          // OpenJPEG would apply its colour transform to YBR samples: refused (roundtrip.test.ts checks the error).
          await assert.rejects(transcode(f, target, options), /not supported/);
          continue;
        }
        const out = await transcode(f, target, options);
        const lossless = target !== 'JPEG2000';
        for await (const { index, bytes, frame } of framesOf(out.dataset, out.transferSyntax.uid)) {
          const d = frame.description;
          const want = lossless ? originals[index]! : numbers(frame.pixels);
          const refs: [string, ToolImage][] =
            target === 'HTJ2KLossless'
              ? htj2kReferences(bytes, d)
              : [['opj_decompress', opjDecompress(bytes)]];
          for (const [tool, img] of refs) {
            const m = maxDifference(want, samplesOf(img, d));
            // Lossy: the reference against our own decode of the same codestream (both OpenJPEG).
            assert.equal(
              m,
              0,
              `${tool} decodes our ${target} of ${src} frame ${index + 1} differently (${m})`,
            );
            count(`${target}→${tool}`);
          }
          // (YBR_FULL is converted to RGB before lossy encoding: no like-for-like comparison there.)
          if (
            !lossless &&
            d.photometricInterpretation === pixelDescription(f.dataset).photometricInterpretation
          )
            worstLossy = Math.max(worstLossy, maxDifference(originals[index]!, want));
        }
      }
    }
    console.log(
      `# frames equal: ${[...counts].map(([k, n]) => `${k} ${n}/${n}`).join(', ')} (lossy 10:1 vs the original: max ${worstLossy})`,
    );
    assert.equal(counts.size, 5);
  },
);
