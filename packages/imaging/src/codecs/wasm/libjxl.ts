/**
 * JPEG XL (ISO/IEC 18181-1; PS3.5 §8.2.15 and §A.4.12: 1.2.840.10008.1.2.4.110 lossless, .111 JPEG recompression,
 * .112 any mode) through libjxl compiled to WASM (@cornerstonejs/codec-libjxl: a decoder and an encoder module).
 * One decoder instance and one encoder instance, reused for every frame.
 *
 * - Decoding gives the samples at the codestream's bit depth (two bytes, little endian, above 8 bits) as grey or
 *   RGB; an alpha channel is dropped by the build. A JPEG recompression (.111) stream of a YCbCr JPEG decodes to
 *   RGB pixels, and a lossy XYB-coded stream to RGB too: colour frames are reported as RGB.
 * - Encoding: lossless (modular) for .110 and for .112 when `lossless` is asked; lossy (VarDCT) for .112 at a
 *   Butteraugli distance (`distance`, or `quality` mapped as cjxl maps it). Lossy colour is coded in XYB
 *   (libjxl's default), so the Photometric Interpretation becomes XYB (PS3.3 C.7.6.3.1.2) and the Lossy Image
 *   Compression Method ISO_18181_1 (PS3.3 C.7.6.1.1.5.1).
 * - JPEG XL samples are unsigned (ISO/IEC 18181-1 bit depth): signed Pixel Data is refused both ways rather than
 *   guessed at.
 */
import { DicomError } from '@dicomkit/core';
import type { FrameCodec, EncodeOptions } from '../codec.js';
import type { PixelDescription } from '../../frames/description.js';
import { instantiate, type EmscriptenModule, type WasmDecoder, type WasmEncoder } from './emscripten.js';
import { wasmOutput, wasmInput, frameInfoFor } from './buffers.js';
import { loadOnce } from './load-once.js';

interface JxlEncoder extends WasmEncoder {
  setLossless(lossless: boolean): void;
  setDistance(distance: number): void;
  setEffort(effort: number): void;
}
/** The build throws C++ exceptions as pointers; these read their message and free them. */
interface CppExceptions {
  getExceptionMessage?(ptr: number): [string, string];
  decrementExceptionRefcount?(ptr: number): void;
}
interface JxlDecoderModule extends EmscriptenModule, CppExceptions {
  JpegXLDecoder: new () => WasmDecoder;
}
interface JxlEncoderModule extends EmscriptenModule, CppExceptions {
  JpegXLEncoder: new () => JxlEncoder;
}

/**
 * Runs a libjxl call; its C++ exception becomes a DicomError with libjxl's message, and `drop` discards the module
 * (see coderSlot).
 */
function call(m: CppExceptions, what: string, f: () => void, tagPath: string, drop: () => void): void {
  try {
    f();
  } catch (e) {
    if (typeof e !== 'number') throw e; // a WebAssembly.RuntimeError (trap) goes to loadOnce
    drop();
    let message = 'failed';
    try {
      message = m.getExceptionMessage?.(e)[1] ?? message;
    } finally {
      m.decrementExceptionRefcount?.(e);
    }
    throw new DicomError(
      /end of input/.test(message) ? 'TRUNCATED' : 'INVALID_VALUE',
      `${what}: ${message}`,
      {
        tagPath,
      },
    );
  }
}

/** libjxl effort (1..9): 3 codes a 640×480 RGB frame losslessly in ~80 ms at 8.9:1, where 7 takes ~540 ms for 10.2:1. */
export const JXL_EFFORT = 3;
/** The distance used for lossy encoding when neither `distance` nor `quality` is given (cjxl's default). */
export const JXL_DEFAULT_DISTANCE = 1;

/**
 * The Butteraugli distance for a cjxl-style quality (0..100; 90 ≈ distance 1, 100 lossless), as cjxl documents
 * its `-q` option: linear above 30, quadratic below.
 */
export function distanceFromQuality(quality: number): number {
  if (quality >= 100) return 0;
  if (quality >= 30) return 0.1 + (100 - quality) * 0.09;
  return (53 / 3000) * quality * quality - (23 / 20) * quality + 25;
}

/** The distance an encode uses (0 = lossless), checked against what libjxl accepts (0..25). */
export function jxlDistance(options: EncodeOptions): number {
  if (options.lossless !== false) return 0;
  const d =
    options.distance ??
    (options.quality !== undefined ? distanceFromQuality(options.quality) : JXL_DEFAULT_DISTANCE);
  if (!(d >= 0 && d <= 25))
    throw new DicomError('INVALID_VALUE', `the JPEG XL distance must be 0..25, not ${d}`);
  return d;
}

/**
 * Node reads the .wasm from the package; a browser (or a bundle) lets the Emscripten glue fetch it next to
 * itself (`new URL('jpegxlwasm_decode.wasm', import.meta.url)`: copy the file next to the bundle).
 */
function wasmBinary(file: 'decodewasm' | 'encodewasm'): object {
  const p = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const fs = p?.getBuiltinModule?.('node:fs') as { readFileSync(u: URL): Uint8Array } | undefined;
  if (!fs || typeof import.meta.resolve !== 'function') return {};
  return { wasmBinary: fs.readFileSync(new URL(import.meta.resolve(`@cornerstonejs/codec-libjxl/${file}`))) };
}

function refuseSigned(d: PixelDescription): void {
  if (d.pixelRepresentation === 1)
    throw new DicomError(
      'UNSUPPORTED_TRANSFER_SYNTAX',
      'JPEG XL codes unsigned samples only (ISO/IEC 18181-1); this frame is signed (Pixel Representation 1)',
      { tagPath: 'PixelRepresentation' },
    );
}

/** A JPEG XL stream is a bare codestream (FF 0A) or an ISO/IEC 18181-2 container (a 12-byte signature box). */
function looksLikeJxl(frame: Uint8Array): boolean {
  if (frame.length >= 2 && frame[0] === 0xff && frame[1] === 0x0a) return true;
  const sig = [0, 0, 0, 0x0c, 0x4a, 0x58, 0x4c, 0x20, 0x0d, 0x0a, 0x87, 0x0a];
  return frame.length >= 12 && sig.every((b, i) => frame[i] === b);
}

/**
 * A module and its one coder instance. A C++ exception thrown out of the module leaves its stack pointer where the
 * throw happened (Emscripten does not unwind it for a call from JavaScript): after ~160 failed decodes the stack runs
 * into the heap and the next good frame traps. So a module that threw is dropped and a fresh one loaded for the next
 * frame (a few milliseconds: the compiled code is cached by the engine).
 */
function coderSlot<M extends EmscriptenModule & CppExceptions, C>(
  load: () => Promise<M>,
  create: (m: M) => C,
): { get(): Promise<{ m: M; coder: C }>; drop(): void } {
  let slot: Promise<{ m: M; coder: C }> | undefined;
  return {
    get() {
      slot ??= load().then((m) => ({ m, coder: create(m) }));
      slot.catch(() => (slot = undefined));
      return slot;
    },
    drop() {
      slot = undefined;
    },
  };
}

export const libjxlCodec = loadOnce('libjxl', async () => {
  const decoders = coderSlot(
    () =>
      instantiate<JxlDecoderModule>(
        'libjxl-decode',
        () => import('@cornerstonejs/codec-libjxl/decodewasmjs'),
        wasmBinary('decodewasm'),
      ),
    (m) => new m.JpegXLDecoder(),
  );
  const encoders = coderSlot(
    () =>
      instantiate<JxlEncoderModule>(
        'libjxl-encode',
        () => import('@cornerstonejs/codec-libjxl/encodewasmjs'),
        wasmBinary('encodewasm'),
      ),
    (m) => new m.JpegXLEncoder(),
  );
  await decoders.get(); // load now: a missing module is a load error, not a frame error
  const c: FrameCodec = {
    name: 'libjxl (WASM)',
    async decode(frame, d) {
      refuseSigned(d);
      if (!looksLikeJxl(frame))
        throw new DicomError('INVALID_VALUE', 'the frame is not a JPEG XL codestream or container', {
          tagPath: 'PixelData',
        });
      const { m, coder: decoder } = await decoders.get();
      decoder.getEncodedBuffer(frame.length).set(frame);
      call(m, 'JPEG XL decoding', () => decoder.decode(), 'PixelData', decoders.drop);
      const pixels = wasmOutput(decoder.getDecodedBuffer(), decoder.getFrameInfo(), d);
      return d.samplesPerPixel === 3 ? { pixels, photometricInterpretation: 'RGB' } : { pixels };
    },
    async encode(pixels, d, options) {
      refuseSigned(d);
      // PS3.5 §8.2.15: colour JPEG XL frames are RGB (XYB once lossy); YBR samples would be mislabelled.
      if (d.samplesPerPixel === 3 && d.photometricInterpretation !== 'RGB')
        throw new DicomError(
          'UNSUPPORTED_TRANSFER_SYNTAX',
          `JPEG XL codes colour as RGB; this frame is ${d.photometricInterpretation}`,
          { tagPath: 'PhotometricInterpretation' },
        );
      const distance = jxlDistance(options);
      const { m: em, coder: enc } = await encoders.get();
      const info = frameInfoFor(d);
      let input: Uint8Array | undefined;
      call(em, 'JPEG XL encoding', () => (input = enc.getDecodedBuffer(info)), 'PixelData', encoders.drop);
      if (input) wasmInput(input, pixels);
      call(
        em,
        'JPEG XL encoding',
        () => {
          enc.setEffort(JXL_EFFORT);
          enc.setLossless(distance === 0);
          if (distance > 0) enc.setDistance(distance);
          enc.encode();
        },
        'PixelData',
        encoders.drop,
      );
      const bytes = new Uint8Array(enc.getEncodedBuffer()); /* a copy out of the heap */
      if (distance === 0) return { bytes };
      return {
        bytes,
        lossyMethod: 'ISO_18181_1',
        ...(d.samplesPerPixel === 3 ? { photometricInterpretation: 'XYB' } : {}),
      };
    },
    canEncode: (d) =>
      !d.float &&
      d.pixelRepresentation === 0 &&
      d.bitsAllocated >= 8 &&
      d.bitsAllocated <= 16 &&
      d.bitsStored <= 16 &&
      (d.samplesPerPixel === 1 || d.samplesPerPixel === 3),
  };
  return c;
});
