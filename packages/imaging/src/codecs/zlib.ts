/**
 * Raw deflate (RFC 1951) without a static Node import, so the decode path stays browser-safe:
 * Node's zlib through process.getBuiltinModule where it exists, else the Compression Streams API.
 */
import { concatChunks, DicomError, nodeZlib } from '@dicomkit/core';

async function streamThrough(
  bytes: Uint8Array,
  stream: { readable: ReadableStream<Uint8Array>; writable: WritableStream<BufferSource> },
  maxOutput: number,
): Promise<Uint8Array> {
  const writer = stream.writable.getWriter();
  void writer
    .write(bytes as Uint8Array<ArrayBuffer>)
    .then(() => writer.close())
    .catch(() => undefined);
  const reader = stream.readable.getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > maxOutput) {
      await reader.cancel();
      throw new DicomError('DEFLATE_ERROR', `inflated data exceeds ${maxOutput} bytes`);
    }
    parts.push(value);
  }
  return concatChunks(parts);
}

/** Inflates raw deflate data (a zlib header is accepted too), refusing more than `maxOutput` bytes. */
export async function inflateRaw(bytes: Uint8Array, maxOutput: number): Promise<Uint8Array> {
  const z = nodeZlib();
  if (z) {
    try {
      return z.inflateRawSync(bytes, { maxOutputLength: maxOutput });
    } catch (e) {
      if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE')
        throw new DicomError('DEFLATE_ERROR', `inflated data exceeds ${maxOutput} bytes`, { cause: e });
      try {
        return z.inflateSync(bytes, { maxOutputLength: maxOutput });
      } catch {
        throw new DicomError('DEFLATE_ERROR', `inflate failed: ${(e as Error).message}`, { cause: e });
      }
    }
  }
  try {
    return await streamThrough(bytes, new DecompressionStream('deflate-raw'), maxOutput);
  } catch (e) {
    if (e instanceof DicomError) throw e;
    // A frame padded to even length (PS3.5 §A.4) carries a zero byte after the deflate stream: zlib ignores it,
    // Compression Streams reject it as junk. Once more without the pad.
    if (bytes.length > 1 && bytes[bytes.length - 1] === 0) {
      try {
        return await streamThrough(
          bytes.subarray(0, bytes.length - 1),
          new DecompressionStream('deflate-raw'),
          maxOutput,
        );
      } catch {
        /* the first error says more */
      }
    }
    throw new DicomError('DEFLATE_ERROR', `inflate failed: ${(e as Error).message}`, { cause: e });
  }
}

/** Compresses with raw deflate. */
export async function deflateRaw(bytes: Uint8Array): Promise<Uint8Array> {
  const z = nodeZlib();
  if (z) return z.deflateRawSync(bytes, { level: 6 });
  return streamThrough(bytes, new CompressionStream('deflate-raw'), 2 ** 31 - 1);
}
