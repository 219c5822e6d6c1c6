/**
 * A sequential DCT JPEG decoder in TypeScript (ISO 10918-1 Annex F, Huffman coding, 8- and 12-bit precision:
 * Processes 1, 2 and 4), for what the libjpeg-turbo WASM build cannot do: 12-bit JPEG Extended
 * (1.2.840.10008.1.2.4.51). Progressive and arithmetic-coded streams are refused.
 *
 * Structure (Annex B): markers DQT, DHT, SOF0/SOF1, DRI, SOS; entropy-coded segments with byte stuffing and RSTn;
 * per block: DC difference (F.2.2.1), AC run/size codes (F.2.2.2), dequantisation, de-zigzag, the inverse DCT (A.3.3,
 * computed separably in floating point), level shift and clamping. Chroma is upsampled by replication.
 */
import { DicomError } from '@dicomkit/core';
import { BitReader, readDht, type HuffmanTable } from './jpeg-huffman.js';

const ZIGZAG = new Uint8Array([
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7,
  14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46,
  53, 60, 61, 54, 47, 55, 62, 63,
]);

/** cos((2x+1)uπ/16) × C(u)/2, the separable inverse DCT basis (A.3.3). */
const IDCT = (() => {
  const t = new Float64Array(64);
  for (let x = 0; x < 8; x++)
    for (let u = 0; u < 8; u++)
      t[x * 8 + u] = ((u === 0 ? Math.SQRT1_2 : 1) * Math.cos(((2 * x + 1) * u * Math.PI) / 16)) / 2;
  return t;
})();

interface Component {
  id: number;
  h: number;
  v: number;
  tq: number;
  td: number;
  ta: number;
  blocksPerLine: number;
  blocksPerColumn: number;
  /** Dequantised, inverse-transformed samples of the component (blocksPerLine × 8 wide). */
  samples: Float32Array;
  pred: number;
}

const extend = (v: number, t: number): number => (t === 0 ? 0 : v < 1 << (t - 1) ? v - (1 << t) + 1 : v);

export interface DecodedJpeg {
  width: number;
  height: number;
  components: number;
  precision: number;
  /** Samples interleaved, one per component per pixel. */
  data: Uint16Array;
  /** Component identifiers, for the colour decision. */
  componentIds: number[];
  adobeTransform: number | undefined;
  jfif: boolean;
}

/** Decodes a sequential Huffman DCT JPEG (SOF0/SOF1), 8 or 12 bits. */
export function decodeJpegDct(b: Uint8Array, maxPixels = 1 << 28): DecodedJpeg {
  if (b[0] !== 0xff || b[1] !== 0xd8) throw new DicomError('INVALID_VALUE', 'not a JPEG stream (no SOI)');
  const qt: Int32Array[] = [];
  const dc: (HuffmanTable | undefined)[] = [];
  const ac: (HuffmanTable | undefined)[] = [];
  let components: Component[] = [];
  let width = 0;
  let height = 0;
  let precision = 8;
  let hmax = 1;
  let vmax = 1;
  let restartInterval = 0;
  let jfif = false;
  let adobeTransform: number | undefined;
  let frameSeen = false;
  let pos = 2;
  const u16 = (o: number) => ((b[o] ?? 0) << 8) | (b[o + 1] ?? 0);
  for (;;) {
    if (pos + 4 > b.length) break;
    if (b[pos] !== 0xff) {
      pos++;
      continue;
    }
    const m = b[pos + 1]!;
    if (m === 0xff) {
      pos++;
      continue;
    }
    if (m === 0xd9) break;
    const len = u16(pos + 2);
    const seg = pos + 4;
    const end = pos + 2 + len;
    if (end > b.length)
      throw new DicomError(
        'TRUNCATED',
        `a JPEG marker segment (FF${m.toString(16).toUpperCase()}) runs past the end of the stream`,
      );
    switch (m) {
      case 0xdb: {
        for (let p = seg; p < end;) {
          const pq = b[p]! >> 4;
          const tq = b[p]! & 15;
          const t = new Int32Array(64);
          p++;
          for (let k = 0; k < 64; k++) {
            t[ZIGZAG[k]!] = pq ? u16(p + 2 * k) : b[p + k]!;
          }
          p += pq ? 128 : 64;
          qt[tq] = t;
        }
        break;
      }
      case 0xc4:
        readDht(b, seg, end, dc, ac);
        break;
      case 0xc0:
      case 0xc1: {
        precision = b[seg]!;
        height = u16(seg + 1);
        width = u16(seg + 3);
        const nf = b[seg + 5]!;
        if (!width || !height || nf < 1 || nf > 4)
          throw new DicomError('INVALID_VALUE', `a JPEG frame of ${width}×${height}×${nf} cannot be decoded`);
        if (width * height * nf > maxPixels)
          throw new DicomError(
            'VALUE_TOO_LONG',
            `a JPEG frame of ${width}×${height}×${nf} exceeds the limit`,
          );
        components = [];
        for (let i = 0; i < nf; i++) {
          const o = seg + 6 + 3 * i;
          const h = b[o + 1]! >> 4 || 1;
          const v = b[o + 1]! & 15 || 1;
          components.push({
            id: b[o]!,
            h,
            v,
            tq: b[o + 2]!,
            td: 0,
            ta: 0,
            blocksPerLine: 0,
            blocksPerColumn: 0,
            samples: new Float32Array(0),
            pred: 0,
          });
        }
        hmax = Math.max(...components.map((c) => c.h));
        vmax = Math.max(...components.map((c) => c.v));
        const mcusX = Math.ceil(width / (8 * hmax));
        const mcusY = Math.ceil(height / (8 * vmax));
        for (const c of components) {
          c.blocksPerLine = mcusX * c.h;
          c.blocksPerColumn = mcusY * c.v;
          c.samples = new Float32Array(c.blocksPerLine * c.blocksPerColumn * 64);
        }
        frameSeen = true;
        break;
      }
      case 0xc2:
      case 0xc3:
      case 0xc5:
      case 0xc6:
      case 0xc7:
      case 0xc9:
      case 0xca:
      case 0xcb:
      case 0xcd:
      case 0xce:
      case 0xcf:
        throw new DicomError(
          'UNSUPPORTED_TRANSFER_SYNTAX',
          `JPEG process SOF${m - 0xc0} is not supported by the TypeScript DCT decoder`,
        );
      case 0xdd:
        restartInterval = u16(seg);
        break;
      case 0xe0:
        if (b[seg] === 0x4a && b[seg + 1] === 0x46 && b[seg + 2] === 0x49 && b[seg + 3] === 0x46) jfif = true;
        break;
      case 0xee:
        if (
          b[seg] === 0x41 &&
          b[seg + 1] === 0x64 &&
          b[seg + 2] === 0x6f &&
          b[seg + 3] === 0x62 &&
          b[seg + 4] === 0x65
        )
          adobeTransform = b[seg + 11];
        break;
      case 0xda: {
        if (!frameSeen) throw new DicomError('INVALID_VALUE', 'a JPEG scan before its frame header');
        const ns = b[seg]!;
        const scan: Component[] = [];
        for (let i = 0; i < ns; i++) {
          const c = components.find((x) => x.id === b[seg + 1 + 2 * i]);
          if (!c) throw new DicomError('INVALID_VALUE', 'a JPEG scan names an unknown component');
          c.td = b[seg + 2 + 2 * i]! >> 4;
          c.ta = b[seg + 2 + 2 * i]! & 15;
          scan.push(c);
        }
        pos = decodeScan(b, end, scan, { width, height, hmax, vmax, restartInterval, qt, dc, ac });
        continue;
      }
      default:
        break;
    }
    pos = end;
  }
  if (!frameSeen) throw new DicomError('INVALID_VALUE', 'the JPEG stream has no frame header');
  // Level shift, clamp, upsample (replication) and interleave.
  const out = new Uint16Array(width * height * components.length);
  const shift = 1 << (precision - 1);
  const max = (1 << precision) - 1;
  components.forEach((c, ci) => {
    const sx = hmax / c.h;
    const sy = vmax / c.v;
    const stride = c.blocksPerLine * 8;
    for (let y = 0; y < height; y++) {
      const row = Math.floor(y / sy) * stride;
      for (let x = 0; x < width; x++) {
        const v = Math.round(c.samples[row + Math.floor(x / sx)]! + shift);
        out[(y * width + x) * components.length + ci] = v < 0 ? 0 : v > max ? max : v;
      }
    }
  });
  return {
    width,
    height,
    components: components.length,
    precision,
    data: out,
    componentIds: components.map((c) => c.id),
    adobeTransform,
    jfif,
  };
}

interface FrameState {
  width: number;
  height: number;
  hmax: number;
  vmax: number;
  restartInterval: number;
  qt: Int32Array[];
  dc: (HuffmanTable | undefined)[];
  ac: (HuffmanTable | undefined)[];
}

/** Decodes one scan; returns the position after its entropy-coded data. */
function decodeScan(b: Uint8Array, start: number, scan: Component[], f: FrameState): number {
  const reader = new BitReader(b, start);
  const block = new Float64Array(64);
  const tmp = new Float64Array(64);
  for (const c of scan) {
    c.pred = 0;
    if (!f.dc[c.td] || !f.ac[c.ta] || !f.qt[c.tq])
      throw new DicomError('INVALID_VALUE', 'a JPEG scan refers to a missing Huffman or quantisation table');
  }
  const huffman = (h: HuffmanTable): number => {
    const v = reader.decode(h);
    if (v < 0)
      throw new DicomError('INVALID_VALUE', 'a Huffman code in the JPEG data is not in its table', {
        offset: reader.pos,
      });
    return v;
  };
  const decodeBlock = (c: Component, row: number, col: number) => {
    block.fill(0);
    const q = f.qt[c.tq]!;
    const t = huffman(f.dc[c.td]!);
    if (t > 16)
      throw new DicomError('INVALID_VALUE', `a JPEG DC difference category of ${t}`, { offset: reader.pos });
    c.pred += extend(reader.receive(t), t);
    block[0] = c.pred * q[0]!;
    for (let k = 1; k < 64;) {
      const rs = huffman(f.ac[c.ta]!);
      const s = rs & 15;
      const r = rs >> 4;
      if (s === 0) {
        if (r !== 15) break;
        k += 16;
        continue;
      }
      k += r;
      if (k > 63) break;
      const z = ZIGZAG[k]!;
      block[z] = extend(reader.receive(s), s) * q[z]!;
      k++;
    }
    // Separable inverse DCT: rows then columns.
    for (let y = 0; y < 8; y++) {
      for (let x = 0; x < 8; x++) {
        let s = 0;
        for (let u = 0; u < 8; u++) s += IDCT[x * 8 + u]! * block[y * 8 + u]!;
        tmp[y * 8 + x] = s;
      }
    }
    const stride = c.blocksPerLine * 8;
    const base = row * 8 * stride + col * 8;
    for (let x = 0; x < 8; x++) {
      for (let y = 0; y < 8; y++) {
        let s = 0;
        for (let v = 0; v < 8; v++) s += IDCT[y * 8 + v]! * tmp[v * 8 + x]!;
        c.samples[base + y * stride + x] = s;
      }
    }
  };
  const single = scan.length === 1;
  let total: number;
  let mcusX: number;
  if (single) {
    const c = scan[0]!;
    // A non-interleaved scan covers the component's own blocks only (A.2.2).
    mcusX = Math.ceil(Math.ceil((f.width * c.h) / f.hmax) / 8);
    total = mcusX * Math.ceil(Math.ceil((f.height * c.v) / f.vmax) / 8);
  } else {
    mcusX = Math.ceil(f.width / (8 * f.hmax));
    total = mcusX * Math.ceil(f.height / (8 * f.vmax));
  }
  for (let m = 0; m < total; m++) {
    if (f.restartInterval && m > 0 && m % f.restartInterval === 0) {
      reader.restart();
      for (const c of scan) c.pred = 0;
    }
    const my = Math.floor(m / mcusX);
    const mx = m % mcusX;
    if (single) decodeBlock(scan[0]!, my, mx);
    else
      for (const c of scan)
        for (let v = 0; v < c.v; v++)
          for (let h = 0; h < c.h; h++) decodeBlock(c, my * c.v + v, mx * c.h + h);
  }
  // Continue after the entropy-coded data: at the marker that ended it.
  return reader.markerPosition();
}
