/**
 * Frames of native (not encapsulated) pixel data (PS3.5 §8.1.1, §8.2): frame N is a contiguous run of bits
 * at N × frame size. Only that run is read from the source, so frame 900 of a 2 GB file costs one frame.
 * Handles 1-bit packed data (PS3.5 §8.1.1: bits fill each byte from the least significant bit; frames need not
 * start on a byte boundary), big endian OW/OF/OD and odd lengths.
 */
import { DicomError, readBulk, type DicomElement } from '@dicomkit/core';
import { frameBits, samplesPerFrame, type PixelDescription } from './description.js';
import {
  allocatePixels,
  interleave,
  pixelArrayKind,
  pixelsFromBytes,
  swapUnits,
  type PixelArray,
} from './pixel-array.js';

/** Bytes [offset, offset + length) of an element's value, read from its source when left there. */
export function valueRange(el: DicomElement, offset: number, length: number): Uint8Array {
  const total = valueLength(el);
  if (offset + length > total) {
    throw new DicomError(
      'TRUNCATED',
      `pixel data holds ${total} bytes; the frame needs bytes ${offset}..${offset + length}`,
      { tagPath: 'PixelData' },
    );
  }
  if (el.raw) return el.raw.subarray(offset, offset + length);
  if (el.bulk) return readBulk({ source: el.bulk.source, offset: el.bulk.offset + offset, length });
  if (el.decoded instanceof Uint8Array) return el.decoded.subarray(offset, offset + length);
  throw new DicomError('INVALID_VALUE', 'the pixel data element has no value', { tagPath: 'PixelData' });
}

/** Length of an element's value in bytes, whether read (raw), left in the source (bulk) or set by a caller. */
export function valueLength(el: DicomElement): number {
  if (el.raw) return el.raw.length;
  if (el.bulk) return el.bulk.length;
  return el.decoded instanceof Uint8Array ? el.decoded.length : 0;
}

/** Whether the element's bytes are in big endian order (read from an Explicit VR Big Endian dataset). */
function isBigEndian(el: DicomElement): boolean {
  return !el.littleEndian && (el.raw !== undefined || el.bulk !== undefined);
}

/** Unpacks `count` 1-bit pixels starting at bit `bitOffset` of `bytes` into one byte each (0 or 1). */
export function unpackBits(bytes: Uint8Array, bitOffset: number, count: number): Uint8Array {
  const out = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const bit = bitOffset + i;
    out[i] = (bytes[bit >>> 3]! >>> (bit & 7)) & 1;
  }
  return out;
}

/** Packs one-byte 0/1 pixels into bits, least significant bit first (PS3.5 §8.1.1). */
export function packBits(pixels: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(Math.ceil(pixels.length / 8));
  for (let i = 0; i < pixels.length; i++) if (pixels[i]) out[i >>> 3]! |= 1 << (i & 7);
  return out;
}

/**
 * Frame `index` (0-based) of native pixel data as a typed array, colour samples interleaved (planar
 * configuration 1 is converted). `el` is the Pixel Data, Float Pixel Data or Double Float Pixel Data element.
 */
export function nativeFrame(el: DicomElement, d: PixelDescription, index: number): PixelArray {
  if (!Number.isInteger(index) || index < 0 || index >= d.numberOfFrames) {
    throw new DicomError('INVALID_VALUE', `frame ${index + 1} is out of range (1..${d.numberOfFrames})`);
  }
  const bits = frameBits(d);
  const startBit = index * bits;
  const first = Math.floor(startBit / 8);
  const bytes = valueRange(el, first, Math.ceil((startBit + bits) / 8) - first);
  return nativeFrameFromBytes(bytes, d, isBigEndian(el), startBit - first * 8);
}

/**
 * One frame's native bytes (as in Pixel Data, or as a codec such as Deflated Image Frame Compression restores
 * them) to a typed array, samples interleaved. `bitOffset` is where a 1-bit frame starts in its first byte.
 */
export function nativeFrameFromBytes(
  bytes: Uint8Array,
  d: PixelDescription,
  bigEndian = false,
  bitOffset = 0,
): PixelArray {
  const count = samplesPerFrame(d);
  const need = Math.ceil((frameBits(d) + bitOffset) / 8);
  if (bytes.length < need)
    throw new DicomError('TRUNCATED', `a frame needs ${need} bytes; ${bytes.length} are present`, {
      tagPath: 'PixelData',
    });
  if (d.photometricInterpretation === 'YBR_FULL_422' || d.photometricInterpretation === 'YBR_PARTIAL_422')
    return expand422(bytes, d);
  if (d.bitsAllocated === 1) return unpackBits(bytes, bitOffset, count);
  const size = d.bitsAllocated / 8;
  let b = bytes.subarray(0, count * size);
  const kind = pixelArrayKind(d);
  if (bigEndian && size > 1) b = swapUnits(b, size);
  const pixels = pixelsFromBytes(kind, b, true);
  if (d.samplesPerPixel > 1 && d.planarConfiguration === 1)
    return interleave(pixels, d.samplesPerPixel, d.rows * d.columns, allocatePixels(kind, count));
  return pixels;
}

/**
 * YBR_FULL_422 / YBR_PARTIAL_422 native data (PS3.3 §C.7.6.3.1.2): Y1 Y2 Cb Cr for each pair of pixels in a row.
 * Expanded to three samples per pixel (chroma repeated for both pixels of a pair).
 */
function expand422(src: Uint8Array, d: PixelDescription): PixelArray {
  if (d.samplesPerPixel !== 3 || d.bitsAllocated !== 8)
    throw new DicomError('INVALID_VALUE', `${d.photometricInterpretation} needs 3 samples of 8 bits`);
  const pairs = Math.ceil(d.columns / 2);
  const out = new Uint8Array(d.rows * d.columns * 3);
  let s = 0;
  for (let r = 0; r < d.rows; r++) {
    for (let p = 0; p < pairs; p++, s += 4) {
      const cb = src[s + 2]!;
      const cr = src[s + 3]!;
      for (let k = 0; k < 2; k++) {
        const c = p * 2 + k;
        if (c >= d.columns) break;
        const o = (r * d.columns + c) * 3;
        out[o] = src[s + k]!;
        out[o + 1] = cb;
        out[o + 2] = cr;
      }
    }
  }
  return out;
}

/** Number of whole frames the native pixel data holds (fewer than Number of Frames when truncated). */
export function nativeFramesPresent(el: DicomElement, d: PixelDescription): number {
  const bits = frameBits(d);
  return Math.floor((valueLength(el) * 8) / bits);
}
