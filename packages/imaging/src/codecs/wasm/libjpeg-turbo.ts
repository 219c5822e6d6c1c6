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
  const m = await instantiate<LibJpegTurboModule>(
    'libjpeg-turbo',
    () => import('@cornerstonejs/codec-libjpeg-turbo-8bit/wasmjs'),
  );
  const decoder = new m.JPEGDecoder();
  let encoder: JpegEncoder | undefined;
  const c: FrameCodec = {
    name: 'libjpeg-turbo (WASM)',
    decode(frame, d) {
      const h = readJpegHeader(frame);
      let stream = frame;
      let converted = d.samplesPerPixel === 3 && h !== undefined && jpegIsYCbCr(h);
      // libjpeg (jdapimin.c) takes a 3-component stream without JFIF or Adobe marker for YCbCr unless its component
      // ids are 'R','G','B'. Without either marker, the dataset's word decides, as in dcmtk and GDCM: Photometric
      // Interpretation RGB means the samples were stored untransformed, and an Adobe marker saying so is inserted.
      if (
        converted &&
        h &&
        !h.jfif &&
        h.adobeTransform === undefined &&
        d.photometricInterpretation === 'RGB'
      ) {
        stream = withAdobeNoTransform(frame);
        converted = false;
      }
      decoder.getEncodedBuffer(stream.length).set(stream);
      decoder.decode();
      const pixels = wasmOutput(decoder.getDecodedBuffer(), decoder.getFrameInfo(), d);
      return converted ? { pixels, photometricInterpretation: 'RGB' } : { pixels };
    },
    encode(pixels, d, options) {
      encoder ??= new m.JPEGEncoder();
      wasmInput(encoder.getDecodedBuffer(frameInfoFor(d)), pixels);
      encoder.setQuality(options.quality ?? 90);
      encoder.setProgressive(false);
      encoder.setSubSampling(false);
      encoder.encode();
      // libjpeg writes JFIF YCbCr for three components (PS3.5 §8.2.1: Photometric Interpretation YBR_FULL).
      return {
        bytes: new Uint8Array(
          encoder.getEncodedBuffer(),
        ) /* a copy, and a Uint8Array even where the build hands out a Uint8ClampedArray */,
        lossyMethod: 'ISO_10918_1',
        ...(d.samplesPerPixel === 3 ? { photometricInterpretation: 'YBR_FULL' } : {}),
      };
    },
    canEncode: (d) =>
      !d.float &&
      d.bitsAllocated === 8 &&
      d.bitsStored === 8 &&
      (d.samplesPerPixel === 1 || d.samplesPerPixel === 3),
  };
  return c;
});

/** The stream with an Adobe APP14 segment (transform 0: no colour transform) inserted after SOI. */
function withAdobeNoTransform(frame: Uint8Array): Uint8Array {
  const app14 = [
    0xff, 0xee, 0x00, 0x0e, 0x41, 0x64, 0x6f, 0x62, 0x65, 0x00, 0x64, 0x00, 0x00, 0x00, 0x00, 0x00,
  ];
  const out = new Uint8Array(frame.length + app14.length);
  out.set(frame.subarray(0, 2), 0);
  out.set(app14, 2);
  out.set(frame.subarray(2), 2 + app14.length);
  return out;
}

/** The JPEG Baseline codec (1.2.840.10008.1.2.4.50). */
export const jpegBaselineCodec = libjpegTurboCodec;
