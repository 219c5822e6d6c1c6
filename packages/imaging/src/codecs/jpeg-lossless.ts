/**
 * A JPEG lossless decoder (ISO 10918-1 / ITU-T T.81 Annex H, Process 14: SOF3, Huffman coding), for
 * JPEG Lossless (1.2.840.10008.1.2.4.57) and JPEG Lossless SV1 (1.2.840.10008.1.2.4.70), PS3.5 §8.2.1, §A.4.1.
 *
 * - Predictors 1–7 (Table H.1) and the prediction rules of H.1.2.1: 2^(P−Pt−1) for the first sample of the scan and
 *   of each restart interval, Ra on the rest of that line, Rb at the start of every other line.
 * - Point transform Pt (H.1.2.1): samples are coded as value >> Pt and given back shifted left by Pt.
 * - Precision 2–16; differences are taken modulo 2^16 (H.2.1), and SSSS = 16 means 32768 with no extra bits
 *   (Table H.2). Signed DICOM data is coded as its bit pattern: the samples are returned as stored.
 * - 1–4 components, interleaved (any sampling factors) or one scan per component; restart intervals (DRI/RSTn).
 * - Damaged data: like libjpeg, the reader supplies 0 bits after the end of the entropy-coded data; more than
 *   {@link MAX_INVENTED_BITS} of them, a missing restart marker, a code not in the table, or a scan that is never
 *   sent are DicomErrors, never a hang. Memory is bounded by the frame header (checked against a limit) alone.
 */
import { DicomError } from '@dicomkit/core';
import { BitReader, readDht, type HuffmanTable } from './jpeg-huffman.js';

/**
 * Bits of 0 the reader may invent past the end of the data before the stream counts as truncated. Real streams end a
 * few bits early (pylibjpeg-data JPEGLosslessP14SV1_3s_2f_u_08_08 frame 2 lacks its last pixel; libjpeg, GDCM and
 * dcmtk decode it by padding, and so do we).
 */
export const MAX_INVENTED_BITS = 64;

export interface LosslessComponent {
  id: number;
  /** Sampling factors (A.1.1). */
  h: number;
  v: number;
  /** The component's own dimensions: ceil(X·H/Hmax) × ceil(Y·V/Vmax). */
  width: number;
  height: number;
  /** Sample (x, y) is `samples[offset + y * stride + x * step]` (before the point transform is undone). */
  samples: Uint16Array;
  offset: number;
  /** Array elements per row (the width padded to whole MCUs, times `step`). */
  stride: number;
  /** 1, or the number of components when all are 1×1 and share one interleaved array. */
  step: number;
}

export interface DecodedLosslessJpeg {
  width: number;
  height: number;
  precision: number;
  /** The point transform Pt of the (last) scan: samples are `samples << Pt`. */
  pointTransform: number;
  /** The selection value (predictor, Table H.1) of the first scan. */
  predictor: number;
  components: LosslessComponent[];
}

export interface LosslessDecodeOptions {
  /** Refuse frames with more samples than this (default 2^28). */
  maxSamples?: number;
  /** The number of lines when the frame header says 0 (a DNL marker would follow the first scan; DICOM gives Rows). */
  lines?: number;
}

interface ScanComponent {
  c: LosslessComponent;
  table: HuffmanTable;
  lookup: Int32Array;
}

const u16 = (b: Uint8Array, o: number) => ((b[o] ?? 0) << 8) | (b[o + 1] ?? 0);

/** Decodes a lossless JPEG codestream (SOI … EOI). */
export function decodeJpegLossless(b: Uint8Array, options: LosslessDecodeOptions = {}): DecodedLosslessJpeg {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8)
    throw new DicomError('INVALID_VALUE', 'not a JPEG stream (no SOI marker)', { offset: 0 });
  const dc: (HuffmanTable | undefined)[] = [];
  const ac: (HuffmanTable | undefined)[] = [];
  let frame: DecodedLosslessJpeg | undefined;
  let restartInterval = 0;
  const decoded = new Set<LosslessComponent>();
  let pos = 2;
  while (pos + 1 < b.length) {
    if (b[pos] !== 0xff) {
      pos++; // garbage between segments: look for the next marker
      continue;
    }
    const m = b[pos + 1]!;
    if (m === 0xff || m === 0x00 || (m >= 0xd0 && m <= 0xd7) || m === 0x01) {
      pos += m === 0xff ? 1 : 2; // fill byte, stray RSTn or TEM
      continue;
    }
    if (m === 0xd9) break; // EOI
    if (pos + 4 > b.length) break;
    const len = u16(b, pos + 2);
    const seg = pos + 4;
    const end = pos + 2 + len;
    if (len < 2 || end > b.length)
      throw new DicomError(
        'TRUNCATED',
        `a JPEG marker segment (FF${m.toString(16).toUpperCase()}) runs past the end of the stream`,
        { offset: pos },
      );
    if (m === 0xc4) readDht(b, seg, end, dc, ac);
    else if (m === 0xdd) {
      if (len < 4) throw new DicomError('INVALID_VALUE', 'a JPEG DRI segment is too short', { offset: pos });
      restartInterval = u16(b, seg);
    } else if (m === 0xc3) {
      if (frame) throw new DicomError('INVALID_VALUE', 'a second JPEG frame header', { offset: pos });
      frame = readFrameHeader(b, seg, end, options);
    } else if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc) {
      throw new DicomError(
        'UNSUPPORTED_TRANSFER_SYNTAX',
        `JPEG process SOF${m - 0xc0} is not lossless Process 14 (SOF3)`,
        { offset: pos },
      );
    } else if (m === 0xcc) {
      throw new DicomError('UNSUPPORTED_TRANSFER_SYNTAX', 'arithmetic-coded lossless JPEG is not supported', {
        offset: pos,
      });
    } else if (m === 0xda) {
      if (!frame)
        throw new DicomError('INVALID_VALUE', 'a JPEG scan before its frame header', { offset: pos });
      const { scan, predictor, pt } = readScanHeader(b, seg, end, frame, dc);
      if (decoded.size === 0) frame.predictor = predictor;
      frame.pointTransform = pt;
      const reader = new DifferenceReader(b, end);
      decodeScan(reader, frame, scan, predictor, pt, restartInterval);
      for (const s of scan) decoded.add(s.c);
      pos = reader.markerPosition();
      continue;
    }
    pos = end;
  }
  if (!frame) throw new DicomError('INVALID_VALUE', 'the JPEG stream has no SOF3 frame header');
  if (decoded.size < frame.components.length)
    throw new DicomError(
      'TRUNCATED',
      `the JPEG stream ends before the scans of ${frame.components.length - decoded.size} of its ${frame.components.length} components`,
    );
  return frame;
}

/** SOF3 (B.2.2): precision, lines, samples per line, components with their sampling factors. */
function readFrameHeader(
  b: Uint8Array,
  seg: number,
  end: number,
  options: LosslessDecodeOptions,
): DecodedLosslessJpeg {
  const precision = b[seg]!;
  let height = u16(b, seg + 1);
  const width = u16(b, seg + 3);
  const nf = b[seg + 5] ?? 0;
  if (seg + 6 + 3 * nf > end)
    throw new DicomError('TRUNCATED', 'the JPEG frame header is shorter than its components', {
      offset: seg,
    });
  if (precision < 2 || precision > 16)
    throw new DicomError('INVALID_VALUE', `a lossless JPEG precision of ${precision} bits (2–16 allowed)`, {
      offset: seg,
    });
  if (height === 0 && options.lines) height = options.lines;
  if (width === 0 || height === 0 || nf < 1 || nf > 4)
    throw new DicomError('INVALID_VALUE', `a JPEG frame of ${width}×${height}×${nf} cannot be decoded`, {
      offset: seg,
    });
  const raw: { id: number; h: number; v: number }[] = [];
  for (let i = 0; i < nf; i++) {
    const o = seg + 6 + 3 * i;
    const h = b[o + 1]! >> 4;
    const v = b[o + 1]! & 15;
    if (h < 1 || h > 4 || v < 1 || v > 4)
      throw new DicomError('INVALID_VALUE', `JPEG sampling factors ${h}×${v} (1–4 allowed)`, { offset: o });
    raw.push({ id: b[o]!, h, v });
  }
  const hmax = Math.max(...raw.map((c) => c.h));
  const vmax = Math.max(...raw.map((c) => c.v));
  const mcusX = Math.ceil(width / hmax);
  const mcusY = Math.ceil(height / vmax);
  const max = options.maxSamples ?? 2 ** 28;
  const total = raw.reduce((n, c) => n + mcusX * c.h * mcusY * c.v, 0);
  if (total > max)
    throw new DicomError(
      'VALUE_TOO_LONG',
      `a JPEG frame of ${width}×${height}×${nf} exceeds the limit of ${max} samples`,
      {
        offset: seg,
      },
    );
  // Every coded sample takes at least one bit (a Huffman code is 1–16 bits long): a stream too short for its frame
  // is refused before the frame is allocated.
  const coded = raw.reduce(
    (n, c) => n + Math.ceil((width * c.h) / hmax) * Math.ceil((height * c.v) / vmax),
    0,
  );
  if (coded > 8 * (b.length - end) + MAX_INVENTED_BITS)
    throw new DicomError(
      'TRUNCATED',
      `a lossless JPEG of ${b.length} bytes cannot hold a ${width}×${height}×${nf} frame`,
      { offset: seg },
    );
  // Without subsampling (every DICOM frame) the components share one array, interleaved as DICOM wants them.
  const shared = hmax === 1 && vmax === 1 ? new Uint16Array(width * height * nf) : undefined;
  const components = raw.map((c, k) => ({
    ...c,
    width: Math.ceil((width * c.h) / hmax),
    height: Math.ceil((height * c.v) / vmax),
    samples: shared ?? new Uint16Array(mcusX * c.h * mcusY * c.v),
    offset: shared ? k : 0,
    stride: shared ? width * nf : mcusX * c.h,
    step: shared ? nf : 1,
  }));
  return { width, height, precision, pointTransform: 0, predictor: 1, components };
}

/** SOS (B.2.3): the scan's components and tables, Ss = predictor, Al = point transform. */
function readScanHeader(
  b: Uint8Array,
  seg: number,
  end: number,
  frame: DecodedLosslessJpeg,
  dc: (HuffmanTable | undefined)[],
): { scan: ScanComponent[]; predictor: number; pt: number } {
  const ns = b[seg]!;
  if (ns < 1 || ns > 4 || seg + 1 + 2 * ns + 3 > end)
    throw new DicomError('INVALID_VALUE', `a JPEG scan header with ${ns} components`, { offset: seg });
  const scan: ScanComponent[] = [];
  for (let i = 0; i < ns; i++) {
    const id = b[seg + 1 + 2 * i]!;
    const c = frame.components.find((x) => x.id === id);
    if (!c)
      throw new DicomError('INVALID_VALUE', `a JPEG scan names component ${id}, not in the frame`, {
        offset: seg,
      });
    const td = b[seg + 2 + 2 * i]! >> 4;
    const table = dc[td];
    if (!table)
      throw new DicomError('INVALID_VALUE', `a JPEG scan uses Huffman table ${td}, which is not defined`, {
        offset: seg,
      });
    let lookup = lookups.get(table);
    if (!lookup) lookups.set(table, (lookup = differenceLookup(table)));
    scan.push({ c, table, lookup });
  }
  const predictor = b[seg + 1 + 2 * ns]!;
  const pt = b[seg + 3 + 2 * ns]! & 15;
  if (predictor > 7)
    throw new DicomError('INVALID_VALUE', `a lossless JPEG predictor (selection value) of ${predictor}`, {
      offset: seg,
    });
  if (pt >= frame.precision)
    throw new DicomError(
      'INVALID_VALUE',
      `a point transform of ${pt} bits for ${frame.precision}-bit samples`,
      {
        offset: seg,
      },
    );
  return { scan, predictor, pt };
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

/** The bit reader with the lossless difference decoding of H.2.2. */
class DifferenceReader extends BitReader {
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
function decodeScan(
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
