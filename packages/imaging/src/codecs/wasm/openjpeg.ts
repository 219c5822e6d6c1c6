/**
 * JPEG 2000 (ISO 15444-1; 1.2.840.10008.1.2.4.90 and .91) through OpenJPEG compiled to WASM
 * (@cornerstonejs/codec-openjpeg). One decoder and one encoder instance, reused.
 */
import { DicomError } from '@dicomkit/core';
import type { FrameCodec } from '../codec.js';
import { instantiate, type EmscriptenModule, type WasmDecoder, type WasmEncoder } from './emscripten.js';
import { wasmOutput, wasmInput, frameInfoFor } from './buffers.js';
import { j2kUsesMct } from '../jpeg-markers.js';
import { loadOnce } from './load-once.js';

interface J2KEncoder extends WasmEncoder {
  setQuality(lossless: boolean, layers: number): void;
  setCompressionRatio(layer: number, ratio: number): void;
  setDecompositions(n: number): void;
}
interface OpenJpegModule extends EmscriptenModule {
  J2KDecoder: new () => WasmDecoder;
  J2KEncoder: new () => J2KEncoder;
}

export const openjpegCodec = loadOnce('OpenJPEG', async () => {
  const m = await instantiate<OpenJpegModule>(
    'openjpeg',
    () => import('@cornerstonejs/codec-openjpeg/wasmjs'),
  );
  const decoder = new m.J2KDecoder();
  const c: FrameCodec = {
    name: 'OpenJPEG (WASM)',
    decode(frame, d) {
      decoder.getEncodedBuffer(frame.length).set(frame);
      decoder.decode();
      const info = decoder.getFrameInfo();
      const pixels = wasmOutput(decoder.getDecodedBuffer(), info, d);
      // OpenJPEG undoes the RCT/ICT: the samples are RGB whatever the dataset says (YBR_RCT / YBR_ICT).
      return j2kUsesMct(frame) ? { pixels, photometricInterpretation: 'RGB' } : { pixels };
    },
    encode(pixels, d, options) {
      // A fresh encoder each time: OpenJPEG's encoder keeps per-image state (rates) between calls.
      const lossless = options.lossless ?? !options.compressionRatio;
      // This build applies the reversible colour transform to any three components: lossless YBR_FULL samples would
      // come back labelled as RGB. Refused (lossy transcoding converts YBR_FULL to RGB before encoding).
      if (lossless && d.samplesPerPixel === 3 && d.photometricInterpretation !== 'RGB')
        throw new DicomError(
          'UNSUPPORTED_TRANSFER_SYNTAX',
          `JPEG 2000 lossless of ${d.photometricInterpretation} samples is not supported (the encoder would apply a colour transform to them)`,
        );
      const encoder = new m.J2KEncoder();
      try {
        wasmInput(encoder.getDecodedBuffer(frameInfoFor(d)), pixels);
        // setQuality's second argument is the number of quality layers; one layer at the requested rate.
        encoder.setQuality(lossless, lossless ? 0 : 1);
        // OpenJPEG refuses more wavelet levels than the smaller side allows (2^levels ≤ side; ISO 15444-1 B.5):
        // five by default, fewer for small frames (a 10×10 tile gets three).
        encoder.setDecompositions(
          Math.min(5, Math.floor(Math.log2(Math.max(1, Math.min(d.rows, d.columns))))),
        );
        if (!lossless) encoder.setCompressionRatio(0, options.compressionRatio ?? 10);
        encoder.encode();
        const bytes = new Uint8Array(
          encoder.getEncodedBuffer(),
        ); /* a copy, and a Uint8Array even where the build hands out a Uint8ClampedArray */
        const mct = j2kUsesMct(bytes);
        return {
          bytes,
          ...(mct ? { photometricInterpretation: lossless ? 'YBR_RCT' : 'YBR_ICT' } : {}),
          ...(lossless ? {} : { lossyMethod: 'ISO_15444_1' }),
        };
      } finally {
        encoder.delete();
      }
    },
    // 16-bit colour traps inside this OpenJPEG build: refused.
    canEncode: (d) =>
      !d.float &&
      d.bitsAllocated >= 8 &&
      d.bitsAllocated <= 16 &&
      (d.samplesPerPixel === 1 || d.bitsAllocated === 8),
  };
  return c;
});
