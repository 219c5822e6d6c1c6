/**
 * The JPEG family (1.2.840.10008.1.2.4.50/.51/.57/.70): the codestream's SOF marker, not the transfer syntax,
 * decides the decoder (files labelled Baseline sometimes hold lossless streams and the reverse):
 * SOF3 (lossless, ISO 10918-1 Annex H) → the TypeScript lossless decoder (jpeg-lossless.ts); 8-bit DCT → libjpeg-turbo (WASM);
 * 12-bit DCT (Process 4) → the TypeScript sequential DCT decoder (jpeg-dct.ts).
 */
import { DicomError } from '@dicomkit/core';
import type { FrameCodec } from './codec.js';
import { readJpegHeader } from './jpeg-markers.js';
import { canEncodeLossless, decodeLosslessFrame, encodeLosslessFrame } from './jpeg-lossless-codec.js';
import { libjpegTurboCodec } from './wasm/libjpeg-turbo.js';
import { allocatePixels, pixelArrayKind } from '../frames/pixel-array.js';
import { loadOnce } from './wasm/load-once.js';
import { decodeJpegDct } from './jpeg-dct.js';

/** The JPEG family decoder (no encoder: JPEG lossless and 12-bit encoding are not available). */
export const jpegAnyCodec = loadOnce('JPEG', async () => {
  const c: FrameCodec = {
    name: 'JPEG (libjpeg-turbo WASM / TypeScript lossless and 12-bit)',
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
        return decodeLosslessFrame(frame, d);
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

/**
 * JPEG Lossless (1.2.840.10008.1.2.4.57, `sv1` false: any predictor, options.predictor, default 1) and JPEG Lossless
 * SV1 (1.2.840.10008.1.2.4.70, `sv1` true: predictor 1 only): decoded as any JPEG, encoded in TypeScript.
 */
function jpegLosslessCodec(sv1: boolean) {
  return loadOnce(sv1 ? 'JPEG Lossless SV1' : 'JPEG Lossless', async () => {
    const jpeg = await jpegAnyCodec();
    const c: FrameCodec = {
      name: sv1 ? 'JPEG Lossless SV1 (TypeScript)' : 'JPEG Lossless (TypeScript)',
      decode: jpeg.decode,
      encode(pixels, d, options) {
        const predictor = options.predictor ?? 1;
        if (sv1 && predictor !== 1)
          throw new DicomError(
            'INVALID_VALUE',
            `JPEG Lossless SV1 uses predictor 1; predictor ${predictor} needs JPEG Lossless (1.2.840.10008.1.2.4.57)`,
          );
        return encodeLosslessFrame(pixels, d, predictor);
      },
      canEncode: canEncodeLossless,
    };
    return c;
  });
}

export const jpegLosslessP14Codec = jpegLosslessCodec(false);
export const jpegLosslessSV1Codec = jpegLosslessCodec(true);
