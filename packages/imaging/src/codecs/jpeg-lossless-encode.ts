/**
 * A JPEG lossless encoder (ISO 10918-1 / ITU-T T.81 Annex H, Process 14: SOF3, Huffman coding): one interleaved scan
 * of 1–4 components, sampling factors 1×1, any predictor 1–7 (Table H.1), point transform 0, precision 2–16,
 * optional restart intervals (DRI/RSTn; none by default). The Huffman table is built for each frame from its own
 * difference categories (Annex K.2, Figures K.1–K.4), one table shared by all components, so no category is left
 * without a code.
 */
import { DicomError } from '@dicomkit/core';

export interface LosslessEncodeParams {
  width: number;
  height: number;
  /** Samples per pixel (1–4), interleaved in `samples`. */
  components: number;
  /** Sample precision P (2–16): every sample must be below 2^P. */
  precision: number;
  /** Selection value (predictor) 1–7; SV1 (1) is the DICOM default (1.2.840.10008.1.2.4.70). */
  predictor: number;
  /** Component identifiers written in SOF3 and SOS (default 1, 2, 3, 4). */
  componentIds?: number[];
  /** Restart interval in MCUs (pixels): whole lines, at most 65535 (DRI, B.2.4.4); default 0, none. */
  restartInterval?: number;
}

/** Encodes interleaved samples (each < 2^precision) as a lossless JPEG codestream (SOI … EOI). */
export function encodeJpegLossless(samples: ArrayLike<number>, p: LosslessEncodeParams): Uint8Array {
  const { width, height, components: n, precision, predictor } = p;
  if (width < 1 || width > 65535 || height < 1 || height > 65535)
    throw new DicomError('INVALID_VALUE', `a JPEG frame of ${width}×${height} cannot be encoded`);
  if (n < 1 || n > 4) throw new DicomError('INVALID_VALUE', `${n} components cannot be JPEG encoded (1–4)`);
  if (!Number.isInteger(precision) || precision < 2 || precision > 16)
    throw new DicomError('INVALID_VALUE', `a lossless JPEG precision of ${precision} bits (2–16 allowed)`);
  if (!Number.isInteger(predictor) || predictor < 1 || predictor > 7)
    throw new DicomError('INVALID_VALUE', `a lossless JPEG predictor of ${predictor} (1–7 allowed)`);
  const ri = p.restartInterval ?? 0;
  // libjpeg (dcmtk, GDCM) decodes lossless restart intervals of whole MCU rows only.
  if (!Number.isInteger(ri) || ri < 0 || ri > 65535 || ri % width !== 0)
    throw new DicomError(
      'INVALID_VALUE',
      `a restart interval of ${ri} pixels: a multiple of the ${width}-pixel line up to 65535 is needed`,
    );
  const count = width * height * n;
  if (samples.length < count)
    throw new DicomError('INVALID_LENGTH', `${samples.length} samples for a ${width}×${height}×${n} frame`);

  // Pass 1: the differences modulo 2^16 (H.2.1) and the frequency of each category SSSS (Table H.2).
  const diffs = differences(samples, width, height, n, precision, predictor, ri);
  const freq = new Int32Array(257);
  for (let i = 0; i < count; i++) freq[category(diffs[i]!)]!++;
  const { bits, values } = optimalTable(freq);
  const { codes, sizes } = codeTable(bits, values);

  // Pass 2: the entropy-coded segment. The exact bit count is known; byte stuffing can at most double it.
  let total = 0;
  for (let s = 0; s <= 16; s++) total += freq[s]! * (sizes[s]! + (s === 16 ? 0 : s));
  const header = headerBytes(p, n, bits, values);
  const w = new BitWriter(
    header.length + Math.ceil(total / 8) + 16 + (ri ? 2 * Math.ceil(count / n / ri) : 0),
    header,
  );
  const restartEvery = ri * n;
  for (let i = 0; i < count; i++) {
    if (restartEvery !== 0 && i !== 0 && i % restartEvery === 0) w.restart(i / restartEvery - 1);
    const d = diffs[i]!;
    const s = category(d);
    w.put(codes[s]!, sizes[s]!);
    if (s !== 0 && s !== 16) {
      const v = d >= 32768 ? d - 65536 : d;
      w.put((v < 0 ? v - 1 : v) & ((1 << s) - 1), s);
    }
  }
  return w.finish();
}

/**
 * The differences of every sample to its prediction (H.1.2.1), modulo 2^16, in coding order. A restart interval of
 * `ri` pixels (whole lines) starts each interval as the scan starts: 2^(P−1) for its first pixel, Ra for the rest
 * of that line.
 */
function differences(
  samples: ArrayLike<number>,
  width: number,
  height: number,
  n: number,
  precision: number,
  psv: number,
  ri: number,
): Uint16Array {
  const count = width * height * n;
  const max = 2 ** precision;
  const x = new Uint16Array(count);
  for (let i = 0; i < count; i++) {
    const v = samples[i]!;
    if (!(v >= 0 && v < max))
      throw new DicomError(
        'INVALID_VALUE',
        `sample ${i} (${v}) does not fit a ${precision}-bit lossless JPEG`,
      );
    x[i] = v;
  }
  const out = new Uint16Array(count);
  const stride = width * n;
  const initial = 1 << (precision - 1);
  for (let k = 0; k < n; k++) out[k] = x[k]! - initial;
  for (let i = n; i < stride; i++) out[i] = x[i]! - x[i - n]!;
  for (let y = 1; y < height; y++) {
    const row = y * stride;
    for (let k = 0; k < n; k++) out[row + k] = x[row + k]! - x[row + k - stride]!;
    for (let i = row + n; i < row + stride; i++) {
      const ra = x[i - n]!;
      const rb = x[i - stride]!;
      const rc = x[i - stride - n]!;
      let pred: number;
      switch (psv) {
        case 1:
          pred = ra;
          break;
        case 2:
          pred = rb;
          break;
        case 3:
          pred = rc;
          break;
        case 4:
          pred = ra + rb - rc;
          break;
        case 5:
          pred = ra + ((rb - rc) >> 1);
          break;
        case 6:
          pred = rb + ((ra - rc) >> 1);
          break;
        default:
          pred = (ra + rb) >> 1;
      }
      out[i] = x[i]! - pred;
    }
  }
  for (let m = ri; ri !== 0 && m < width * height; m += ri) {
    const at = m * n;
    const rowEnd = (Math.floor(m / width) + 1) * stride;
    for (let k = 0; k < n; k++) out[at + k] = x[at + k]! - initial;
    for (let i = at + n; i < rowEnd; i++) out[i] = x[i]! - x[i - n]!;
  }
  return out;
}

/** SSSS for a difference modulo 2^16 (Table H.2): the bit length of |d|, 16 for 32768. */
function category(d: number): number {
  const v = d >= 32768 ? 65536 - d : d; // |difference|, 32768 for the lone value of category 16
  return v === 0 ? 0 : 32 - Math.clz32(v);
}

/**
 * Code lengths for the given symbol frequencies (Annex K.2): Huffman's procedure (Figure K.1) with a reserved
 * symbol 256 so that no code is all 1 bits, lengths limited to 16 (Figure K.3), symbols sorted by length (K.4).
 */
export function optimalTable(freqIn: Int32Array): { bits: Uint8Array; values: Uint8Array } {
  const freq = Array.from(freqIn, (f) => f);
  freq[256] = 1;
  const codesize = new Array<number>(257).fill(0);
  const others = new Array<number>(257).fill(-1);
  for (;;) {
    // V1: least frequency (the larger symbol on ties), V2: the next least.
    let v1 = -1;
    let v2 = -1;
    for (let i = 0; i < 257; i++) {
      const f = freq[i]!;
      if (f === 0) continue;
      if (v1 < 0 || f <= freq[v1]!) {
        v2 = v1;
        v1 = i;
      } else if (v2 < 0 || f <= freq[v2]!) v2 = i;
    }
    if (v2 < 0) break;
    freq[v1] = freq[v1]! + freq[v2]!;
    freq[v2] = 0;
    let a = v1;
    codesize[a]!++;
    while (others[a]! >= 0) {
      a = others[a]!;
      codesize[a]!++;
    }
    others[a] = v2;
    let b = v2;
    codesize[b]!++;
    while (others[b]! >= 0) {
      b = others[b]!;
      codesize[b]!++;
    }
  }
  const counts = new Array<number>(33).fill(0);
  for (let i = 0; i < 257; i++) if (codesize[i]! > 0) counts[codesize[i]!]!++;
  // Figure K.3: move codes longer than 16 bits up the tree.
  for (let i = 32; i > 16; i--) {
    while (counts[i]! > 0) {
      let j = i - 2;
      while (counts[j] === 0) j--;
      counts[i] = counts[i]! - 2;
      counts[i - 1]!++;
      counts[j + 1] = counts[j + 1]! + 2;
      counts[j]!--;
    }
  }
  // Drop the reserved symbol's code: it is one of the longest.
  let longest = 16;
  while (counts[longest] === 0) longest--;
  counts[longest]!--;
  const bits = new Uint8Array(16);
  for (let l = 1; l <= 16; l++) bits[l - 1] = counts[l]!;
  // Figure K.4: symbols in order of code size, then of value.
  const values: number[] = [];
  for (let l = 1; l <= 32; l++) for (let s = 0; s < 256; s++) if (codesize[s] === l) values.push(s);
  return { bits, values: Uint8Array.from(values) };
}

/** Codes and sizes per symbol from BITS and HUFFVAL (Annex C, Figures C.1–C.3). */
function codeTable(bits: Uint8Array, values: Uint8Array): { codes: Uint16Array; sizes: Uint8Array } {
  const codes = new Uint16Array(256);
  const sizes = new Uint8Array(256);
  let code = 0;
  let k = 0;
  for (let l = 1; l <= 16; l++) {
    for (let i = 0; i < bits[l - 1]!; i++, k++, code++) {
      codes[values[k]!] = code;
      sizes[values[k]!] = l;
    }
    code <<= 1;
  }
  return { codes, sizes };
}

/** SOI, SOF3 (B.2.2), DHT (B.2.4.2) and SOS (B.2.3). */
function headerBytes(p: LosslessEncodeParams, n: number, bits: Uint8Array, values: Uint8Array): Uint8Array {
  const ids = p.componentIds ?? [1, 2, 3, 4];
  const out: number[] = [0xff, 0xd8];
  const segment = (marker: number, body: number[]) => {
    const len = body.length + 2;
    out.push(0xff, marker, len >> 8, len & 0xff, ...body);
  };
  const sof = [p.precision, p.height >> 8, p.height & 0xff, p.width >> 8, p.width & 0xff, n];
  for (let k = 0; k < n; k++) sof.push(ids[k]!, 0x11, 0);
  segment(0xc3, sof);
  segment(0xc4, [0x00, ...bits, ...values]);
  if (p.restartInterval) segment(0xdd, [p.restartInterval >> 8, p.restartInterval & 0xff]);
  const sos = [n];
  for (let k = 0; k < n; k++) sos.push(ids[k]!, 0x00);
  sos.push(p.predictor, 0, 0); // Ss = predictor, Se = 0, Ah = 0, Al = Pt = 0
  segment(0xda, sos);
  return Uint8Array.from(out);
}

/** Writes bits MSB first with 0xFF byte stuffing (F.1.2.3, B.1.1.5), then pads with 1 bits and appends EOI. */
class BitWriter {
  private out: Uint8Array;
  private o: number;
  private acc = 0;
  private n = 0;
  constructor(capacity: number, header: Uint8Array) {
    this.out = new Uint8Array(capacity);
    this.out.set(header);
    this.o = header.length;
  }

  put(value: number, size: number): void {
    // Keep only the unwritten bits (fewer than 8) so that the buffer stays a small integer.
    this.acc = ((this.acc & ((1 << this.n) - 1)) << size) | value;
    this.n += size;
    while (this.n >= 8) {
      this.n -= 8;
      const byte = (this.acc >>> this.n) & 0xff;
      if (this.o + 2 > this.out.length) this.grow();
      this.out[this.o++] = byte;
      if (byte === 0xff) this.out[this.o++] = 0;
    }
  }

  private grow(): void {
    const bigger = new Uint8Array(this.out.length * 2 + 16);
    bigger.set(this.out.subarray(0, this.o));
    this.out = bigger;
  }

  /** Ends a restart interval: pads the last byte with 1 bits and writes RSTm (m = k mod 8, F.1.2.3, B.2.1). */
  restart(k: number): void {
    if (this.n > 0) this.put((1 << (8 - this.n)) - 1, 8 - this.n);
    if (this.o + 2 > this.out.length) this.grow();
    this.out[this.o++] = 0xff;
    this.out[this.o++] = 0xd0 + (k & 7);
  }

  finish(): Uint8Array {
    if (this.n > 0) this.put((1 << (8 - this.n)) - 1, 8 - this.n);
    if (this.o + 2 > this.out.length) this.grow();
    this.out[this.o++] = 0xff;
    this.out[this.o++] = 0xd9;
    return this.out.subarray(0, this.o);
  }
}
