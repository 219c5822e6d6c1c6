/**
 * Deflate for the Deflated Explicit VR Little Endian transfer syntax (PS3.5 §A.5: raw deflate, RFC 1951).
 * Uses Node's zlib when present (no dependency); elsewhere the caller passes its own inflate/deflate.
 */
import { DicomError } from '../errors.js';

export type Inflate = (bytes: Uint8Array, maxOutput: number) => Uint8Array;
export type Deflate = (bytes: Uint8Array) => Uint8Array;

export interface ZlibLike {
  inflateRawSync(b: Uint8Array, o: { maxOutputLength: number }): Uint8Array;
  inflateSync(b: Uint8Array, o: { maxOutputLength: number }): Uint8Array;
  deflateRawSync(b: Uint8Array, o?: { level?: number }): Uint8Array;
}

/** Node's zlib where it exists (through process.getBuiltinModule, so browser bundles never import it), else undefined. */
export function nodeZlib(): ZlibLike | undefined {
  const p = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return p?.getBuiltinModule?.('node:zlib') as ZlibLike | undefined;
}

/** The default cap on inflated size: 32× the compressed size plus 8 MiB (real deflated datasets compress 1–3×; a deflate bomb ~1000×). */
export function defaultInflateCap(compressed: number): number {
  return Math.min(compressed * 32 + 8 * 1024 * 1024, 2 ** 31 - 1);
}

export const defaultInflate: Inflate = (bytes, maxOutput) => {
  const z = nodeZlib();
  if (!z) throw new DicomError('DEFLATE_ERROR', 'no inflate available here: pass options.inflate');
  try {
    return z.inflateRawSync(bytes, { maxOutputLength: maxOutput });
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new DicomError('DEFLATE_ERROR', `inflated data exceeds the cap of ${maxOutput} bytes`, {
        cause: e,
      });
    }
    // Some writers put a zlib header on the stream: accept that too.
    try {
      return z.inflateSync(bytes, { maxOutputLength: maxOutput });
    } catch {
      throw new DicomError('DEFLATE_ERROR', `inflate failed: ${(e as Error).message}`, { cause: e });
    }
  }
};

export const defaultDeflate: Deflate = (bytes) => {
  const z = nodeZlib();
  if (!z) throw new DicomError('DEFLATE_ERROR', 'no deflate available here: pass options.deflate');
  return z.deflateRawSync(bytes, { level: 6 });
};
