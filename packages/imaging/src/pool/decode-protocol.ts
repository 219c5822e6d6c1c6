/**
 * The messages between a {@link DecodePool} and its workers, and the worker's side of them: decode one frame's
 * codestream with the codec registered for its transfer syntax. Browser-safe: the Node and browser worker entry
 * points only wire {@link handleDecodeRequest} to their message ports.
 */
import { DicomError, type DicomErrorCode } from '@dicomkit/core';
import type { PixelDescription } from '../frames/description.js';
import type { PixelArray } from '../frames/pixel-array.js';
import { getCodec } from '../codecs/registry.js';
import { decodeWithCodec } from '../frames/frames.js';

export interface DecodeRequest {
  id: number;
  transferSyntaxUid: string;
  /** The frame's codestream (transferred, not copied). */
  bytes: Uint8Array;
  description: PixelDescription;
  /** 0-based frame number, for messages. */
  index: number;
}

export interface DecodeError {
  code: DicomErrorCode;
  message: string;
  offset?: number;
  tagPath?: string;
}

export type DecodeResponse =
  { id: number; pixels: PixelArray; photometricInterpretation?: string } | { id: number; error: DecodeError };

/** Decodes one request; errors become a response, never an exception (the worker keeps serving). */
export async function handleDecodeRequest(req: DecodeRequest): Promise<DecodeResponse> {
  try {
    const codec = await getCodec(req.transferSyntaxUid);
    const decoded = await decodeWithCodec(codec, req.bytes, req.description, req.index);
    const r: DecodeResponse = { id: req.id, pixels: ownBuffer(decoded.pixels) };
    if (decoded.photometricInterpretation) r.photometricInterpretation = decoded.photometricInterpretation;
    return r;
  } catch (e) {
    const err =
      e instanceof DicomError
        ? e
        : new DicomError('INVALID_VALUE', `frame ${req.index + 1}: ${(e as Error).message ?? String(e)}`);
    const out: DecodeError = { code: err.code, message: err.message };
    if (err.offset !== undefined) out.offset = err.offset;
    if (err.tagPath !== undefined) out.tagPath = err.tagPath;
    return { id: req.id, error: out };
  }
}

/** The buffers a response can transfer instead of copying. */
export function transferList(r: DecodeResponse): ArrayBuffer[] {
  return 'pixels' in r ? [r.pixels.buffer as ArrayBuffer] : [];
}

/** A typed array that owns its whole buffer, so transferring it moves exactly its bytes. */
export function ownBuffer<T extends PixelArray | Uint8Array>(a: T): T {
  return a.byteOffset === 0 && a.byteLength === a.buffer.byteLength ? a : (a.slice() as T);
}
