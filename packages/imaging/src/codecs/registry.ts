/**
 * The codec registry: transfer syntax UID → a lazy loader. Heavy codecs (WASM) are imported the first time a
 * frame needs them and then kept (one decoder instance each, reused, so the WASM heap stays flat).
 * Replace or add codecs with {@link registerCodec} (e.g. a native codec in Node, a worker pool in a browser).
 */
import { DicomError, transferSyntaxByUid } from '@dicomkit/core';
import type { CodecLoader, FrameCodec } from './codec.js';
import { rleCodec } from './rle-codec.js';
import { deflateCodec } from './deflate-codec.js';
import { uncompressedCodec } from './uncompressed-codec.js';

const loaders = new Map<string, CodecLoader>();
const loaded = new Map<string, Promise<FrameCodec>>();

/** Registers (or replaces) the codec for a transfer syntax. */
export function registerCodec(transferSyntaxUid: string, loader: CodecLoader): void {
  loaders.set(transferSyntaxUid, loader);
  loaded.delete(transferSyntaxUid);
}

/**
 * The loader registered for a transfer syntax, without loading it: what a replacement codec keeps to hand over what
 * it does not do itself (e.g. a native decoder that leaves encoding to the WASM codec it replaces).
 */
export function codecLoader(transferSyntaxUid: string): CodecLoader | undefined {
  return loaders.get(transferSyntaxUid);
}

/** Whether a codec is registered for a transfer syntax. */
export function hasCodec(transferSyntaxUid: string): boolean {
  return loaders.has(transferSyntaxUid);
}

/** The transfer syntaxes with a registered codec. */
export function registeredTransferSyntaxes(): string[] {
  return [...loaders.keys()];
}

/** The codec for a transfer syntax, loading it on first use. */
export function getCodec(transferSyntaxUid: string): Promise<FrameCodec> {
  let p = loaded.get(transferSyntaxUid);
  if (p) return p;
  const loader = loaders.get(transferSyntaxUid);
  if (!loader) {
    const ts = transferSyntaxByUid(transferSyntaxUid);
    return Promise.reject(
      new DicomError('UNSUPPORTED_TRANSFER_SYNTAX', `no codec for ${ts ? ts.name : transferSyntaxUid}`),
    );
  }
  p = loader().catch((e: unknown) => {
    loaded.delete(transferSyntaxUid);
    throw new DicomError(
      'UNSUPPORTED_TRANSFER_SYNTAX',
      `the codec for ${transferSyntaxUid} failed to load: ${(e as Error).message}`,
      { cause: e },
    );
  });
  loaded.set(transferSyntaxUid, p);
  return p;
}

const sync =
  (c: FrameCodec): CodecLoader =>
  () =>
    Promise.resolve(c);

/** Transfer syntax UIDs by codec family (PS3.5 §10, Annex A). */
export const TS = {
  RLELossless: '1.2.840.10008.1.2.5',
  DeflatedImageFrameCompression: '1.2.840.10008.1.2.8.1',
  EncapsulatedUncompressed: '1.2.840.10008.1.2.1.98',
  JPEGBaseline8Bit: '1.2.840.10008.1.2.4.50',
  JPEGExtended12Bit: '1.2.840.10008.1.2.4.51',
  JPEGLossless: '1.2.840.10008.1.2.4.57',
  JPEGLosslessSV1: '1.2.840.10008.1.2.4.70',
  JPEGLSLossless: '1.2.840.10008.1.2.4.80',
  JPEGLSNearLossless: '1.2.840.10008.1.2.4.81',
  JPEG2000Lossless: '1.2.840.10008.1.2.4.90',
  JPEG2000: '1.2.840.10008.1.2.4.91',
  HTJ2KLossless: '1.2.840.10008.1.2.4.201',
  HTJ2KLosslessRPCL: '1.2.840.10008.1.2.4.202',
  HTJ2K: '1.2.840.10008.1.2.4.203',
  JPEGXLLossless: '1.2.840.10008.1.2.4.110',
  JPEGXLJPEGRecompression: '1.2.840.10008.1.2.4.111',
  JPEGXL: '1.2.840.10008.1.2.4.112',
} as const;

registerCodec(TS.RLELossless, sync(rleCodec));
registerCodec(TS.DeflatedImageFrameCompression, sync(deflateCodec));
registerCodec(TS.EncapsulatedUncompressed, sync(uncompressedCodec));
registerCodec(TS.JPEGBaseline8Bit, () => import('./jpeg-any.js').then((m) => m.jpegBaselineCodec()));
registerCodec(TS.JPEGExtended12Bit, () => import('./jpeg-any.js').then((m) => m.jpegAnyCodec()));
registerCodec(TS.JPEGLossless, () => import('./jpeg-any.js').then((m) => m.jpegLosslessP14Codec()));
registerCodec(TS.JPEGLosslessSV1, () => import('./jpeg-any.js').then((m) => m.jpegLosslessSV1Codec()));
registerCodec(TS.JPEGLSLossless, () => import('./wasm/charls.js').then((m) => m.charlsCodec()));
registerCodec(TS.JPEGLSNearLossless, () => import('./wasm/charls.js').then((m) => m.charlsCodec()));
registerCodec(TS.JPEG2000Lossless, () => import('./wasm/openjpeg.js').then((m) => m.openjpegCodec()));
registerCodec(TS.JPEG2000, () => import('./wasm/openjpeg.js').then((m) => m.openjpegCodec()));
registerCodec(TS.HTJ2KLossless, () => import('./wasm/openjph.js').then((m) => m.openjphCodec()));
registerCodec(TS.HTJ2KLosslessRPCL, () => import('./wasm/openjph.js').then((m) => m.openjphCodec()));
registerCodec(TS.HTJ2K, () => import('./wasm/openjph.js').then((m) => m.openjphCodec()));
for (const uid of [TS.JPEGXLLossless, TS.JPEGXLJPEGRecompression, TS.JPEGXL])
  registerCodec(uid, () => import('./wasm/libjxl.js').then((m) => m.libjxlCodec()));
