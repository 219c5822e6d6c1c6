/**
 * The messages between a {@link CodecPool} and its workers, and the worker's side of them: decode one frame's
 * codestream, or encode one frame's pixels, with the codec registered for the transfer syntax. Browser-safe: the
 * Node and browser worker entry points only wire {@link handleCodecRequest} to their message ports.
 */
import { DicomError, type DicomErrorCode } from '@dicomkit/core';
import type { PixelDescription } from '../frames/description.js';
import type { PixelArray } from '../frames/pixel-array.js';
import type { EncodeOptions, EncodedFrame } from '../codecs/codec.js';
import { getCodec } from '../codecs/registry.js';
import { decodeWithCodec, encodeWithCodec } from '../frames/frames.js';

interface RequestBase {
  id: number;
  transferSyntaxUid: string;
  description: PixelDescription;
  /** 0-based frame number, for messages. */
  index: number;
}

export interface DecodeRequest extends RequestBase {
  kind: 'decode';
  /** The frame's codestream (transferred, not copied). */
  bytes: Uint8Array;
}

export interface EncodeRequest extends RequestBase {
  kind: 'encode';
  /** The frame's samples, interleaved, as the codec's encoder takes them (transferred). */
  pixels: PixelArray;
  options: EncodeOptions;
}

export type CodecRequest = DecodeRequest | EncodeRequest;

export interface WorkerError {
  code: DicomErrorCode;
  message: string;
  offset?: number;
  tagPath?: string;
}

export type CodecResponse =
  | { id: number; kind: 'decoded'; pixels: PixelArray; photometricInterpretation?: string }
  | { id: number; kind: 'encoded'; encoded: EncodedFrame }
  | { id: number; kind: 'error'; error: WorkerError };

/** Answers one request; errors become a response, never an exception (the worker keeps serving). */
export async function handleCodecRequest(req: CodecRequest): Promise<CodecResponse> {
  try {
    const codec = await getCodec(req.transferSyntaxUid);
    if (req.kind === 'encode') {
      const encoded = await encodeWithCodec(codec, req.pixels, req.description, req.options, req.index);
      return { id: req.id, kind: 'encoded', encoded: { ...encoded, bytes: ownBuffer(encoded.bytes) } };
    }
    const decoded = await decodeWithCodec(codec, req.bytes, req.description, req.index);
    const r: CodecResponse = { id: req.id, kind: 'decoded', pixels: ownBuffer(decoded.pixels) };
    if (decoded.photometricInterpretation) r.photometricInterpretation = decoded.photometricInterpretation;
    return r;
  } catch (e) {
    const err =
      e instanceof DicomError
        ? e
        : new DicomError('INVALID_VALUE', `frame ${req.index + 1}: ${(e as Error).message ?? String(e)}`);
    const out: WorkerError = { code: err.code, message: err.message };
    if (err.offset !== undefined) out.offset = err.offset;
    if (err.tagPath !== undefined) out.tagPath = err.tagPath;
    return { id: req.id, kind: 'error', error: out };
  }
}

/** The buffers a message can transfer instead of copying. */
export function transferList(m: CodecRequest | CodecResponse): ArrayBuffer[] {
  if ('kind' in m) {
    if (m.kind === 'decode') return [m.bytes.buffer as ArrayBuffer];
    if (m.kind === 'encode' || m.kind === 'decoded') return [m.pixels.buffer as ArrayBuffer];
    if (m.kind === 'encoded') return [m.encoded.bytes.buffer as ArrayBuffer];
  }
  return [];
}

/** A typed array that owns its whole buffer, so transferring it moves exactly its bytes. */
export function ownBuffer<T extends PixelArray | Uint8Array>(a: T): T {
  return a.byteOffset === 0 && a.byteLength === a.buffer.byteLength ? a : (a.slice() as T);
}
