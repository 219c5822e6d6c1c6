/**
 * HTJ2K, High-Throughput JPEG 2000 (ISO 15444-15; 1.2.840.10008.1.2.4.201, .202, .203) through OpenJPH compiled to
 * WASM (@cornerstonejs/codec-openjph). One decoder and one encoder instance, reused.
 */
import type { FrameCodec } from '../codec.js';
import { instantiate, type EmscriptenModule, type WasmDecoder, type WasmEncoder } from './emscripten.js';
import { wasmOutput, wasmInput, frameInfoFor } from './buffers.js';
import { j2kUsesMct } from '../jpeg-markers.js';
import { loadOnce } from './load-once.js';

interface HTJ2KEncoder extends WasmEncoder {
  setQuality(lossless: boolean, quantizationStep: number): void;
  setDecompositions(n: number): void;
}
interface OpenJphModule extends EmscriptenModule {
  HTJ2KDecoder: new () => WasmDecoder;
  HTJ2KEncoder: new () => HTJ2KEncoder;
}

export const openjphCodec = loadOnce('OpenJPH', async () => {
  const m = await instantiate<OpenJphModule>('openjph', () => import('@cornerstonejs/codec-openjph/wasmjs'));
  const decoder = new m.HTJ2KDecoder();
  let encoder: HTJ2KEncoder | undefined;
  const c: FrameCodec = {
    name: 'OpenJPH (WASM)',
    decode(frame, d) {
      decoder.getEncodedBuffer(frame.length).set(frame);
      decoder.decode();
      const pixels = wasmOutput(decoder.getDecodedBuffer(), decoder.getFrameInfo(), d);
      return j2kUsesMct(frame) ? { pixels, photometricInterpretation: 'RGB' } : { pixels };
    },
    encode(pixels, d, options) {
      encoder ??= new m.HTJ2KEncoder();
      const lossless = options.lossless ?? !options.compressionRatio;
      wasmInput(encoder.getDecodedBuffer(frameInfoFor(d)), pixels);
      // OpenJPH sets lossy quality by quantization step, not by ratio: a step of 1/ratio² is a rough equivalent.
      encoder.setQuality(lossless, lossless ? 0 : Math.min(0.5, 1 / ((options.compressionRatio ?? 10) * 10)));
      encoder.encode();
      const bytes = new Uint8Array(
        encoder.getEncodedBuffer(),
      ); /* a copy, and a Uint8Array even where the build hands out a Uint8ClampedArray */
      return {
        bytes,
        ...(j2kUsesMct(bytes) ? { photometricInterpretation: lossless ? 'YBR_RCT' : 'YBR_ICT' } : {}),
        ...(lossless ? {} : { lossyMethod: 'ISO_15444_15' }),
      };
    },
    // Unsigned 16-bit samples do not round-trip through this OpenJPH build (values wrap): refused.
    canEncode: (d) =>
      !d.float &&
      d.bitsAllocated >= 8 &&
      d.bitsAllocated <= 16 &&
      (d.bitsStored < 16 || d.pixelRepresentation === 1),
  };
  return c;
});
