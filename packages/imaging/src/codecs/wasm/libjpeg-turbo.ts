/**
 * 8-bit JPEG (ISO 10918-1 baseline and extended 8-bit, progressive) through libjpeg-turbo compiled to WASM
 * (@cornerstonejs/codec-libjpeg-turbo-8bit). One decoder and one encoder instance, reused.
 */
import type { FrameCodec } from '../codec.js';
import { instantiate, type EmscriptenModule, type WasmDecoder, type WasmEncoder } from './emscripten.js';
import { wasmOutput, wasmInput, frameInfoFor } from './buffers.js';
import { readJpegHeader, jpegIsYCbCr } from '../jpeg-markers.js';
import { loadOnce } from './load-once.js';

interface JpegEncoder extends WasmEncoder {
  setQuality(q: number): void;
  setProgressive(p: boolean): void;
  setSubSampling(s: boolean): void;
}
interface LibJpegTurboModule extends EmscriptenModule {
  JPEGDecoder: new () => WasmDecoder;
  JPEGEncoder: new () => JpegEncoder;
}

export const libjpegTurboCodec = loadOnce('libjpeg-turbo', async () => {
  const m = await instantiate<LibJpegTurboModule>('libjpeg-turbo', () => import('@cornerstonejs/codec-libjpeg-turbo-8bit/wasmjs'));
  const decoder = new m.JPEGDecoder();
  let encoder: JpegEncoder | undefined;
  const c: FrameCodec = {
    name: 'libjpeg-turbo (WASM)',
    decode(frame, d) {
      decoder.getEncodedBuffer(frame.length).set(frame);
      decoder.decode();
      const pixels = wasmOutput(decoder.getDecodedBuffer(), decoder.getFrameInfo(), d);
      const h = readJpegHeader(frame);
      // libjpeg converts YCbCr codestreams to RGB (jdapimin.c): the samples are then RGB whatever the dataset says.
      return h && jpegIsYCbCr(h) ? { pixels, photometricInterpretation: 'RGB' } : { pixels };
    },
    encode(pixels, d, options) {
      encoder ??= new m.JPEGEncoder();
      wasmInput(encoder.getDecodedBuffer(frameInfoFor(d)), pixels);
      encoder.setQuality(options.quality ?? 90);
      encoder.setProgressive(false);
      encoder.setSubSampling(false);
      encoder.encode();
      // libjpeg writes JFIF YCbCr for three components (PS3.5 §8.2.1: Photometric Interpretation YBR_FULL).
      return { bytes: encoder.getEncodedBuffer().slice(), lossyMethod: 'ISO_10918_1', ...(d.samplesPerPixel === 3 ? { photometricInterpretation: 'YBR_FULL' } : {}) };
    },
    canEncode: (d) => !d.float && d.bitsAllocated === 8 && d.bitsStored === 8 && (d.samplesPerPixel === 1 || d.samplesPerPixel === 3),
  };
  return c;
});

/** The JPEG Baseline codec (1.2.840.10008.1.2.4.50). */
export const jpegBaselineCodec = libjpegTurboCodec;
