/**
 * A data-set sink that streams C-STORE fragments into a temporary file behind a File Meta Information group
 * (PS3.10 §7.1), so the received object is never held whole in memory (ROBUSTNESS.md #15). The temporary file
 * is hidden in the target folder (rename is then atomic); it is fsynced and renamed only when the handler
 * accepts the object, and removed otherwise — nothing half-written is ever left under a final name.
 *
 * Writes are synchronous: each is at most one PDU (bounded by our maximum PDU length) into the page cache, which
 * costs microseconds, while a round trip through libuv's thread pool per write, open, close and rename was the
 * largest part of the time per image (bench/README.md). Only fsync, which waits for the disk, is asynchronous.
 */
import { closeSync, fsync, openSync, renameSync, unlinkSync, writevSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Dataset, buildFileMeta, concatChunks, writeDatasetChunks, ExplicitVRLittleEndian, transferSyntaxOrDefault } from '@dicomkit/core';
import type { DataSink } from '../dimse/sink.js';

/** The bytes of a Part 10 header: preamble, "DICM" and the File Meta group for these UIDs. */
export function part10Header(sopClassUid: string, sopInstanceUid: string, transferSyntaxUid: string, sourceAeTitle?: string): Uint8Array {
  const old = new Dataset();
  old.set(0x00020002, 'UI', sopClassUid);
  old.set(0x00020003, 'UI', sopInstanceUid);
  if (sourceAeTitle) old.set(0x00020016, 'AE', sourceAeTitle);
  const meta = buildFileMeta(new Dataset(), transferSyntaxOrDefault(transferSyntaxUid), old);
  const head = new Uint8Array(132);
  head.set([0x44, 0x49, 0x43, 0x4d], 128);
  return concatChunks([head, ...writeDatasetChunks(meta, ExplicitVRLittleEndian)]);
}

export class FileSink implements DataSink {
  readonly tempPath: string;
  readonly backlog = 0;
  /** Bytes of data set received. */
  received = 0;
  private fd: number | undefined;
  private error: Error | undefined;
  private done = false;

  constructor(
    readonly directory: string,
    header: Uint8Array,
    readonly fsyncOnFinish = true,
  ) {
    this.tempPath = join(directory, `.dicomkit-${randomBytes(8).toString('hex')}.part`);
    try {
      this.fd = openSync(this.tempPath, 'w', 0o644);
      this.writeAll([header]);
    } catch (e) {
      this.error = e as Error;
    }
  }

  private writeAll(bufs: Uint8Array[]): void {
    let n = 0;
    for (const b of bufs) n += b.length;
    let written = writevSync(this.fd!, bufs);
    while (written < n) written += writevSync(this.fd!, remaining(bufs, written));
  }

  write(chunk: Uint8Array): void {
    if (this.done || this.error) return;
    this.received += chunk.length;
    try {
      this.writeAll([chunk]);
    } catch (e) {
      // Remember the first error (disk full…): the C-STORE then fails with Out of Resources.
      this.error = e as Error;
    }
  }

  drained(): Promise<void> {
    return Promise.resolve();
  }

  /** Makes the temporary file durable (fsync) but does not rename it yet. Throws the first write error. */
  async finish(): Promise<void> {
    if (this.error) throw this.error;
    const fd = this.fd!;
    if (this.fsyncOnFinish) await new Promise<void>((resolve, reject) => fsync(fd, (e) => (e ? reject(e) : resolve())));
  }

  /** Moves the finished file to its final path and closes it. */
  async commit(finalPath: string): Promise<void> {
    this.done = true;
    closeSync(this.fd!);
    this.fd = undefined;
    renameSync(this.tempPath, finalPath);
  }

  async abort(): Promise<void> {
    if (this.done) return;
    this.done = true;
    try {
      if (this.fd !== undefined) closeSync(this.fd);
    } catch {
      /* already closed */
    }
    this.fd = undefined;
    try {
      unlinkSync(this.tempPath);
    } catch {
      /* never created */
    }
  }
}

function remaining(batch: Uint8Array[], skip: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const b of batch) {
    if (skip >= b.length) {
      skip -= b.length;
      continue;
    }
    out.push(skip > 0 ? b.subarray(skip) : b);
    skip = 0;
  }
  return out;
}
