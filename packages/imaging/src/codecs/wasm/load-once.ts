/**
 * Loads a codec once. A failed load is reported as a DicomError and retried next time. A WASM trap inside a
 * codec (memory access out of bounds on hostile input) leaves its module unusable, so the module is dropped and
 * the next frame loads a fresh one: one bad file never poisons the frames after it.
 */
import { DicomError } from '@dicomkit/core';
import type { FrameCodec } from '../codec.js';

function isTrap(e: unknown): boolean {
  return typeof WebAssembly !== 'undefined' && e instanceof WebAssembly.RuntimeError;
}

export function loadOnce(name: string, load: () => Promise<FrameCodec>): () => Promise<FrameCodec> {
  let p: Promise<FrameCodec> | undefined;
  const guard =
    <A extends unknown[], R>(f: (...a: A) => R | Promise<R>) =>
    async (...a: A): Promise<R> => {
      try {
        return await f(...a);
      } catch (e) {
        if (!isTrap(e)) throw e;
        p = undefined;
        throw new DicomError(
          'INVALID_VALUE',
          `${name} failed (${(e as Error).message}); the codec will be reloaded`,
          { cause: e },
        );
      }
    };
  return () => {
    p ??= load().then(
      (c) => {
        const wrapped: FrameCodec = { name: c.name, decode: guard(c.decode.bind(c)) };
        if (c.encode) wrapped.encode = guard(c.encode.bind(c));
        if (c.canEncode) wrapped.canEncode = c.canEncode.bind(c);
        return wrapped;
      },
      (e: unknown) => {
        p = undefined;
        throw new DicomError(
          'UNSUPPORTED_TRANSFER_SYNTAX',
          `${name} could not be loaded: ${(e as Error).message}`,
          { cause: e },
        );
      },
    );
    return p;
  };
}
