/**
 * A data-set sink that streams C-STORE fragments into a temporary file behind a File Meta Information group
 * (PS3.10 §7.1), so the received object is never held whole in memory (ROBUSTNESS.md #15). The temporary file
 * is hidden in the target folder (rename is then atomic); it is fsynced and renamed only when the handler
 * accepts the object, and removed otherwise — nothing half-written is ever left under a final name.
 */
import { close, fsync, open, rename, unlink, writev } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Dataset, buildFileMeta, concatChunks, writeDatasetChunks, ExplicitVRLittleEndian, transferSyntaxOrDefault } from '@dicomkit/core';
import type { DataSink } from '../dimse/sink.js';

function p<T>(f: (cb: (e: NodeJS.ErrnoException | null, v: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => f((e, v) => (e ? reject(e) : resolve(v))));
}

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
  backlog = 0;
  /** Bytes of data set received. */
  received = 0;
  private fd: Promise<number>;
  private queue: Uint8Array[] = [];
  private writing: Promise<void> | undefined;
  private error: Error | undefined;
  private waiters: (() => void)[] = [];
  private done = false;

  constructor(
    readonly directory: string,
    header: Uint8Array,
    readonly fsyncOnFinish = true,
  ) {
    this.tempPath = join(directory, `.dicomkit-${randomBytes(8).toString('hex')}.part`);
    this.fd = p<number>((cb) => open(this.tempPath, 'wx', 0o644, cb));
    this.fd.catch((e: Error) => (this.error = e));
    this.write(header);
    this.received = 0;
  }

  write(chunk: Uint8Array): void {
    if (this.done) return;
    this.queue.push(chunk);
    this.backlog += chunk.length;
    this.received += chunk.length;
    if (!this.writing) this.writing = this.pump();
  }

  private async pump(): Promise<void> {
    try {
      const fd = await this.fd;
      while (this.queue.length > 0 && !this.error) {
        const batch = this.queue;
        this.queue = [];
        let n = 0;
        for (const b of batch) n += b.length;
        let written = 0;
        let bufs = batch;
        while (written < n) {
          const w = await p<number>((cb) => writev(fd, bufs, cb));
          written += w;
          if (written < n) bufs = remaining(batch, written);
        }
        this.backlog -= n;
      }
    } catch (e) {
      this.error = e as Error;
      this.queue = [];
      this.backlog = 0;
    } finally {
      this.writing = undefined;
      const w = this.waiters;
      this.waiters = [];
      for (const f of w) f();
    }
  }

  drained(): Promise<void> {
    if (!this.writing) return Promise.resolve();
    return new Promise((r) => this.waiters.push(r));
  }

  /** Flushes and fsyncs the temporary file (not yet renamed). Throws the first write error. */
  async finish(): Promise<void> {
    while (this.writing) await this.writing;
    if (this.error) throw this.error;
    const fd = await this.fd;
    if (this.fsyncOnFinish) await p<void>((cb) => fsync(fd, (e) => cb(e, undefined)));
  }

  /** Moves the finished file to its final path and closes it. */
  async commit(finalPath: string): Promise<void> {
    this.done = true;
    const fd = await this.fd;
    await p<void>((cb) => close(fd, (e) => cb(e, undefined)));
    await p<void>((cb) => rename(this.tempPath, finalPath, (e) => cb(e, undefined)));
  }

  async abort(): Promise<void> {
    if (this.done) return;
    this.done = true;
    this.queue = [];
    while (this.writing) await this.writing.catch(() => undefined);
    try {
      const fd = await this.fd;
      await p<void>((cb) => close(fd, (e) => cb(e, undefined)));
    } catch {
      /* never opened */
    }
    await p<void>((cb) => unlink(this.tempPath, (e) => cb(e, undefined))).catch(() => undefined);
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
