/**
 * Loads a codec once; a failed load is reported as a DicomError and retried next time.
 */
import { DicomError } from '@dicomkit/core';
import type { FrameCodec } from '../codec.js';

export function loadOnce(name: string, load: () => Promise<FrameCodec>): () => Promise<FrameCodec> {
  let p: Promise<FrameCodec> | undefined;
  return () => {
    p ??= load().catch((e: unknown) => {
      p = undefined;
      throw new DicomError('UNSUPPORTED_TRANSFER_SYNTAX', `${name} could not be loaded: ${(e as Error).message}`, { cause: e });
    });
    return p;
  };
}
