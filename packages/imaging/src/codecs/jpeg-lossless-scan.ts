/**
 * The entropy-coded data of one lossless JPEG scan (ITU-T T.81 H.2): sample differences (H.2.2, Table H.2) decoded
 * with a combined code-and-bits lookup table, predictions (H.1.2.1, Table H.1), restart intervals (F.2.1.3), and
 * the check that the data did not end early.
 */
import { DicomError } from '@dicomkit/core';
import { BitReader, type HuffmanTable } from './jpeg-huffman.js';
import type { DecodedLosslessJpeg, LosslessComponent } from './jpeg-lossless.js';

/**
 * Bits of 0 the reader may invent past the end of the data before the stream counts as truncated. Real streams end a
 * few bits early (pylibjpeg-data JPEGLosslessP14SV1_3s_2f_u_08_08 frame 2 lacks its last pixel; libjpeg, GDCM and
 * dcmtk decode it by padding, and so do we).
 */
export const MAX_INVENTED_BITS = 64;

export interface ScanComponent {
  c: LosslessComponent;
  table: HuffmanTable;
  lookup: Int32Array;
}

/** Bits looked at in one step by {@link DifferenceReader.difference}. */
const DIFF_LOOKAHEAD = 12;

/**
 * For each value of the next 12 bits, the difference they start with when its Huffman code and extra bits fit in
 * them: ((difference + 32768) << 5) | bits used; 0 when they do not (the general path decodes it).
 */
function differenceLookup(t: HuffmanTable): Int32Array {
  const out = new Int32Array(1 << DIFF_LOOKAHEAD);
  let code = 0;
  let k = 0;
  for (let len = 1; len <= 16; len++) {
    for (let i = 0; i < t.counts[len - 1]!; i++, k++, code++) {
      const s = t.values[k]!;
      const extra = s === 16 ? 0 : s;
      if (s > 16 || len + extra > DIFF_LOOKAHEAD) continue;
      const free = DIFF_LOOKAHEAD - len - extra;
      for (let v = 0; v < 1 << extra; v++) {
        const diff = extra === 0 ? (s === 16 ? 32768 : 0) : v < 1 << (s - 1) ? v - (1 << s) + 1 : v;
        const first = ((code << extra) | v) << free;
        out.fill(((diff + 32768) << 5) | (len + extra), first, first + (1 << free));
      }
    }
    code <<= 1;
  }
  return out;
}

const lookups = new WeakMap<HuffmanTable, Int32Array>();

/** The difference lookup table of a Huffman table, built once. */
export function scanLookup(t: HuffmanTable): Int32Array {
  let lookup = lookups.get(t);
  if (!lookup) lookups.set(t, (lookup = differenceLookup(t)));
  return lookup;
}

/** The bit reader with the lossless difference decoding of H.2.2. */
export class DifferenceReader extends BitReader {
  /** One sample difference (H.2.2, Table H.2): a Huffman-coded SSSS, then SSSS extra bits. */
  difference(t: HuffmanTable, lookup: Int32Array): number {
    if (this.count < 16) this.fill();
    const e = lookup[(this.acc >>> (this.count - DIFF_LOOKAHEAD)) & ((1 << DIFF_LOOKAHEAD) - 1)]!;
    if (e !== 0) {
      this.count -= e & 31;
      return (e >> 5) - 32768;
    }
    return readDifference(this, t);
  }
}

/** One sample difference, the general way: DECODE, then RECEIVE and EXTEND (F.2.2.1). */
function readDifference(r: BitReader, t: HuffmanTable): number {
  const s = r.decode(t);
  if (s === 0) return 0;
  if (s > 0 && s < 16) {
    const v = r.receive(s);
    return v < 1 << (s - 1) ? v - (1 << s) + 1 : v;
  }
  if (s === 16) return 32768;
  throw new DicomError(
    'INVALID_VALUE',
    s < 0
      ? 'a Huffman code in the lossless JPEG data is not in its table'
      : `a lossless JPEG difference category of ${s} (0–16 allowed)`,
    { offset: r.pos },
  );
}

/** Decodes one scan's entropy-coded data into the components' sample arrays. */
export function decodeScan(
  r: DifferenceReader,
  f: DecodedLosslessJpeg,
  scan: ScanComponent[],
  psv: number,
  pt: number,
  ri: number,
): void {
  const initial = 1 << (f.precision - pt - 1);
  let invented = 0;
  let sinceRestart = 0;
  const single = scan.length === 1;
  if (single || scan.every((s) => s.c.h === 1 && s.c.v === 1)) {
    // One sample per component per MCU: a raster scan over the component grid.
    const c0 = scan[0]!.c;
    const cols = single ? c0.width : Math.ceil(f.width / Math.max(...f.components.map((c) => c.h)));
    const rows = single ? c0.height : Math.ceil(f.height / Math.max(...f.components.map((c) => c.v)));
    const n = scan.length;
    const planes = scan.map((s) => s.c.samples);
    const offsets = scan.map((s) => s.c.offset);
    const tables = scan.map((s) => s.table);
    const diffLookups = scan.map((s) => s.lookup);
    const stride = c0.stride;
    const step = c0.step;
    if (n === 1 && step === 1 && ri % cols === 0) {
      // One component, restarts (if any) at line starts only: one loop per predictor.
      return checkInvented(invented + singleComponentLines(r, scan[0]!, cols, rows, psv, initial, ri), r);
    }
    if (
      n > 1 &&
      step === n &&
      scan.every((x, k) => x.c.samples === planes[0] && x.c.offset === k) &&
      ri % cols === 0
    ) {
      // All components in one interleaved array, in order, restarts at line starts only.
      return checkInvented(invented + interleavedLines(r, scan, cols, rows, psv, initial, ri), r);
    }
    // The first sample of the scan or of the current restart interval (H.1.2.1).
    let resetX = 0;
    let resetY = 0;
    for (let y = 0; y < rows; y++) {
      const row = y * stride;
      for (let x = 0; x < cols; x++) {
        if (ri !== 0 && sinceRestart === ri) {
          invented += resync(r);
          sinceRestart = 0;
          resetX = x;
          resetY = y;
        }
        sinceRestart++;
        const at = row + x * step;
        const special = y === resetY || x === 0;
        for (let k = 0; k < n; k++) {
          const p = planes[k]!;
          const i = at + offsets[k]!;
          const diff = r.difference(tables[k]!, diffLookups[k]!);
          let pred: number;
          if (special) {
            if (y === resetY) pred = x === resetX ? initial : p[i - step]!;
            else pred = p[i - stride]!;
          } else {
            const ra = p[i - step]!;
            const rb = p[i - stride]!;
            switch (psv) {
              case 1:
                pred = ra;
                break;
              case 2:
                pred = rb;
                break;
              case 3:
                pred = p[i - stride - step]!;
                break;
              case 4:
                pred = ra + rb - p[i - stride - step]!;
                break;
              case 5:
                pred = ra + ((rb - p[i - stride - step]!) >> 1);
                break;
              case 6:
                pred = rb + ((ra - p[i - stride - step]!) >> 1);
                break;
              case 7:
                pred = (ra + rb) >> 1;
                break;
              default:
                pred = 0;
            }
          }
          p[i] = pred + diff;
        }
      }
    }
  } else {
    // Interleaved components with sampling factors: each MCU holds H×V samples of each component (A.2.3).
    const hmax = Math.max(...f.components.map((c) => c.h));
    const vmax = Math.max(...f.components.map((c) => c.v));
    const mcusX = Math.ceil(f.width / hmax);
    const mcusY = Math.ceil(f.height / vmax);
    // The first line of the scan or of a restart interval, per component: [row, first column].
    const reset = scan.map(() => [0, 0]);
    for (let my = 0; my < mcusY; my++) {
      for (let mx = 0; mx < mcusX; mx++) {
        if (ri !== 0 && sinceRestart === ri) {
          invented += resync(r);
          sinceRestart = 0;
          scan.forEach((s, k) => (reset[k] = [my * s.c.v, mx * s.c.h]));
        }
        sinceRestart++;
        scan.forEach((s, k) => {
          const { c, table, lookup } = s;
          const p = c.samples;
          const stride = c.stride;
          const [ry, rx] = reset[k]!;
          for (let v = 0; v < c.v; v++) {
            const y = my * c.v + v;
            for (let h = 0; h < c.h; h++) {
              const x = mx * c.h + h;
              const i = y * stride + x;
              const diff = r.difference(table, lookup);
              let pred: number;
              if (y === ry) pred = x === rx ? initial : p[i - 1]!;
              else if (x === 0) pred = p[i - stride]!;
              else pred = predict(psv, p[i - 1]!, p[i - stride]!, p[i - stride - 1]!);
              p[i] = pred + diff;
            }
          }
        });
      }
    }
  }
  checkInvented(invented, r);
}

/** Refuses a scan that needed more invented bits than {@link MAX_INVENTED_BITS} (a truncated stream). */
function checkInvented(before: number, r: DifferenceReader): void {
  const invented = before + Math.max(0, r.padBits - r.bufferedBits);
  if (invented > MAX_INVENTED_BITS)
    throw new DicomError(
      'TRUNCATED',
      `the lossless JPEG data ends ${Math.ceil(invented / 8)} bytes before its last sample`,
      { offset: r.pos },
    );
}

/** As {@link singleComponentLines}, for n interleaved components (colour): sample i is component i mod n. */
function interleavedLines(
  r: DifferenceReader,
  scan: ScanComponent[],
  cols: number,
  rows: number,
  psv: number,
  initial: number,
  ri: number,
): number {
  const n = scan.length;
  const p = scan[0]!.c.samples;
  const stride = scan[0]!.c.stride;
  const ts = scan.map((s) => s.table);
  const lks = scan.map((s) => s.lookup);
  let invented = 0;
  let sinceRestart = 0;
  for (let y = 0; y < rows; y++) {
    let first = y === 0;
    if (ri !== 0 && sinceRestart === ri) {
      invented += resync(r);
      sinceRestart = 0;
      first = true;
    }
    sinceRestart += cols;
    const row = y * stride;
    const end = row + cols * n;
    for (let k = 0; k < n; k++)
      p[row + k] = (first ? initial : p[row + k - stride]!) + r.difference(ts[k]!, lks[k]!);
    let k = 0;
    for (let i = row + n; i < end; i++) {
      const d = r.difference(ts[k]!, lks[k]!);
      if (++k === n) k = 0;
      let pred: number;
      if (first) pred = p[i - n]!;
      else
        switch (psv) {
          case 1:
            pred = p[i - n]!;
            break;
          case 2:
            pred = p[i - stride]!;
            break;
          case 3:
            pred = p[i - stride - n]!;
            break;
          case 4:
            pred = p[i - n]! + p[i - stride]! - p[i - stride - n]!;
            break;
          case 5:
            pred = p[i - n]! + ((p[i - stride]! - p[i - stride - n]!) >> 1);
            break;
          case 6:
            pred = p[i - stride]! + ((p[i - n]! - p[i - stride - n]!) >> 1);
            break;
          case 7:
            pred = (p[i - n]! + p[i - stride]!) >> 1;
            break;
          default:
            pred = 0;
        }
      p[i] = pred + d;
    }
  }
  return invented;
}

/**
 * The common case, a single component with restarts at line starts: the first line (of the scan or of a restart
 * interval) predicts from 2^(P−Pt−1) then Ra, every other line from Rb then the selected predictor (H.1.2.1).
 * Returns the bits invented before restart markers.
 */
function singleComponentLines(
  r: DifferenceReader,
  s: ScanComponent,
  cols: number,
  rows: number,
  psv: number,
  initial: number,
  ri: number,
): number {
  const p = s.c.samples;
  const stride = s.c.stride;
  const t = s.table;
  const lk = s.lookup;
  let invented = 0;
  let sinceRestart = 0;
  for (let y = 0; y < rows; y++) {
    let first = y === 0;
    if (ri !== 0 && sinceRestart === ri) {
      invented += resync(r);
      sinceRestart = 0;
      first = true;
    }
    sinceRestart += cols;
    const row = y * stride;
    const end = row + cols;
    if (first) {
      p[row] = initial + r.difference(t, lk);
      for (let i = row + 1; i < end; i++) p[i] = p[i - 1]! + r.difference(t, lk);
      continue;
    }
    p[row] = p[row - stride]! + r.difference(t, lk);
    switch (psv) {
      case 1:
        for (let i = row + 1; i < end; i++) p[i] = p[i - 1]! + r.difference(t, lk);
        break;
      case 2:
        for (let i = row + 1; i < end; i++) p[i] = p[i - stride]! + r.difference(t, lk);
        break;
      case 3:
        for (let i = row + 1; i < end; i++) p[i] = p[i - stride - 1]! + r.difference(t, lk);
        break;
      case 4:
        for (let i = row + 1; i < end; i++)
          p[i] = p[i - 1]! + p[i - stride]! - p[i - stride - 1]! + r.difference(t, lk);
        break;
      case 5:
        for (let i = row + 1; i < end; i++)
          p[i] = p[i - 1]! + ((p[i - stride]! - p[i - stride - 1]!) >> 1) + r.difference(t, lk);
        break;
      case 6:
        for (let i = row + 1; i < end; i++)
          p[i] = p[i - stride]! + ((p[i - 1]! - p[i - stride - 1]!) >> 1) + r.difference(t, lk);
        break;
      case 7:
        for (let i = row + 1; i < end; i++) p[i] = ((p[i - 1]! + p[i - stride]!) >> 1) + r.difference(t, lk);
        break;
      default:
        for (let i = row + 1; i < end; i++) p[i] = r.difference(t, lk);
    }
  }
  return invented;
}

/** Moves past the restart marker that ends an interval (F.2.1.3); returns the bits invented before it. */
function resync(r: DifferenceReader): number {
  const invented = Math.max(0, r.padBits - r.bufferedBits);
  if (!r.restart())
    throw new DicomError('TRUNCATED', 'a restart marker (RSTn) is missing from the lossless JPEG data', {
      offset: r.pos,
    });
  return invented;
}

/** The predictors of Table H.1 (selection values 1–7; 0 is only for the hierarchical mode and predicts 0). */
function predict(psv: number, ra: number, rb: number, rc: number): number {
  switch (psv) {
    case 1:
      return ra;
    case 2:
      return rb;
    case 3:
      return rc;
    case 4:
      return ra + rb - rc;
    case 5:
      return ra + ((rb - rc) >> 1);
    case 6:
      return rb + ((ra - rc) >> 1);
    case 7:
      return (ra + rb) >> 1;
    default:
      return 0;
  }
}
