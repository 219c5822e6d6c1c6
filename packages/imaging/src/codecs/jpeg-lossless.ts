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
 *   sent are DicomErrors, never a hang. The frame is allocated only when its header is under the sample limit and
 *   the stream is long enough to hold it (every sample takes at least one bit).
 *
 * This file reads the markers (Annex B); jpeg-lossless-scan.ts decodes the entropy-coded data of each scan.
 */
import { DicomError } from '@dicomkit/core';
import { readDht, type HuffmanTable } from './jpeg-huffman.js';
import {
  decodeScan,
  DifferenceReader,
  MAX_INVENTED_BITS,
  scanLookup,
  type ScanComponent,
} from './jpeg-lossless-scan.js';

export { MAX_INVENTED_BITS };

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
    scan.push({ c, table, lookup: scanLookup(table) });
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
