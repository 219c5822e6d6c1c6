/**
 * Bulk data left in its source and read on demand (the lazy half of the data model).
 */
import { DicomError } from '../errors.js';

/** Something that can hand out byte ranges synchronously: a buffer in memory, or a file. */
export interface ByteSource {
  /** Total size in bytes. */
  readonly size: number;
  /** Bytes [offset, offset + length). May be a view: do not modify. */
  read(offset: number, length: number): Uint8Array;
  /** Optionally, reads bytes [offset, offset + target.length) into `target` (lets a streaming writer reuse one buffer). */
  readInto?(offset: number, target: Uint8Array): void;
  /** A description for messages ("file /x/y.dcm", "buffer"). */
  readonly description: string;
}

export class MemorySource implements ByteSource {
  readonly description = 'buffer';
  constructor(readonly bytes: Uint8Array) {}
  get size(): number {
    return this.bytes.length;
  }
  read(offset: number, length: number): Uint8Array {
    return this.bytes.subarray(offset, offset + length);
  }
}

/** A value that stays in its source until read: offset and length there. */
export interface BulkDataRef {
  readonly source: ByteSource;
  readonly offset: number;
  readonly length: number;
}

export function readBulk(ref: BulkDataRef): Uint8Array {
  return ref.source.read(ref.offset, ref.length);
}

/**
 * Bytes [start, start + length) of a value left in its source, read without the rest: one frame of native
 * multi-frame Pixel Data is `readBulkRange(ref, frame * frameSize, frameSize)`.
 */
export function readBulkRange(ref: BulkDataRef, start: number, length: number): Uint8Array {
  if (
    !Number.isSafeInteger(start) ||
    !Number.isSafeInteger(length) ||
    start < 0 ||
    length < 0 ||
    start + length > ref.length
  ) {
    throw new DicomError(
      'INVALID_VALUE',
      `bytes ${start}..${start + length} are outside the ${ref.length}-byte value`,
    );
  }
  return ref.source.read(ref.offset + start, length);
}
