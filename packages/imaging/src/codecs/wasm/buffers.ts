/**
 * Moving frames in and out of a WASM codec's heap: copy out at once (the heap views die on the next call or
 * when the heap grows), reinterpret the bytes as the description's array type, interleave planar output.
 */
import { DicomError } from '@dicomkit/core';
import type { PixelDescription } from '../../frames/description.js';
import {
  allocatePixels,
  interleave,
  pixelArrayKind,
  pixelBytes,
  pixelsFromBytes,
  type PixelArray,
} from '../../frames/pixel-array.js';
import type { WasmFrameInfo } from './emscripten.js';

/** The frame info an encoder needs for a description. */
export function frameInfoFor(d: PixelDescription): WasmFrameInfo {
  return {
    width: d.columns,
    height: d.rows,
    bitsPerSample: d.bitsStored,
    componentCount: d.samplesPerPixel,
    isSigned: d.pixelRepresentation === 1,
    isUsingColorTransform: false,
  };
}

/**
 * Copies a decoder's output into a typed array of the description's kind. Checks the decoded geometry against
 * the description: a codestream that disagrees with the dataset is an error, not a guess. Any decoder that hands
 * out interleaved samples as bytes (one per sample up to 8 bits, two little-endian above) can use it, a WASM heap
 * view or not (@dicomkit/imaging-native does).
 */
export function wasmOutput(
  heapView: ArrayBufferView,
  info: WasmFrameInfo,
  d: PixelDescription,
  planar = false,
): PixelArray {
  return wasmSamples(heapView, info, d, planar, true);
}

/**
 * The decoder's output as a typed array of the description's kind, WITHOUT a copy where the widths agree: a view
 * into the WASM heap, valid only until the codec's next call. For a caller that makes its own pass over the
 * samples anyway (e.g. reordering lines into a fresh array), which saves one full copy of the frame.
 */
export function wasmView(heapView: ArrayBufferView, info: WasmFrameInfo, d: PixelDescription): PixelArray {
  return wasmSamples(heapView, info, d, false, false);
}

function wasmSamples(
  heapView: ArrayBufferView,
  info: WasmFrameInfo,
  d: PixelDescription,
  planar: boolean,
  copy: boolean,
): PixelArray {
  if (info.width !== d.columns || info.height !== d.rows || info.componentCount !== d.samplesPerPixel) {
    throw new DicomError(
      'INVALID_VALUE',
      `the codestream holds ${info.width}×${info.height}×${info.componentCount}; the dataset says ${d.columns}×${d.rows}×${d.samplesPerPixel}`,
      { tagPath: 'PixelData' },
    );
  }
  const decoded = new Uint8Array(heapView.buffer, heapView.byteOffset, heapView.byteLength);
  const bytesPerSample = info.bitsPerSample > 8 ? 2 : 1;
  const kind = pixelArrayKind(d.bitsAllocated === 1 ? { ...d, bitsAllocated: 8 } : d);
  const count = d.rows * d.columns * d.samplesPerPixel;
  if (decoded.length < count * bytesPerSample)
    throw new DicomError('TRUNCATED', `the decoder gave ${decoded.length} bytes for ${count} samples`);
  let out: PixelArray;
  const want = kind === 'uint8' || kind === 'int8' ? 1 : kind === 'uint16' || kind === 'int16' ? 2 : 4;
  if (want === bytesPerSample) out = pixelsFromBytes(kind, decoded.subarray(0, count * bytesPerSample), copy);
  else {
    // A wider container than the codestream's samples (e.g. 8-bit samples with Bits Allocated 16).
    const src = pixelsFromBytes(
      bytesPerSample === 1 ? 'uint8' : info.isSigned ? 'int16' : 'uint16',
      decoded.subarray(0, count * bytesPerSample),
      true,
    );
    out = allocatePixels(kind, count);
    for (let i = 0; i < count; i++) out[i] = src[i]!;
  }
  if (planar) out = interleave(out, d.samplesPerPixel, d.rows * d.columns, allocatePixels(kind, count));
  return out;
}

/** Copies a frame into an encoder's input buffer (narrowing 16-bit containers to 8-bit samples when the codec expects that). */
export function wasmInput(target: Uint8Array, pixels: PixelArray): void {
  const src = pixelBytes(pixels);
  if (target.length === src.length) {
    target.set(src);
    return;
  }
  if (target.length * 2 === src.length && pixels.BYTES_PER_ELEMENT === 2) {
    for (let i = 0; i < target.length; i++) target[i] = pixels[i]! & 0xff;
    return;
  }
  throw new DicomError(
    'INVALID_LENGTH',
    `the encoder expects ${target.length} bytes; the frame has ${src.length}`,
  );
}
