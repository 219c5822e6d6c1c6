/**
 * RLE Lossless (PS3.5 Annex G), in TypeScript.
 *
 * A frame is split into byte segments (G.2): for each sample, one segment per byte of the sample, most
 * significant byte first, each segment holding that byte of every pixel in raster order. Each segment is
 * PackBits-coded (G.3.1): header n in 0..127 → n+1 literal bytes follow; n in -127..-1 → the next byte repeated
 * 1-n times; -128 → nothing. The 64-byte RLE Header (G.5) holds the segment count (≤ 15) and their offsets.
 */
import { DicomError } from '@dicomkit/core';
import { pixelArrayKind, allocatePixels, pixelBytes, type PixelArray } from '../frames/pixel-array.js';
import type { PixelDescription } from '../frames/description.js';
import { unpackBits } from '../frames/native.js';

const HEADER = 64;
const MAX_SEGMENTS = 15;

function u32(b: Uint8Array, o: number): number {
  return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
}

/** Replicate runs at least this long go through `fill` when the output is contiguous (a call costs a short loop). */
const FILL_FROM = 24;

/**
 * Decodes one PackBits segment (G.3.1) from `src[start..end)` straight into `out`: segment byte k goes to
 * `out[outStart + k * stride]`, for at most `count` bytes (the rest of a longer segment is ignored). Returns the
 * bytes produced: fewer than `count` when the segment ends early. A literal run cut short by the segment's end
 * yields the bytes that are there.
 *
 * Each run is clipped once to what the segment holds and the output needs, so the copy loops below run without
 * further checks; they write eight bytes a step (V8 does not unroll loops, and the per-iteration overhead is most of
 * the cost of a byte), then the rest one by one.
 */
export function decodeRleSegment(
  src: Uint8Array,
  start: number,
  end: number,
  out: Uint8Array,
  outStart: number,
  count: number,
  stride = 1,
): number {
  const s2 = 2 * stride;
  const s3 = 3 * stride;
  const s4 = 4 * stride;
  const s5 = 5 * stride;
  const s6 = 6 * stride;
  const s7 = 7 * stride;
  const s8 = 8 * stride;
  let i = start;
  let o = outStart;
  let left = count;
  while (left > 0 && i < end) {
    const n = src[i++]!;
    if (n < 128) {
      // n + 1 literal bytes.
      let len = n + 1;
      if (len > left) len = left;
      if (len > end - i) len = end - i;
      left -= len;
      const stop = i + len;
      for (const stop8 = stop - 7; i < stop8; i += 8, o += s8) {
        out[o] = src[i]!;
        out[o + stride] = src[i + 1]!;
        out[o + s2] = src[i + 2]!;
        out[o + s3] = src[i + 3]!;
        out[o + s4] = src[i + 4]!;
        out[o + s5] = src[i + 5]!;
        out[o + s6] = src[i + 6]!;
        out[o + s7] = src[i + 7]!;
      }
      for (; i < stop; i++, o += stride) out[o] = src[i]!;
    } else if (n > 128) {
      // The next byte, 257 - n times.
      if (i >= end) break;
      const v = src[i++]!;
      let len = 257 - n;
      if (len > left) len = left;
      left -= len;
      const stop = o + len * stride;
      if (stride === 1 && len >= FILL_FROM) {
        out.fill(v, o, stop);
        o = stop;
        continue;
      }
      for (const stop8 = stop - s7; o < stop8; o += s8) {
        out[o] = v;
        out[o + stride] = v;
        out[o + s2] = v;
        out[o + s3] = v;
        out[o + s4] = v;
        out[o + s5] = v;
        out[o + s6] = v;
        out[o + s7] = v;
      }
      for (; o < stop; o += stride) out[o] = v;
    }
    // n === 128: no operation (G.3.2)
  }
  return count - left;
}

/**
 * Decodes an RLE Lossless frame to a typed array, samples interleaved.
 * Throws DicomError on a header whose segment count does not fit the description, offsets out of range,
 * or a segment that decodes to fewer bytes than the frame needs. Extra decoded bytes (some writers pad) are ignored.
 */
export function decodeRle(frame: Uint8Array, d: PixelDescription): PixelArray {
  if (frame.length < HEADER)
    throw new DicomError(
      'TRUNCATED',
      `an RLE frame of ${frame.length} bytes is shorter than its 64-byte header`,
    );
  const bytesPerSample = d.bitsAllocated === 1 ? 1 : d.bitsAllocated / 8;
  const expected = d.samplesPerPixel * bytesPerSample;
  const count = u32(frame, 0);
  if (count !== expected)
    throw new DicomError(
      'INVALID_VALUE',
      `the RLE header has ${count} segments; ${d.samplesPerPixel} samples of ${d.bitsAllocated} bits need ${expected}`,
    );
  if (count > MAX_SEGMENTS)
    throw new DicomError('INVALID_VALUE', `the RLE header has ${count} segments (at most 15)`);
  const offsets: number[] = [];
  for (let s = 0; s < count; s++) {
    const off = u32(frame, 4 + 4 * s);
    if (off < HEADER || off > frame.length || (s > 0 && off < offsets[s - 1]!)) {
      throw new DicomError(
        'INVALID_VALUE',
        `RLE segment ${s + 1} offset ${off} is outside the frame (64..${frame.length}) or out of order`,
      );
    }
    offsets.push(off);
  }
  const pixels = d.rows * d.columns;
  // A plain Uint8Array view (not a Buffer subclass), so that the decode loops see one array shape.
  const src = new Uint8Array(frame.buffer, frame.byteOffset, frame.length);
  if (d.bitsAllocated === 1) {
    // 1-bit data: the one segment holds the packed bits of the frame (PS3.5 §8.1.1 packing), as pydicom and dcm4che write it.
    const packed = new Uint8Array(Math.ceil(pixels / 8));
    const got = decodeRleSegment(src, offsets[0]!, src.length, packed, 0, packed.length);
    if (got < packed.length)
      throw new DicomError(
        'TRUNCATED',
        `the RLE segment decodes to ${got} bytes; the 1-bit frame needs ${packed.length}`,
      );
    return unpackBits(packed, 0, pixels * d.samplesPerPixel);
  }
  const kind = pixelArrayKind(d.bitsAllocated === 1 ? { ...d, bitsAllocated: 8 } : d);
  const out = allocatePixels(kind, pixels * d.samplesPerPixel);
  const outBytes = pixelBytes(out);
  const stride = d.samplesPerPixel * bytesPerSample;
  for (let s = 0; s < count; s++) {
    const end = s + 1 < count ? offsets[s + 1]! : frame.length;
    const sample = Math.floor(s / bytesPerSample);
    const byteInSample = bytesPerSample - 1 - (s % bytesPerSample); // most significant byte first; memory is little endian
    const got = decodeRleSegment(
      src,
      offsets[s]!,
      end,
      outBytes,
      sample * bytesPerSample + byteInSample,
      pixels,
      stride,
    );
    if (got < pixels)
      throw new DicomError(
        'TRUNCATED',
        `RLE segment ${s + 1} decodes to ${got} bytes; the frame needs ${pixels}`,
      );
  }
  return out;
}

/**
 * PackBits-codes one row (G.3.1) of a byte plane read straight from the interleaved frame: `count` bytes at
 * `src[start + k * stride]`, into `out` from `at`; returns the new end. Runs of 3 or more equal bytes become
 * replicate runs; everything between them literal runs of at most 128 bytes.
 */
function encodeRow(
  src: Uint8Array,
  start: number,
  stride: number,
  count: number,
  out: Uint8Array,
  at: number,
): number {
  let k = 0; // index in the row
  let p = start; // its position in src
  let o = at;
  while (k < count) {
    // Length of the run of equal bytes starting at k.
    const v = src[p]!;
    const maxRun = count - k < 128 ? count - k : 128;
    let run = 1;
    let q = p + stride;
    while (run < maxRun && src[q] === v) {
      run++;
      q += stride;
    }
    if (run >= 3) {
      out[o++] = 257 - run;
      out[o++] = v;
      k += run;
      p = q;
      continue;
    }
    // A literal run, copied as it is scanned: up to the next 3 equal bytes, at most 128 bytes. `a`, `b`, `c` are
    // the bytes at j, j + 1, j + 2 (-1 and -2 past the row's end: never equal to a byte or to each other).
    const header = o++;
    const stop = count - k < 128 ? count : k + 128;
    let j = k;
    let a = v;
    let b = j + 1 < count ? src[p + stride]! : -1;
    while (j < stop) {
      const c = j + 2 < count ? src[p + 2 * stride]! : -2;
      if (a === b && a === c) break;
      out[o++] = a;
      j++;
      p += stride;
      a = b;
      b = c;
    }
    out[header] = j - k - 1;
    k = j;
  }
  return o;
}

/**
 * Encodes a frame (typed array, samples interleaved) as RLE Lossless (G.5): one segment per byte of each sample,
 * every row coded separately (G.3.1), each segment padded to an even length.
 */
export function encodeRle(pixels: PixelArray, d: PixelDescription): Uint8Array {
  if (d.bitsAllocated === 1 || d.float)
    throw new DicomError(
      'INVALID_VALUE',
      `RLE Lossless cannot hold ${d.float ? 'float' : '1-bit'} pixel data here`,
    );
  const bytesPerSample = d.bitsAllocated / 8;
  const segments = d.samplesPerPixel * bytesPerSample;
  if (segments > MAX_SEGMENTS)
    throw new DicomError(
      'INVALID_VALUE',
      `RLE Lossless holds at most 15 segments; this frame needs ${segments}`,
    );
  const n = d.rows * d.columns;
  if (pixels.length !== n * d.samplesPerPixel)
    throw new DicomError(
      'INVALID_LENGTH',
      `the frame has ${pixels.length} samples; expected ${n * d.samplesPerPixel}`,
    );
  const bytes = pixelBytes(pixels);
  const src = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length); // one array shape for the loops
  const stride = d.samplesPerPixel * bytesPerSample;
  // Worst case of a segment: one header byte per 128 literals in each row, and the pad byte.
  const worst = n + d.rows * (Math.ceil(d.columns / 128) + 1) + 1;
  const out = new Uint8Array(HEADER + segments * worst);
  const view = new DataView(out.buffer);
  view.setUint32(0, segments, true);
  let at = HEADER;
  for (let s = 0; s < segments; s++) {
    view.setUint32(4 + 4 * s, at, true);
    const sample = Math.floor(s / bytesPerSample);
    const byteInSample = bytesPerSample - 1 - (s % bytesPerSample); // most significant byte first; memory is little endian
    const first = sample * bytesPerSample + byteInSample;
    const rowBytes = d.columns * stride;
    for (let r = 0; r < d.rows; r++) at = encodeRow(src, first + r * rowBytes, stride, d.columns, out, at);
    if ((at - HEADER) % 2) out[at++] = 128; // a no-op byte keeps each segment even (G.5)
  }
  return out.slice(0, at);
}
