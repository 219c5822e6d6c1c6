/**
 * The JPEG family (1.2.840.10008.1.2.4.50/.51/.57/.70): the codestream's SOF marker, not the transfer syntax,
 * decides the decoder (files labelled Baseline sometimes hold lossless streams and the reverse):
 * SOF3 (lossless, ISO 10918-1 Annex H) → jpeg-lossless-decoder-js; 8-bit DCT → libjpeg-turbo (WASM);
 * 12-bit DCT (Process 4) → the TypeScript sequential DCT decoder (jpeg-dct.ts).
 */
import { DicomError } from '@dicomkit/core';
import type { FrameCodec } from './codec.js';
import { readJpegHeader, jpegPointTransform } from './jpeg-markers.js';
import { libjpegTurboCodec } from './wasm/libjpeg-turbo.js';
import {
  copyBytes,
  allocatePixels,
  pixelArrayKind,
  pixelsFromBytes,
  type PixelArray,
} from '../frames/pixel-array.js';
import type { PixelDescription } from '../frames/description.js';
import { loadOnce } from './wasm/load-once.js';
import { decodeJpegDct } from './jpeg-dct.js';

async function decodeLossless(frame: Uint8Array, d: PixelDescription): Promise<PixelArray> {
  const { Decoder } = await import('jpeg-lossless-decoder-js');
  const h = readJpegHeader(frame)!;
  const bytesPerSample = h.precision > 8 ? 2 : 1;
  const copy = copyBytes(frame);
  const out = new Decoder().decode(copy.buffer as ArrayBuffer, 0, copy.length, bytesPerSample);
  const bytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  const count = d.rows * d.columns * d.samplesPerPixel;
  if (bytes.length < count * bytesPerSample)
    throw new DicomError(
      'TRUNCATED',
      `the lossless JPEG decoded to ${bytes.length} bytes; ${count * bytesPerSample} are needed`,
    );
  fixPointTransform(bytes, bytesPerSample, h.precision, jpegPointTransform(frame));
  const kind = pixelArrayKind(d);
  const want = d.bitsAllocated <= 8 ? 1 : d.bitsAllocated <= 16 ? 2 : 4;
  if (want === bytesPerSample) return pixelsFromBytes(kind, bytes.subarray(0, count * bytesPerSample), true);
  const src = pixelsFromBytes(
    bytesPerSample === 1 ? 'uint8' : 'uint16',
    bytes.subarray(0, count * bytesPerSample),
    true,
  );
  const dst = allocatePixels(kind, count);
  for (let i = 0; i < count; i++) dst[i] = src[i]!;
  return dst;
}

/**
 * jpeg-lossless-decoder-js ignores the point transform Al (ISO 10918-1 H.1.2.1): it starts prediction at
 * 2^(P-1) instead of 2^(P-Al-1) and does not shift the result left by Al. Predictors 1–7 carry a constant offset
 * through unchanged (their weights sum to one; the offset is even), so subtracting it modulo 2^16 and shifting
 * gives the standard's values (checked against GDCM on GH1376.dcm, Al = 2).
 */
function fixPointTransform(bytes: Uint8Array, bytesPerSample: number, precision: number, al: number): void {
  if (al === 0) return;
  const offset = 2 ** (precision - 1) - 2 ** (precision - al - 1);
  if (bytesPerSample === 2) {
    for (let i = 0; i + 1 < bytes.length; i += 2) {
      const v = ((((bytes[i]! | (bytes[i + 1]! << 8)) - offset) & 0xffff) << al) & 0xffff;
      bytes[i] = v & 0xff;
      bytes[i + 1] = v >>> 8;
    }
  } else {
    for (let i = 0; i < bytes.length; i++) bytes[i] = (((bytes[i]! - offset) & 0xff) << al) & 0xff;
  }
}

/** The JPEG family decoder (no encoder: JPEG lossless and 12-bit encoding are not available). */
export const jpegAnyCodec = loadOnce('JPEG', async () => {
  const c: FrameCodec = {
    name: 'JPEG (libjpeg-turbo WASM / jpeg-lossless-decoder-js)',
    async decode(frame, d) {
      const h = readJpegHeader(frame);
      if (!h)
        throw new DicomError('INVALID_VALUE', 'the frame is not a JPEG codestream (no SOI/SOF marker)', {
          tagPath: 'PixelData',
        });
      if (h.rows !== d.rows || h.columns !== d.columns || h.components !== d.samplesPerPixel) {
        if (!(h.rows === 0 && h.columns === d.columns)) {
          throw new DicomError(
            'INVALID_VALUE',
            `the JPEG holds ${h.columns}×${h.rows}×${h.components}; the dataset says ${d.columns}×${d.rows}×${d.samplesPerPixel}`,
            { tagPath: 'PixelData' },
          );
        }
      }
      if (h.process === 3 || h.process === 7 || h.process === 11 || h.process === 15)
        return { pixels: await decodeLossless(frame, d) };
      if (h.precision > 8) {
        // 12-bit DCT (Process 4): the TypeScript decoder.
        const j = decodeJpegDct(frame);
        const count = d.rows * d.columns * d.samplesPerPixel;
        if (j.data.length !== count)
          throw new DicomError(
            'INVALID_VALUE',
            `the JPEG decodes to ${j.data.length} samples; the dataset needs ${count}`,
            { tagPath: 'PixelData' },
          );
        const out = allocatePixels(pixelArrayKind(d), count);
        out.set(j.data);
        return { pixels: out };
      }
      return (await libjpegTurboCodec()).decode(frame, d);
    },
  };
  return c;
});

/** JPEG Baseline (1.2.840.10008.1.2.4.50): decoded as any JPEG, encoded by libjpeg-turbo (8-bit, 1 or 3 samples). */
export const jpegBaselineCodec = loadOnce('JPEG Baseline', async () => {
  const jpeg = await jpegAnyCodec();
  const turbo = await libjpegTurboCodec();
  const c: FrameCodec = {
    name: 'JPEG Baseline (libjpeg-turbo WASM)',
    decode: jpeg.decode,
    encode: turbo.encode!,
    canEncode: turbo.canEncode!,
  };
  return c;
});
