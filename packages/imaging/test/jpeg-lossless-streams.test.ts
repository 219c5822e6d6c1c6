/**
 * JPEG lossless codestreams made here (ITU-T T.81 Annex H): encoder → decoder for every predictor, precision and
 * component count; quirks of real streams (no EOI, fill bytes, scan order); bad input (truncated, corrupted,
 * absurd or wrong headers, random damage) → DicomErrors only.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Dataset, EncapsulatedPixelData, isDicomError } from '@dicomkit/core';
import { readDicomFileSync } from '@dicomkit/core/node';
import { decodeJpegLossless, encapsulatedFrameBytes, encodeJpegLossless, getFrame } from '../src/index.js';
import { needTestdata, TESTDATA } from '@dicomkit/core/test/shared';
import { noise } from './helpers.js';

/** A small image of `bits`-bit noise with structure (a gradient plus noise), interleaved. */
function sampleImage(width: number, height: number, n: number, bits: number, seed: number): Uint16Array {
  const max = 2 ** bits - 1;
  const r = noise(width * height * n, 0, Math.max(1, max >> 3), seed);
  const out = new Uint16Array(width * height * n);
  for (let i = 0; i < out.length; i++) out[i] = Math.min(max, ((i * 7) % (max + 1)) + r[i]!) & max;
  return out;
}

function planesEqual(j: ReturnType<typeof decodeJpegLossless>, samples: ArrayLike<number>): boolean {
  const n = j.components.length;
  for (let k = 0; k < n; k++) {
    const c = j.components[k]!;
    for (let y = 0; y < j.height; y++)
      for (let x = 0; x < j.width; x++)
        if (
          c.samples[c.offset + y * c.stride + x * c.step]! << j.pointTransform !==
          samples[(y * j.width + x) * n + k]
        )
          return false;
  }
  return true;
}

test('encoder → decoder: every predictor at precisions 2, 8, 12 and 16, 1, 3 and 4 components, restarts; SSSS = 16', () => {
  for (const bits of [2, 8, 12, 16])
    for (const n of [1, 3, 4])
      for (let psv = 1; psv <= 7; psv++) {
        const s = sampleImage(13, 11, n, bits, bits * 10 + psv);
        const jpeg = encodeJpegLossless(s, {
          width: 13,
          height: 11,
          components: n,
          precision: bits,
          predictor: psv,
          restartInterval: [0, 13, 26][psv % 3],
        });
        const j = decodeJpegLossless(jpeg);
        assert.equal(j.predictor, psv);
        assert.ok(planesEqual(j, s), `${bits} bits, ${n} components, predictor ${psv}`);
      }
  // 0, 32768, 0, …: every difference is ±32768, category 16 with no extra bits (Table H.2).
  const s = new Uint16Array(64).map((_, i) => (i % 2 ? 32768 : 0));
  const jpeg = encodeJpegLossless(s, { width: 8, height: 8, components: 1, precision: 16, predictor: 1 });
  const dht = Buffer.from(jpeg).indexOf(Buffer.from([0xff, 0xc4]));
  const counts = jpeg.subarray(dht + 5, dht + 21);
  const values = jpeg.subarray(dht + 21, dht + 21 + counts.reduce((a, b) => a + b, 0));
  assert.ok(values.includes(16), 'the Huffman table codes category 16');
  assert.ok(planesEqual(decodeJpegLossless(jpeg), s));
  // Samples beyond the precision are refused, not silently cut.
  assert.throws(
    () => encodeJpegLossless([0, 300], { width: 2, height: 1, components: 1, precision: 8, predictor: 1 }),
    (e: unknown) => isDicomError(e, 'INVALID_VALUE'),
  );
});

test('quirks: no EOI, fill bytes before markers, bytes after EOI decode to the same samples', () => {
  const s = sampleImage(40, 30, 1, 12, 1);
  const jpeg = encodeJpegLossless(s, { width: 40, height: 30, components: 1, precision: 12, predictor: 5 });
  const sos = Buffer.from(jpeg).indexOf(Buffer.from([0xff, 0xda]));
  const variants: [string, Uint8Array][] = [
    ['no EOI', jpeg.subarray(0, jpeg.length - 2)],
    [
      'fill bytes',
      Buffer.concat([
        jpeg.subarray(0, sos),
        Buffer.from([0xff, 0xff]),
        jpeg.subarray(sos, jpeg.length - 2),
        Buffer.from([0xff, 0xff, 0xff, 0xd9]),
      ]),
    ],
    ['bytes after EOI', Buffer.concat([jpeg, Buffer.from([0, 0, 0x12, 0x34])])],
  ];
  for (const [what, b] of variants) assert.ok(planesEqual(decodeJpegLossless(b), s), what);
  // A scan that lists the components in another order than the frame (3, 2, 1): the MCU's first sample belongs to
  // component 3. Our RGB stream relabelled so decodes to the channels reversed (the general decoding path).
  const rgb = sampleImage(20, 9, 3, 8, 5);
  const c = Buffer.from(
    encodeJpegLossless(rgb, { width: 20, height: 9, components: 3, precision: 8, predictor: 6 }),
  );
  const at = c.indexOf(Buffer.from([0xff, 0xda])) + 5;
  [c[at], c[at + 2], c[at + 4]] = [3, 2, 1];
  const j = decodeJpegLossless(c);
  const reversed = new Uint16Array(rgb.length);
  for (let i = 0; i < rgb.length; i += 3)
    [reversed[i], reversed[i + 1], reversed[i + 2]] = [rgb[i + 2]!, rgb[i + 1]!, rgb[i]!];
  assert.ok(planesEqual(j, reversed), 'components in reverse scan order');
});

function rejectsWith(b: Uint8Array, codes: string[], what: string): void {
  assert.throws(
    () => decodeJpegLossless(b),
    (e: unknown) => {
      assert.ok(isDicomError(e), `${what}: not a DicomError: ${String(e)}`);
      assert.ok(codes.includes(e.code), `${what}: ${e.code} ${e.message}`);
      return true;
    },
    what,
  );
}

test('bad input: truncated, corrupted entropy data, bad tables, absurd or wrong headers → DicomErrors', () => {
  const s = sampleImage(64, 48, 1, 16, 2);
  const jpeg = encodeJpegLossless(s, { width: 64, height: 48, components: 1, precision: 16, predictor: 1 });
  const b = Buffer.from(jpeg);
  const sof = b.indexOf(Buffer.from([0xff, 0xc3]));
  const dht = b.indexOf(Buffer.from([0xff, 0xc4]));
  const sos = b.indexOf(Buffer.from([0xff, 0xda]));
  const data = sos + 2 + b.readUInt16BE(sos + 2);
  const patched = (at: number, ...bytes: number[]) => {
    const c = Buffer.from(b);
    bytes.forEach((v, i) => (c[at + i] = v));
    return c;
  };
  // Truncated: inside a segment, before the scan, inside the entropy-coded data.
  rejectsWith(b.subarray(0, sof + 6), ['TRUNCATED'], 'cut in SOF3');
  rejectsWith(b.subarray(0, sos), ['INVALID_VALUE', 'TRUNCATED'], 'no scan');
  rejectsWith(b.subarray(0, data + Math.floor((b.length - data) / 2)), ['TRUNCATED'], 'cut in the data');
  rejectsWith(b.subarray(0, 1), ['INVALID_VALUE'], 'one byte');
  // Corrupted entropy-coded data: all 1 bits is never a code of a K.2 table (the reserved code point).
  const ones = Buffer.from(b);
  for (let i = data; i + 1 < ones.length - 2; i += 2) {
    ones[i] = 0xff;
    ones[i + 1] = 0x00;
  }
  rejectsWith(ones, ['INVALID_VALUE'], 'corrupted data');
  // Bad tables: more codes of one length than fit; more codes than the segment holds; a table never defined.
  rejectsWith(patched(dht + 5, 3), ['INVALID_VALUE'], 'over-full Huffman table');
  rejectsWith(patched(dht + 20, 200), ['INVALID_VALUE'], 'Huffman counts past the segment');
  rejectsWith(patched(sos + 6, 0x10), ['INVALID_VALUE'], 'scan uses table 1');
  // Frame header: precision 1 and 17, zero and absurd dimensions, 5 components, bad sampling factors.
  rejectsWith(patched(sof + 4, 1), ['INVALID_VALUE'], 'precision 1');
  rejectsWith(patched(sof + 4, 17), ['INVALID_VALUE'], 'precision 17');
  rejectsWith(patched(sof + 5, 0, 0), ['INVALID_VALUE'], 'zero lines');
  rejectsWith(patched(sof + 5, 0xff, 0xff, 0xff, 0xff), ['VALUE_TOO_LONG', 'TRUNCATED'], '65535 × 65535');
  // 4000 × 4000 is under the sample limit but cannot fit in these few kilobytes: refused before allocating.
  rejectsWith(patched(sof + 5, 0x0f, 0xa0, 0x0f, 0xa0), ['TRUNCATED'], '4000 × 4000 in a small stream');
  rejectsWith(patched(sof + 9, 5), ['INVALID_VALUE', 'TRUNCATED'], '5 components');
  rejectsWith(patched(sof + 11, 0x00), ['INVALID_VALUE'], 'sampling factor 0');
  // Scan header: predictor 8, point transform ≥ precision, unknown component.
  rejectsWith(patched(sos + 7, 8), ['INVALID_VALUE'], 'predictor 8');
  const eight = Buffer.from(
    encodeJpegLossless(sampleImage(8, 8, 1, 8, 3), {
      width: 8,
      height: 8,
      components: 1,
      precision: 8,
      predictor: 1,
    }),
  );
  eight[eight.indexOf(Buffer.from([0xff, 0xda])) + 9] = 0x08;
  rejectsWith(eight, ['INVALID_VALUE'], 'point transform 8 of 8 bits');
  rejectsWith(patched(sos + 5, 9), ['INVALID_VALUE'], 'unknown component');
  // Not lossless, or no frame at all.
  rejectsWith(patched(sof + 1, 0xc1), ['UNSUPPORTED_TRANSFER_SYNTAX'], 'SOF1');
  rejectsWith(patched(sof + 1, 0xfe), ['INVALID_VALUE'], 'no SOF3');
});

test('damaged lossless JPEG streams never throw anything but a DicomError, and stop', () => {
  const s = sampleImage(32, 24, 3, 8, 4);
  const jpeg = encodeJpegLossless(s, { width: 32, height: 24, components: 3, precision: 8, predictor: 4 });
  let seed = 11;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed % n);
  let errors = 0;
  for (let round = 0; round < 500; round++) {
    const b = Uint8Array.from(jpeg.subarray(0, round % 5 === 0 ? rand(jpeg.length) : jpeg.length));
    for (let k = 0; k <= rand(4); k++) if (b.length) b[rand(b.length)] = rand(256);
    try {
      decodeJpegLossless(b);
    } catch (e) {
      assert.ok(isDicomError(e), `round ${round}: ${String(e)}`);
      errors++;
    }
  }
  assert.ok(errors > 50, `only ${errors} of 500 damaged streams were refused`);
});

test(
  'through getFrame: a frame of other dimensions than the dataset, and a truncated frame, are DicomErrors',
  { skip: needTestdata() },
  async () => {
    const f = readDicomFileSync(
      join(TESTDATA, 'pylibjpeg-data/ds/JPEGLosslessSV1/JPEGLosslessP14SV1_1s_1f_u_16_16.dcm'),
    );
    const frame = encapsulatedFrameBytes(f.dataset, 0);
    const withFrame = (bytes: Uint8Array, rows?: number) => {
      const ds = new Dataset();
      for (const el of f.dataset) if (el.tag !== 0x7fe00010) ds.add(el);
      if (rows) ds.set('Rows', 'US', rows);
      ds.set(
        'PixelData',
        'OB',
        new EncapsulatedPixelData(new Uint32Array(0), [{ bytes, length: bytes.length }]),
      );
      return getFrame(ds, f.transferSyntax, 0);
    };
    await assert.rejects(withFrame(frame, 100), (e: unknown) => isDicomError(e, 'INVALID_VALUE'));
    await assert.rejects(withFrame(frame.subarray(0, frame.length >> 1)), (e: unknown) =>
      isDicomError(e, 'TRUNCATED'),
    );
    assert.equal((await withFrame(frame)).pixels.length, 535 * 800);
  },
);
