/**
 * Encapsulated Uncompressed Explicit VR Little Endian (1.2.840.10008.1.2.1.98, PS3.5 §A.4.11): each frame is
 * its native bytes in a fragment of its own.
 */
import type { FrameCodec } from './codec.js';
import { nativeFrameFromBytes } from '../frames/native.js';
import { pixelBytes } from '../frames/pixel-array.js';
import { packBits } from '../frames/native.js';
import { deinterleave, allocatePixels, pixelArrayKind } from '../frames/pixel-array.js';
import type { PixelArray } from '../frames/pixel-array.js';
import type { PixelDescription } from '../frames/description.js';

/** A frame's native bytes (PS3.5 §8.1.1) in the description's planar configuration, little endian. */
export function nativeBytesOf(pixels: PixelArray, d: PixelDescription): Uint8Array {
  if (d.bitsAllocated === 1) return packBits(pixels);
  let p = pixels;
  if (d.samplesPerPixel > 1 && d.planarConfiguration === 1)
    p = deinterleave(
      pixels,
      d.samplesPerPixel,
      d.rows * d.columns,
      allocatePixels(pixelArrayKind(d), pixels.length),
    );
  return pixelBytes(p);
}

export const uncompressedCodec: FrameCodec = {
  name: 'Encapsulated uncompressed',
  decode: (frame, d) => ({ pixels: nativeFrameFromBytes(frame, d) }),
  encode: (pixels, d) => ({ bytes: nativeBytesOf(pixels, d).slice() }),
  canEncode: () => true,
};
