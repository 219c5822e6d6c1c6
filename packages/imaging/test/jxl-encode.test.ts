/**
 * The JPEG XL encoder (libjxl WASM): lossless frames decode in our decoder and in `djxl` (libjxl-tools, the ISO
 * 18181 reference) to the original stored values; lossy frames stay within a stated PSNR, record Lossy Image
 * Compression (01, ratio, ISO_18181_1) and become XYB when colour; signed frames are refused with a DicomError.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDicomError } from '@dicomkit/core';
import { readDicomFileSync } from '@dicomkit/core/node';
import { join } from 'node:path';
import {
  encapsulatedFrameBytes,
  getCodec,
  getFrame,
  pixelDescription,
  storedValues,
  transcode,
  TS,
  type PixelArray,
} from '../src/index.js';
import { distanceFromQuality } from '../src/codecs/wasm/libjxl.js';
import { needCommand, needTestdata, TESTDATA } from '@dicomkit/core/test/shared';
import { cjxl, djxl, interleaved, maxDifference } from './reference-tools.js';
import { psnr } from './helpers.js';

const SOURCES = [
  'pydicom-data/US1_UNCR.dcm', // RGB 8-bit
  'pydicom-data/emri_small.dcm', // 10 frames, 12 of 16 bits
  'pydicom-data/OBXXXX1A.dcm', // PALETTE COLOR 8-bit (grey indices)
  'dcm4che/dcm4che-test-data/src/main/resources/NM-MONO2-16-13x-heart', // 13 frames, 16 of 16 bits
];

/**
 * djxl 0.7 writes a 9..15-bit image as a PNM whose maxval is the image's but whose samples are scaled to 16 bits
 * (v × 65535 / (2^bits − 1), rounded): scaled back, which is exact for integers.
 */
function djxlStored(codestream: Uint8Array, bitsStored: number): number[] {
  const s = Array.from(interleaved(djxl(codestream)));
  const peak = 2 ** bitsStored - 1;
  if (bitsStored <= 8 || bitsStored >= 16 || !s.some((v) => v > peak)) return s;
  return s.map((v) => Math.round((v * peak) / 65535));
}

async function allStored(file: string): Promise<PixelArray[]> {
  const f = readDicomFileSync(join(TESTDATA, file));
  const d = pixelDescription(f.dataset);
  const out: PixelArray[] = [];
  for (let i = 0; i < d.numberOfFrames; i++) {
    const fr = await getFrame(f.dataset, f.transferSyntax.uid, i);
    out.push(storedValues(fr.pixels, fr.description));
  }
  return out;
}

test(
  'JPEG XL lossless: ours → ours and ours → djxl give the original stored values',
  { skip: needTestdata() || needCommand('djxl') },
  async () => {
    let frames = 0;
    for (const path of SOURCES) {
      const f = readDicomFileSync(join(TESTDATA, path));
      const original = await allStored(path);
      const out = await transcode(f, TS.JPEGXLLossless);
      assert.equal(out.dataset.string('LossyImageCompression') ?? '00', '00', `${path}: not lossy`);
      const d = pixelDescription(out.dataset);
      assert.equal(d.photometricInterpretation, pixelDescription(f.dataset).photometricInterpretation);
      for (let i = 0; i < d.numberOfFrames; i++) {
        const ours = await getFrame(out.dataset, TS.JPEGXLLossless, i);
        assert.equal(
          maxDifference(storedValues(ours.pixels, ours.description), original[i]!),
          0,
          `${path} ${i}`,
        );
        const ref = djxlStored(encapsulatedFrameBytes(out.dataset, i, d), d.bitsStored);
        assert.equal(maxDifference(ref, original[i]!), 0, `${path} frame ${i + 1}: djxl ≠ original`);
        frames++;
      }
    }
    console.log(
      `# ${frames} frames of ${SOURCES.length} files: our JPEG XL lossless → ours and → djxl bit for bit`,
    );
  },
);

test(
  'JPEG XL lossy (distance 1): within a stated PSNR, XYB for colour, Lossy Image Compression recorded; djxl agrees',
  { skip: needTestdata() || needCommand('djxl') },
  async () => {
    const report: string[] = [];
    // RGB ultrasound (text and sharp edges: cjxl -d 1 -e 3 gives 34.0 dB, -e 7 34.8 dB) and a 12-bit MR.
    for (const [path, minPsnr] of [
      ['pydicom-data/US1_UNCR.dcm', 34],
      ['pydicom-data/emri_small.dcm', 45], // 48.4 dB measured
    ] as const) {
      const f = readDicomFileSync(join(TESTDATA, path));
      const original = await allStored(path);
      const src = pixelDescription(f.dataset);
      const out = await transcode(f, TS.JPEGXL);
      assert.equal(out.dataset.string('LossyImageCompression'), '01');
      assert.match(out.dataset.string('LossyImageCompressionMethod') ?? '', /ISO_18181_1$/);
      assert.ok(Number(out.dataset.string('LossyImageCompressionRatio')?.split('\\').pop()) > 1);
      const d = pixelDescription(out.dataset);
      assert.equal(
        d.photometricInterpretation,
        src.samplesPerPixel === 3 ? 'XYB' : src.photometricInterpretation,
      );
      let worst = Infinity;
      let worstVsDjxl = 0;
      for (let i = 0; i < d.numberOfFrames; i++) {
        const ours = await getFrame(out.dataset, TS.JPEGXL, i);
        if (src.samplesPerPixel === 3) assert.equal(ours.description.photometricInterpretation, 'RGB');
        const values = storedValues(ours.pixels, ours.description);
        worst = Math.min(worst, psnr(values, original[i]!, 2 ** src.bitsStored - 1));
        const ref = djxlStored(encapsulatedFrameBytes(out.dataset, i, d), d.bitsStored);
        worstVsDjxl = Math.max(worstVsDjxl, maxDifference(ref, Array.from(values, Number)));
      }
      assert.ok(worst >= minPsnr, `${path}: PSNR ${worst.toFixed(1)} dB < ${minPsnr}`);
      // Two libjxl builds (WASM here, Debian's 0.7 with SIMD in djxl) round the inverse transforms independently.
      assert.ok(worstVsDjxl <= 1, `${path}: ours and djxl differ by ${worstVsDjxl}`);
      report.push(`${path.split('/').pop()} ${worst.toFixed(1)} dB, vs djxl ±${worstVsDjxl}`);
    }
    console.log(`# JPEG XL distance 1: ${report.join('; ')}`);
  },
);

test('JPEG XL quality maps to a distance as cjxl documents it', () => {
  assert.equal(distanceFromQuality(100), 0);
  assert.ok(Math.abs(distanceFromQuality(90) - 1) < 1e-9);
  assert.ok(Math.abs(distanceFromQuality(30) - 6.4) < 1e-9);
  assert.ok(Math.abs(distanceFromQuality(0) - 25) < 1e-9);
});

test(
  'JPEG XL refuses signed frames and out-of-range distances with DicomErrors',
  { skip: needTestdata() },
  async () => {
    const signed = readDicomFileSync(join(TESTDATA, 'pydicom-debian/test_files/MR_small.dcm'));
    await assert.rejects(transcode(signed, TS.JPEGXLLossless), (e: unknown) => isDicomError(e));
    const f = readDicomFileSync(join(TESTDATA, 'pydicom-data/emri_small.dcm'));
    await assert.rejects(transcode(f, TS.JPEGXL, { distance: 30 }), (e: unknown) => isDicomError(e));
    const codec = await getCodec(TS.JPEGXL);
    const fr = await getFrame(f.dataset, f.transferSyntax.uid, 0);
    await assert.rejects(
      Promise.resolve().then(() =>
        codec.decode(new Uint8Array([0xff, 0x0a]), { ...fr.description, pixelRepresentation: 1 }),
      ),
      (e: unknown) => isDicomError(e),
    );
  },
);

test(
  'JPEG XL: 300 truncated frames in a row, then the good frame decodes as before (the module that threw is replaced)',
  { skip: needTestdata() },
  async () => {
    // Each C++ exception leaves the WASM stack pointer where libjxl threw: kept, ~160 failures overran the stack.
    const f = readDicomFileSync(join(TESTDATA, 'dcm4che/dcm4che-test-data/src/main/resources/will-jxl.dcm'));
    const d = pixelDescription(f.dataset);
    const good = await getFrame(f.dataset, f.transferSyntax.uid, 3);
    const codec = await getCodec(TS.JPEGXLJPEGRecompression);
    const bad = encapsulatedFrameBytes(f.dataset, 3, d).subarray(0, 5000);
    for (let i = 0; i < 300; i++)
      await assert.rejects(
        Promise.resolve().then(() => codec.decode(bad, d)),
        (e: unknown) => isDicomError(e),
      );
    assert.deepEqual((await getFrame(f.dataset, f.transferSyntax.uid, 3)).pixels, good.pixels);
  },
);

test(
  'JPEG XL with an alpha channel (cjxl, RGBA): the RGB samples, alpha dropped',
  { skip: needTestdata() || needCommand('cjxl') },
  async () => {
    const [w, h] = [16, 8];
    const rgba = Uint8Array.from({ length: w * h * 4 }, (_, i) => (i % 4 === 3 ? 128 : (i * 37) % 256));
    const header = `P7\nWIDTH ${w}\nHEIGHT ${h}\nDEPTH 4\nMAXVAL 255\nTUPLTYPE RGB_ALPHA\nENDHDR\n`;
    const stream = cjxl(new Uint8Array(Buffer.concat([Buffer.from(header), rgba])), 0);
    const codec = await getCodec(TS.JPEGXLLossless);
    const d = {
      ...(
        await getFrame(
          readDicomFileSync(join(TESTDATA, 'pydicom-data/US1_UNCR.dcm')).dataset,
          '1.2.840.10008.1.2.1',
          0,
        )
      ).description,
      rows: h,
      columns: w,
    };
    const out = await codec.decode(stream, d);
    assert.deepEqual(Array.from(out.pixels), Array.from(rgba.filter((_, i) => i % 4 !== 3)));
  },
);
