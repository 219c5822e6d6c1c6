/**
 * The JPEG lossless frame codec (PS3.5 §8.2.1, §A.4.1): JPEG Lossless (1.2.840.10008.1.2.4.57, any predictor) and
 * JPEG Lossless SV1 (1.2.840.10008.1.2.4.70, predictor 1), both written in TypeScript (jpeg-lossless.ts decodes,
 * jpeg-lossless-encode.ts encodes).
 */
import { DicomError } from '@dicomkit/core';
import type { DecodedFrame, EncodedFrame } from './codec.js';
import { decodeJpegLossless } from './jpeg-lossless.js';
import { encodeJpegLossless } from './jpeg-lossless-encode.js';
import type { PixelDescription } from '../frames/description.js';
import { allocatePixels, pixelArrayKind, type PixelArray } from '../frames/pixel-array.js';

/**
 * Decodes one lossless JPEG frame to the typed array its description calls for: samples interleaved, the point
 * transform undone, and the coded bit patterns kept as they are (signed data is stored two's complement, the frame
 * code reads the stored bits, PS3.5 §8.1.1).
 */
export function decodeLosslessFrame(frame: Uint8Array, d: PixelDescription): DecodedFrame {
  const j = decodeJpegLossless(frame, { lines: d.rows });
  const n = j.components.length;
  if (j.width !== d.columns || j.height !== d.rows || n !== d.samplesPerPixel)
    throw new DicomError(
      'INVALID_VALUE',
      `the JPEG holds ${j.width}×${j.height}×${n}; the dataset says ${d.columns}×${d.rows}×${d.samplesPerPixel}`,
      { tagPath: 'PixelData' },
    );
  for (const c of j.components)
    if (c.width !== j.width || c.height !== j.height)
      throw new DicomError(
        'INVALID_VALUE',
        `a lossless JPEG component is subsampled (${c.h}×${c.v}); DICOM frames are not`,
        { tagPath: 'PixelData' },
      );
  const count = d.rows * d.columns * n;
  const out = allocatePixels(pixelArrayKind(d), count);
  // Write the bit patterns through an unsigned view of the same bytes.
  const view: PixelArray =
    out.BYTES_PER_ELEMENT === 1
      ? new Uint8Array(out.buffer, out.byteOffset, count)
      : out.BYTES_PER_ELEMENT === 2
        ? new Uint16Array(out.buffer, out.byteOffset, count)
        : new Uint32Array(out.buffer, out.byteOffset, count);
  const pt = j.pointTransform;
  const mask = out.BYTES_PER_ELEMENT === 1 ? 0xff : 0xffff;
  const first = j.components[0]!;
  if (first.step === n && first.samples.length === count) {
    // The decoder's interleaved array is the frame: copy (or shift) it in one pass.
    const s = first.samples;
    if (pt === 0) view.set(s);
    else for (let i = 0; i < count; i++) view[i] = (s[i]! << pt) & mask;
    return { pixels: out };
  }
  const w = j.width;
  for (let k = 0; k < n; k++) {
    const c = j.components[k]!;
    const s = c.samples;
    for (let y = 0; y < j.height; y++) {
      const src = c.offset + y * c.stride;
      let o = y * w * n + k;
      for (let x = 0; x < w; x++, o += n) view[o] = (s[src + x * c.step]! << pt) & mask;
    }
  }
  return { pixels: out };
}

/** What the lossless JPEG encoder takes: 1, 3 or 4 samples of 8 or 16 bits allocated, 2–16 bits stored. */
export function canEncodeLossless(d: PixelDescription): boolean {
  return (
    !d.float &&
    (d.bitsAllocated === 8 || d.bitsAllocated === 16) &&
    d.bitsStored <= 16 &&
    [1, 3, 4].includes(d.samplesPerPixel)
  );
}

/**
 * Encodes one frame (samples interleaved, stored values in bits 0..BitsStored−1) as a lossless JPEG of precision
 * max(2, Bits Stored) with the given predictor. Signed samples are coded as their two's complement bit pattern in
 * Bits Stored bits, as dcmtk (dcmcjpeg +e14) and GDCM do, so that every decoder gives the stored bits back.
 */
export function encodeLosslessFrame(
  pixels: PixelArray,
  d: PixelDescription,
  predictor: number,
): EncodedFrame {
  if (!canEncodeLossless(d))
    throw new DicomError(
      'UNSUPPORTED_TRANSFER_SYNTAX',
      `JPEG lossless cannot encode ${d.samplesPerPixel} sample(s) of ${d.bitsAllocated} bits (${d.bitsStored} stored)`,
    );
  const precision = Math.max(2, d.bitsStored);
  let samples: ArrayLike<number> = pixels;
  if (d.pixelRepresentation === 1) {
    const mask = 2 ** precision - 1;
    const u = new Uint16Array(pixels.length);
    for (let i = 0; i < pixels.length; i++) u[i] = pixels[i]! & mask;
    samples = u;
  }
  const bytes = encodeJpegLossless(samples, {
    width: d.columns,
    height: d.rows,
    components: d.samplesPerPixel,
    precision,
    predictor,
  });
  return { bytes };
}
