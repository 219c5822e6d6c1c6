/**
 * Writing DICOM files durably: to a temporary file in the same folder, fsync, then rename, so a crash at any
 * point leaves either the old file or the whole new one, never half a file.
 */
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { writeDicomStream, type WritableFile, type WriteOptions } from '../part10/writer.js';

/** Writes chunks to `path` atomically (temp file + fsync + rename). */
export function writeChunksAtomic(path: string, chunks: Iterable<Uint8Array>): void {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(tmp, 'wx', 0o644);
  try {
    for (const c of chunks) {
      let off = 0;
      while (off < c.length) off += writeSync(fd, c, off, c.length - off);
    }
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, path);
  } catch (e) {
    try {
      closeSync(fd);
    } catch {
      /* already closed */
    }
    try {
      unlinkSync(tmp);
    } catch {
      /* gone */
    }
    throw e;
  }
}

/** Writes a Part 10 file durably. */
export function writeDicomFileSync(path: string, file: WritableFile, options: WriteOptions = {}): void {
  // Each piece is written before the next is read, so one buffer serves them all.
  writeChunksAtomic(path, writeDicomStream(file, { ...options, reuseBuffer: true }));
}

export async function writeDicomFile(
  path: string,
  file: WritableFile,
  options: WriteOptions = {},
): Promise<void> {
  writeDicomFileSync(path, file, options);
}
