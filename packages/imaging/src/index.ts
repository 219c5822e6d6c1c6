/**
 * @dicomkit/imaging: pixel data as typed arrays in every transfer syntax, codecs (RLE in TypeScript; JPEG,
 * JPEG-LS, JPEG 2000 and HTJ2K through WASM, loaded on first use), transcoding and rendering.
 * This entry is browser-safe (no Node imports); PNG/JPEG files on disk are in "@dicomkit/imaging/node".
 */
export * from './frames/description.js';
export * from './frames/pixel-array.js';
export { nativeFrameFromBytes, unpackBits, packBits } from './frames/native.js';
export * from './frames/frames.js';
export type { FrameCodec, DecodedFrame, EncodedFrame, EncodeOptions, CodecLoader } from './codecs/codec.js';
export {
  registerCodec,
  getCodec,
  codecLoader,
  hasCodec,
  registeredTransferSyntaxes,
  TS,
} from './codecs/registry.js';
export { j2kUsesMct } from './codecs/jpeg-markers.js';
export { wasmOutput, wasmView } from './codecs/wasm/buffers.js';
export type { WasmFrameInfo } from './codecs/wasm/emscripten.js';
export { decodeRle, encodeRle } from './codecs/rle.js';
export {
  decodeJpegLossless,
  type DecodedLosslessJpeg,
  type LosslessComponent,
  type LosslessDecodeOptions,
} from './codecs/jpeg-lossless.js';
export { encodeJpegLossless, type LosslessEncodeParams } from './codecs/jpeg-lossless-encode.js';
export { wasmHeapSizes } from './codecs/wasm/emscripten.js';
export { transcode, type TranscodeOptions, type TranscodedFile } from './transcode.js';
export { renderFrame, renderDecodedFrame, type RenderedImage, type RenderOptions } from './render/render.js';
export {
  windowTransform,
  modalityTransform,
  datasetWindows,
  type Window,
  type VoiFunction,
} from './render/lut.js';
export { readPalette, expandSegmented, type Palette } from './render/palette.js';
export { ybrFullToRgb, rgbToYbrFull, ybrRctToRgb } from './render/color.js';
export { overlayPlanes, type OverlayPlane } from './render/overlay.js';
export { resize, fitWithin } from './render/resize.js';
export { encodeJpegImage } from './render/jpeg-output.js';
export { CodecPool, type PoolWorker, type CodecPoolOptions } from './pool/codec-pool.js';
export { createWebCodecPool, type WebCodecPoolOptions } from './pool/web-codec-pool.js';
export {
  handleCodecRequest,
  type CodecRequest,
  type CodecResponse,
  type WorkerError,
} from './pool/codec-protocol.js';
