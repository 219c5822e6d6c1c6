/**
 * Typed arrays for frames: the array type a pixel description calls for, and conversions from bytes.
 * Decoded frames are always little endian in memory (the platform order of every engine that runs us).
 */
import { DicomError } from '@dicomkit/core';
import type { PixelDescription } from './description.js';

export type PixelArray =
  Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float32Array | Float64Array;

export type PixelArrayKind =
  'uint8' | 'int8' | 'uint16' | 'int16' | 'uint32' | 'int32' | 'float32' | 'float64';

/** The array kind for a description: unsigned or signed by Pixel Representation, width by Bits Allocated. */
export function pixelArrayKind(
  d: Pick<PixelDescription, 'bitsAllocated' | 'pixelRepresentation' | 'float'>,
): PixelArrayKind {
  if (d.float) return d.bitsAllocated === 64 ? 'float64' : 'float32';
  const signed = d.pixelRepresentation === 1;
  if (d.bitsAllocated <= 8) return signed ? 'int8' : 'uint8';
  if (d.bitsAllocated <= 16) return signed ? 'int16' : 'uint16';
  return signed ? 'int32' : 'uint32';
}

export function allocatePixels(kind: PixelArrayKind, length: number): PixelArray {
  switch (kind) {
    case 'uint8':
      return new Uint8Array(length);
    case 'int8':
      return new Int8Array(length);
    case 'uint16':
      return new Uint16Array(length);
    case 'int16':
      return new Int16Array(length);
    case 'uint32':
      return new Uint32Array(length);
    case 'int32':
      return new Int32Array(length);
    case 'float32':
      return new Float32Array(length);
    case 'float64':
      return new Float64Array(length);
  }
}

const SIZE: Record<PixelArrayKind, number> = {
  uint8: 1,
  int8: 1,
  uint16: 2,
  int16: 2,
  uint32: 4,
  int32: 4,
  float32: 4,
  float64: 8,
};

export function bytesPerElement(kind: PixelArrayKind): number {
  return SIZE[kind];
}

/**
 * A typed array over little-endian bytes: a view when the bytes are aligned, else a copy.
 * `bytes.length` must be a multiple of the element size.
 */
export function pixelsFromBytes(kind: PixelArrayKind, bytes: Uint8Array, copy = false): PixelArray {
  const size = SIZE[kind];
  if (bytes.length % size !== 0)
    throw new DicomError(
      'INVALID_LENGTH',
      `${bytes.length} bytes are not a whole number of ${size}-byte samples`,
    );
  let b = bytes;
  if (copy || b.byteOffset % size !== 0) b = copyBytes(b);
  const n = b.length / size;
  switch (kind) {
    case 'uint8':
      return b;
    case 'int8':
      return new Int8Array(b.buffer, b.byteOffset, n);
    case 'uint16':
      return new Uint16Array(b.buffer, b.byteOffset, n);
    case 'int16':
      return new Int16Array(b.buffer, b.byteOffset, n);
    case 'uint32':
      return new Uint32Array(b.buffer, b.byteOffset, n);
    case 'int32':
      return new Int32Array(b.buffer, b.byteOffset, n);
    case 'float32':
      return new Float32Array(b.buffer, b.byteOffset, n);
    case 'float64':
      return new Float64Array(b.buffer, b.byteOffset, n);
  }
}

/** A copy in a fresh ArrayBuffer (Buffer.prototype.slice would give a view). */
export function copyBytes(b: Uint8Array): Uint8Array {
  const c = new Uint8Array(b.length);
  c.set(b);
  return c;
}

/** The bytes under a typed array (a view, little endian). */
export function pixelBytes(p: PixelArray): Uint8Array {
  return new Uint8Array(p.buffer, p.byteOffset, p.byteLength);
}

/** Reverses the byte order of each `size`-byte unit, into a new array. */
export function swapUnits(bytes: Uint8Array, size: number): Uint8Array {
  const n = bytes.length - (bytes.length % size);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += size) for (let k = 0; k < size; k++) out[i + k] = bytes[i + size - 1 - k]!;
  return out;
}

/** Planar (R…G…B…) to interleaved (RGBRGB…) for `samples` planes of `count` values each. */
export function interleave<T extends PixelArray>(planar: T, samples: number, count: number, out: T): T {
  for (let s = 0; s < samples; s++) {
    const base = s * count;
    for (let i = 0; i < count; i++) out[i * samples + s] = planar[base + i]!;
  }
  return out;
}

/** Interleaved to planar: the inverse of {@link interleave}. */
export function deinterleave<T extends PixelArray>(pixels: T, samples: number, count: number, out: T): T {
  for (let s = 0; s < samples; s++) {
    const base = s * count;
    for (let i = 0; i < count; i++) out[base + i] = pixels[i * samples + s]!;
  }
  return out;
}

/**
 * The stored values of a frame (PS3.5 §8.1.1, PS3.3 §C.7.6.3.1.1): bits [HighBit-BitsStored+1, HighBit] of each
 * sample, sign-extended when Pixel Representation is 1. Other bits (overlays in old files, garbage) are dropped.
 * Returns the input when nothing needs masking.
 */
export function storedValues(
  pixels: PixelArray,
  d: Pick<PixelDescription, 'bitsAllocated' | 'bitsStored' | 'highBit' | 'pixelRepresentation' | 'float'>,
): PixelArray {
  if (d.float || d.bitsAllocated === 1) return pixels;
  const shift = d.highBit + 1 - d.bitsStored;
  const signed = d.pixelRepresentation === 1;
  if (shift === 0 && d.bitsStored === d.bitsAllocated) return pixels;
  const out = allocatePixels(pixelArrayKind({ ...d, float: false }), pixels.length);
  const bits = d.bitsStored;
  if (bits >= 32) return pixels;
  const mask = bits === 31 ? 0x7fffffff : (1 << bits) - 1;
  const signBit = 2 ** (bits - 1);
  const range = 2 ** bits;
  for (let i = 0; i < pixels.length; i++) {
    let v = Math.floor(Number(pixels[i]) / 2 ** shift);
    v = ((v % range) + range) % range;
    v &= mask;
    if (signed && v >= signBit) v -= range;
    out[i] = v;
  }
  return out;
}
