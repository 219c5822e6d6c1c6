/**
 * RLE Lossless (1.2.840.10008.1.2.5) as a registered codec: the TypeScript decoder and encoder in rle.ts.
 */
import type { FrameCodec } from './codec.js';
import { decodeRle, encodeRle } from './rle.js';

export const rleCodec: FrameCodec = {
  name: 'RLE (TypeScript)',
  decode: (frame, d) => ({ pixels: decodeRle(frame, d) }),
  encode: (pixels, d) => ({ bytes: encodeRle(pixels, d) }),
  canEncode: (d) => !d.float && d.bitsAllocated >= 8 && d.samplesPerPixel * (d.bitsAllocated / 8) <= 15,
};
