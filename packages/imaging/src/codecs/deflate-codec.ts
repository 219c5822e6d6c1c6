/**
 * Deflated Image Frame Compression (1.2.840.10008.1.2.8.1, PS3.5 §8.2.16 and §A.4.13): each frame's native
 * bytes, deflated (RFC 1951) into its own fragment. Inflating is capped at the frame's declared size, so a
 * deflate bomb costs nothing.
 */
import { DicomError } from '@dicomkit/core';
import type { FrameCodec } from './codec.js';
import { inflateRaw, deflateRaw } from './zlib.js';
import { frameBits } from '../frames/description.js';
import { nativeFrameFromBytes } from '../frames/native.js';
import { nativeBytesOf } from './uncompressed-codec.js';

export const deflateCodec: FrameCodec = {
  name: 'Deflate (zlib)',
  async decode(frame, d) {
    const need = Math.ceil(frameBits(d) / 8);
    // One spare byte: frames are padded to even length (PS3.5 §8.2.16).
    const bytes = await inflateRaw(frame, need + 1);
    if (bytes.length < need)
      throw new DicomError('TRUNCATED', `the inflated frame has ${bytes.length} bytes; ${need} are needed`);
    return { pixels: nativeFrameFromBytes(bytes, d) };
  },
  async encode(pixels, d) {
    return { bytes: await deflateRaw(nativeBytesOf(pixels, d)) };
  },
  canEncode: () => true,
};
