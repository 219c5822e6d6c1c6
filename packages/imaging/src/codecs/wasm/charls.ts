/**
 * JPEG-LS (ITU-T T.87 / ISO 14495-1; 1.2.840.10008.1.2.4.80 and .81) through CharLS compiled to WASM
 * (@cornerstonejs/codec-charls). One decoder and one encoder instance, reused for every frame.
 */
import type { FrameCodec } from '../codec.js';
import { instantiate, type EmscriptenModule, type WasmDecoder, type WasmEncoder } from './emscripten.js';
import { wasmOutput, wasmInput, frameInfoFor } from './buffers.js';
import { loadOnce } from './load-once.js';
import { DicomError } from '@dicomkit/core';
import { endsWithEoi } from '../jpeg-markers.js';

interface CharlsDecoder extends WasmDecoder {
  getInterleaveMode(): number;
  getNearLossless(): number;
}
interface CharlsEncoder extends WasmEncoder {
  setNearLossless(n: number): void;
  setInterleaveMode(m: number): void;
}
interface CharlsModule extends EmscriptenModule {
  JpegLSDecoder: new () => CharlsDecoder;
  JpegLSEncoder: new () => CharlsEncoder;
}

export const charlsCodec = loadOnce('CharLS', () =>
  instantiate<CharlsModule>('charls', () => import('@cornerstonejs/codec-charls/wasmjs')).then((m) => {
    const decoder = new m.JpegLSDecoder();
    let encoder: CharlsEncoder | undefined;
    const c: FrameCodec = {
      name: 'CharLS (WASM)',
      decode(frame, d) {
        // CharLS spends tens of seconds on some truncated streams: a stream must end with EOI (T.87 §C.1).
        if (!endsWithEoi(frame))
          throw new DicomError('TRUNCATED', 'the JPEG-LS codestream has no EOI marker at its end', {
            tagPath: 'PixelData',
          });
        decoder.getEncodedBuffer(frame.length).set(frame);
        decoder.decode();
        const info = decoder.getFrameInfo();
        // Interleave mode 0 (ILV_NONE) leaves the components planar; 1 and 2 come out pixel-interleaved.
        const planar = info.componentCount > 1 && decoder.getInterleaveMode() === 0;
        return { pixels: wasmOutput(decoder.getDecodedBuffer(), info, d, planar) };
      },
      encode(pixels, d, options) {
        encoder ??= new m.JpegLSEncoder();
        const info = frameInfoFor(d);
        wasmInput(encoder.getDecodedBuffer(info), pixels);
        const near = options.nearLossless ?? (options.lossless === false ? 2 : 0);
        encoder.setNearLossless(near);
        encoder.setInterleaveMode(d.samplesPerPixel > 1 ? 2 : 0);
        encoder.encode();
        return {
          bytes: new Uint8Array(
            encoder.getEncodedBuffer(),
          ) /* a copy, and a Uint8Array even where the build hands out a Uint8ClampedArray */,
          ...(near > 0 ? { lossyMethod: 'ISO_14495_1' } : {}),
        };
      },
      canEncode: (d) => !d.float && d.bitsAllocated >= 8 && d.bitsAllocated <= 16 && d.bitsStored >= 2,
    };
    return c;
  }),
);
