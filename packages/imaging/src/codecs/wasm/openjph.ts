/**
 * HTJ2K, High-Throughput JPEG 2000 (ISO 15444-15; 1.2.840.10008.1.2.4.201, .202, .203) through OpenJPH compiled to
 * WASM (@cornerstonejs/codec-openjph). One decoder and one encoder instance, reused.
 */
import { DicomError } from '@dicomkit/core';
import type { FrameCodec } from '../codec.js';
import { instantiate, type EmscriptenModule, type WasmDecoder, type WasmEncoder } from './emscripten.js';
import { wasmOutput, wasmView, wasmInput, frameInfoFor } from './buffers.js';
import { j2kUsesMct } from '../jpeg-markers.js';
import { loadOnce } from './load-once.js';
import type { PixelArray } from '../../frames/pixel-array.js';

interface HTJ2KEncoder extends WasmEncoder {
  setQuality(lossless: boolean, quantizationStep: number): void;
  setDecompositions(n: number): void;
}
interface OpenJphModule extends EmscriptenModule {
  HTJ2KDecoder: new () => WasmDecoder;
  HTJ2KEncoder: new () => HTJ2KEncoder;
}

/**
 * Puts right the line order of codec-openjph (2.4.11) for codestreams of several components without a colour
 * transform (with the transform it asks OpenJPH for lines row by row, and its order is right). There it asks OpenJPH for planar lines (every row of component 0, then of component 1, ...) but copies
 * them as if they came row by row (row 0 of each component, then row 1, ...); its encoder does the same in reverse.
 * Its encoder and decoder therefore agree with each other and with no other decoder: ojph_expand, OpenJPH's library
 * and opj_decompress read our RGB encodings scrambled, and we read theirs scrambled (reference-decoders.test.ts).
 * Line L of the codec's buffer (row ⌊L/n⌋, component L mod n) holds component ⌊L/h⌋, row L mod h of the image.
 * `toCodec` false: codec buffer → image (after decoding); true: image → codec buffer (before encoding).
 * `src` may be a view into the WASM heap: the result is a fresh array, `src` is only read.
 */
export function planarLineOrder(
  src: PixelArray,
  rows: number,
  columns: number,
  components: number,
  toCodec: boolean,
): PixelArray {
  const out = new (src.constructor as new (n: number) => PixelArray)(src.length); // every sample is written below
  const rowLength = columns * components;
  // Written in the output's order (row by row, sample by sample), reading each output row's `components` lines from
  // wherever the other order keeps them: sequential writes, twice as fast as moving line by line.
  const starts = new Array<number>(components).fill(0);
  let o = 0;
  for (let row = 0; row < rows; row++) {
    for (let c = 0; c < components; c++) {
      if (toCodec) {
        const line = row * components + c; // codec line → image component ⌊line/rows⌋, row line mod rows
        starts[c] = (line % rows) * rowLength + Math.floor(line / rows);
      } else {
        const line = c * rows + row; // image component c, row → codec line c·rows + row
        starts[c] = Math.floor(line / components) * rowLength + (line % components);
      }
    }
    if (components === 3) {
      const [s0, s1, s2] = starts as [number, number, number];
      for (let x = 0; x < rowLength; x += 3) {
        out[o++] = src[s0 + x]!;
        out[o++] = src[s1 + x]!;
        out[o++] = src[s2 + x]!;
      }
    } else {
      for (let x = 0; x < rowLength; x += components)
        for (let c = 0; c < components; c++) out[o++] = src[starts[c]! + x]!;
    }
  }
  return out;
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
      const info = decoder.getFrameInfo();
      // This build reports a codestream OpenJPH gave up on as an empty image, not as an error.
      if (info.width === 0 || info.height === 0 || info.componentCount === 0)
        throw new DicomError(
          'INVALID_VALUE',
          'OpenJPH could not decode the codestream (it is corrupt or truncated)',
          {
            tagPath: 'PixelData',
          },
        );
      // OpenJPH undoes the RCT/ICT: the samples are RGB whatever the dataset says (YBR_RCT / YBR_ICT).
      if (info.isUsingColorTransform)
        return { pixels: wasmOutput(decoder.getDecodedBuffer(), info, d), photometricInterpretation: 'RGB' };
      if (d.samplesPerPixel === 1) return { pixels: wasmOutput(decoder.getDecodedBuffer(), info, d) };
      // Reordered straight out of the heap: one pass, one fresh array.
      const view = wasmView(decoder.getDecodedBuffer(), info, d);
      return { pixels: planarLineOrder(view, d.rows, d.columns, d.samplesPerPixel, false) };
    },
    encode(pixels, d, options) {
      encoder ??= new m.HTJ2KEncoder();
      const lossless = options.lossless ?? !options.compressionRatio;
      // RGB is encoded with the colour transform, reversible (RCT) when lossless, irreversible (ICT) when lossy
      // (ISO 15444-1 Annex G): YBR_RCT / YBR_ICT (PS3.5 §8.2.14, §A.4.4). Anything else that has three samples
      // (YBR_FULL) keeps its samples as they are, without a transform.
      const colourTransform = d.samplesPerPixel === 3 && d.photometricInterpretation === 'RGB';
      const input =
        d.samplesPerPixel === 1 || colourTransform
          ? pixels
          : planarLineOrder(pixels, d.rows, d.columns, d.samplesPerPixel, true);
      wasmInput(
        encoder.getDecodedBuffer({ ...frameInfoFor(d), isUsingColorTransform: colourTransform }),
        input,
      );
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
    // Unsigned 16-bit samples do not round-trip through this OpenJPH build (values wrap): refused. Nor do colour
    // samples above 8 bits: its encoder reads the same row start for every component (the image is lost).
    canEncode: (d) =>
      !d.float &&
      d.bitsAllocated >= 8 &&
      d.bitsAllocated <= 16 &&
      (d.bitsStored < 16 || d.pixelRepresentation === 1) &&
      (d.samplesPerPixel === 1 || d.bitsAllocated === 8),
  };
  return c;
});
