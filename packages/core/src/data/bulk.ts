/**
 * Bulk data left in its source and read on demand (the lazy half of the data model).
 */

/** Something that can hand out byte ranges synchronously: a buffer in memory, or a file. */
export interface ByteSource {
  /** Total size in bytes. */
  readonly size: number;
  /** Bytes [offset, offset + length). May be a view: do not modify. */
  read(offset: number, length: number): Uint8Array;
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
