/**
 * The RLE Lossless codec (PS3.5 Annex G) against a plain byte-by-byte reading of the standard: every literal and
 * replicate length, every sample layout the decoder writes with a stride (8/16/32 bits, 1 or 3 samples), odd
 * segment lengths and segments that hold more than the frame needs. The decoder writes each segment straight into
 * the interleaved output eight bytes a step, so run lengths around multiples of 8 and strides of 1 to 12 matter.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeRle, encodeRle } from '../src/index.js';
import type { PixelDescription } from '../src/frames/description.js';
import type { PixelArray } from '../src/frames/pixel-array.js';

function description(
  rows: number,
  columns: number,
  bitsAllocated: number,
  samplesPerPixel: number,
): PixelDescription {
  return {
    rows,
    columns,
    samplesPerPixel,
    bitsAllocated,
    bitsStored: bitsAllocated,
    highBit: bitsAllocated - 1,
    pixelRepresentation: 0,
    planarConfiguration: 0,
    photometricInterpretation: samplesPerPixel === 3 ? 'RGB' : 'MONOCHROME2',
    numberOfFrames: 1,
    pixelDataTag: 0x7fe00010,
    float: false,
  };
}

/** A deterministic byte sequence (xorshift), so that failures reproduce. */
function bytesFrom(seed: number): () => number {
  let x = seed | 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x & 0xff;
  };
}

/**
 * A PackBits segment (G.3.1) of at least `need` decoded bytes: literal runs of every length 1..128 and replicate runs
 * of every length 2..128 in turn, with a no-op header (-128) now and then.
 */
function segment(need: number, seed: number): Uint8Array {
  const next = bytesFrom(seed);
  const out: number[] = [];
  let produced = 0;
  for (let step = 0; produced < need; step++) {
    if (step % 2 === 0) {
      const len = 1 + ((step / 2 + seed) % 128);
      out.push(len - 1);
      for (let k = 0; k < len; k++) out.push(next());
      produced += len;
    } else {
      const len = 2 + (((step - 1) / 2 + seed) % 127);
      out.push(257 - len, next());
      produced += len;
    }
    if (step % 7 === 3) out.push(128);
  }
  return Uint8Array.from(out);
}

/** The bytes a segment decodes to, one header at a time, as G.3.1 reads. */
function expand(seg: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < seg.length;) {
    const n = seg[i++]!;
    if (n < 128) for (let k = 0; k <= n; k++) out.push(seg[i++]!);
    else if (n > 128) {
      const v = seg[i++]!;
      for (let k = 0; k < 257 - n; k++) out.push(v);
    }
  }
  return out;
}

/** An RLE frame (G.5): the header with the segment count and offsets, then the segments. */
function frame(segments: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(64 + segments.reduce((a, s) => a + s.length, 0));
  const view = new DataView(out.buffer);
  view.setUint32(0, segments.length, true);
  let at = 64;
  segments.forEach((s, i) => {
    view.setUint32(4 + 4 * i, at, true);
    out.set(s, at);
    at += s.length;
  });
  return out;
}

/** The little-endian bytes of interleaved samples, built from segments (most significant byte first, G.2). */
function interleave(planes: number[][], d: PixelDescription): Uint8Array {
  const bytesPerSample = d.bitsAllocated / 8;
  const pixels = d.rows * d.columns;
  const out = new Uint8Array(pixels * planes.length);
  planes.forEach((plane, s) => {
    const sample = Math.floor(s / bytesPerSample);
    const byte = bytesPerSample - 1 - (s % bytesPerSample);
    for (let p = 0; p < pixels; p++) out[p * planes.length + sample * bytesPerSample + byte] = plane[p]!;
  });
  return out;
}

const bytesOf = (a: PixelArray) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

const LAYOUTS: [bits: number, samples: number][] = [
  [8, 1],
  [8, 3],
  [16, 1],
  [16, 3],
  [32, 1],
  [32, 3],
];

test('decode: every run length and sample layout equals a byte-by-byte reading of G.3.1', () => {
  for (const [bits, spp] of LAYOUTS) {
    for (const [rows, columns] of [
      [1, 1],
      [3, 7],
      [61, 67], // 4087 pixels: every run length several times over, at every alignment
    ] as const) {
      const d = description(rows, columns, bits, spp);
      const pixels = rows * columns;
      const count = spp * (bits / 8);
      const segments = Array.from({ length: count }, (_, s) => segment(pixels, 17 * s + bits + spp));
      const want = interleave(
        segments.map((s) => expand(s).slice(0, pixels)),
        d,
      );
      const got = bytesOf(decodeRle(frame(segments), d));
      assert.deepEqual(got, want, `${bits}-bit, ${spp} samples, ${rows}×${columns}`);
    }
  }
});

test('decode: odd segment lengths, unaligned input and extra decoded bytes', () => {
  const d = description(5, 9, 16, 3);
  const pixels = 45;
  // Each segment: 44 literals and a run of 10 (54 bytes for a 45-pixel frame), 47 bytes long, or 48 with a no-op.
  const segments: Uint8Array[] = [];
  for (let s = 0; s < 6; s++) {
    const next = bytesFrom(s + 1);
    const body = [43, ...Array.from({ length: 44 }, next), 257 - 10, next()];
    segments.push(Uint8Array.from(s % 2 ? body : body.concat([128]))); // odd (47) and even (48) lengths
  }
  const encoded = frame(segments);
  const shifted = new Uint8Array(encoded.length + 3);
  shifted.set(encoded, 3);
  const want = interleave(
    segments.map((s) => expand(s).slice(0, pixels)),
    d,
  );
  assert.deepEqual(bytesOf(decodeRle(encoded, d)), want);
  assert.deepEqual(bytesOf(decodeRle(shifted.subarray(3), d)), want);
  assert.deepEqual(bytesOf(decodeRle(Buffer.from(encoded), d)), want);
});

test('encode: segments expand to the frame, most significant byte first, even lengths; decode gives the pixels back', () => {
  for (const [bits, spp] of LAYOUTS) {
    const d = description(37, 150, bits, spp); // rows longer than one 128-byte run
    const n = d.rows * d.columns * spp;
    const next = bytesFrom(bits * 7 + spp);
    const raw = new Uint8Array(n * (bits / 8));
    // Stretches of equal bytes of every length (1..200) between noise, so rows mix runs and literals.
    for (let i = 0, len = 1; i < raw.length; len = (len % 200) + 1) {
      const v = next();
      for (let k = 0; k < len && i < raw.length; k++) raw[i++] = len % 3 === 0 ? next() : v;
    }
    const pixels: PixelArray =
      bits === 8 ? raw : bits === 16 ? new Uint16Array(raw.buffer, 0, n) : new Uint32Array(raw.buffer, 0, n);
    const encoded = encodeRle(pixels, d);
    const view = new DataView(encoded.buffer, encoded.byteOffset, encoded.byteLength);
    const count = view.getUint32(0, true);
    assert.equal(count, spp * (bits / 8));
    const planes: number[][] = [];
    for (let s = 0; s < count; s++) {
      const start = view.getUint32(4 + 4 * s, true);
      const end = s + 1 < count ? view.getUint32(8 + 4 * s, true) : encoded.length;
      assert.equal((end - start) % 2, 0, `segment ${s + 1} has an even length`);
      const plane = expand(encoded.subarray(start, end));
      assert.equal(plane.length, d.rows * d.columns, `segment ${s + 1} holds one byte per pixel`);
      planes.push(plane);
    }
    assert.deepEqual(interleave(planes, d), raw, `${bits}-bit, ${spp} samples`);
    assert.deepEqual(bytesOf(decodeRle(encoded, d)), raw);
    assert.ok(encoded.length < raw.length, `${bits}-bit, ${spp} samples: compresses`);
  }
});
