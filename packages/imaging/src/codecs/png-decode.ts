/**
 * A minimal PNG reader (ISO/IEC 15948): 8- and 16-bit grey, grey+alpha, RGB and RGBA, non-interlaced, all five
 * filter types. Used to take pixels out of decoders whose only output is PNG (jxl-oxide).
 */
import { DicomError } from '@dicomkit/core';
import { inflateZlib } from './zlib.js';

export interface PngImage {
  width: number;
  height: number;
  /** Samples per pixel in the file: 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA. */
  channels: number;
  bitDepth: 8 | 16;
  /** Samples, interleaved; 16-bit samples as numbers (PNG stores them big endian). */
  data: Uint8Array | Uint16Array;
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };

export async function decodePng(b: Uint8Array): Promise<PngImage> {
  const bad = (m: string): never => {
    throw new DicomError('INVALID_VALUE', `PNG: ${m}`);
  };
  if (b.length < 33 || b[1] !== 0x50 || b[2] !== 0x4e || b[3] !== 0x47) bad('no signature');
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const width = v.getUint32(16);
  const height = v.getUint32(20);
  const depth = b[24]!;
  const channels = CHANNELS[b[25]!] ?? bad(`colour type ${b[25]} is not supported`);
  if (depth !== 8 && depth !== 16) bad(`bit depth ${depth} is not supported`);
  const bitDepth: 8 | 16 = depth === 16 ? 16 : 8;
  if (b[28] !== 0) bad('interlaced images are not supported');
  const parts: Uint8Array[] = [];
  for (let p = 8; p + 8 <= b.length;) {
    const len = v.getUint32(p);
    const type = String.fromCharCode(b[p + 4]!, b[p + 5]!, b[p + 6]!, b[p + 7]!);
    if (type === 'IDAT') parts.push(b.subarray(p + 8, p + 8 + len));
    if (type === 'IEND') break;
    p += 12 + len;
  }
  const idat = new Uint8Array(parts.reduce((n, x) => n + x.length, 0));
  let o = 0;
  for (const x of parts) {
    idat.set(x, o);
    o += x.length;
  }
  const bpp = (channels * bitDepth) / 8;
  const stride = width * bpp;
  const raw = await inflateZlib(idat, (stride + 1) * height);
  if (raw.length < (stride + 1) * height) bad('image data is truncated');
  const out = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)]!;
    const src = y * (stride + 1) + 1;
    const row = y * stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? out[row + x - bpp]! : 0;
      const up = y > 0 ? out[row - stride + x]! : 0;
      const c = x >= bpp && y > 0 ? out[row - stride + x - bpp]! : 0;
      let pred = 0;
      if (f === 1) pred = a;
      else if (f === 2) pred = up;
      else if (f === 3) pred = (a + up) >> 1;
      else if (f === 4) {
        const p = a + up - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - up);
        const pc = Math.abs(p - c);
        pred = pa <= pb && pa <= pc ? a : pb <= pc ? up : c;
      } else if (f !== 0) bad(`filter type ${f}`);
      out[row + x] = (raw[src + x]! + pred) & 0xff;
    }
  }
  if (bitDepth === 8) return { width, height, channels, bitDepth, data: out };
  const data = new Uint16Array(width * height * channels);
  for (let i = 0; i < data.length; i++) data[i] = (out[2 * i]! << 8) | out[2 * i + 1]!;
  return { width, height, channels, bitDepth, data };
}
