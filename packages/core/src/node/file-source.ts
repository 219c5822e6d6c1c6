/**
 * A file as a {@link ByteSource}: bulk data left in a file is read from it on demand.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import type { ByteSource } from '../data/bulk.js';
import { DicomError } from '../errors.js';

export class FileSource implements ByteSource {
  readonly description: string;
  constructor(
    readonly path: string,
    readonly size: number,
  ) {
    this.description = `file ${path}`;
  }

  read(offset: number, length: number): Uint8Array {
    if (offset + length > this.size)
      throw new DicomError('TRUNCATED', `${length} bytes at ${offset} are past the end of ${this.path}`, {
        offset,
      });
    const fd = openSync(this.path, 'r');
    try {
      return readExactly(fd, offset, length);
    } finally {
      closeSync(fd);
    }
  }

  readInto(offset: number, target: Uint8Array): void {
    if (offset + target.length > this.size)
      throw new DicomError(
        'TRUNCATED',
        `${target.length} bytes at ${offset} are past the end of ${this.path}`,
        { offset },
      );
    const fd = openSync(this.path, 'r');
    try {
      let got = 0;
      while (got < target.length) {
        const n = readSync(fd, target, got, target.length - got, offset + got);
        if (n === 0)
          throw new DicomError('TRUNCATED', `${this.path} ended at byte ${offset + got}`, {
            offset: offset + got,
          });
        got += n;
      }
    } finally {
      closeSync(fd);
    }
  }
}

/** Reads `length` bytes at `offset` from an open file, looping over short reads. */
export function readExactly(fd: number, offset: number, length: number): Uint8Array {
  const out = Buffer.allocUnsafe(length);
  let got = 0;
  while (got < length) {
    const n = readSync(fd, out, got, length - got, offset + got);
    if (n === 0) break;
    got += n;
  }
  // A plain Uint8Array view: its subarray() is much cheaper than a Buffer's.
  return new Uint8Array(out.buffer, out.byteOffset, got);
}
