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
import { tempFileName, type TempFile } from './temp-files.js';
import { copyBytes } from '../transport/receive-buffers.js';
import {
  IMPLEMENTATION_CLASS_UID,
  IMPLEMENTATION_VERSION_NAME,
  transferSyntaxOrDefault,
} from '@dicomkit/core';
import type { DataSink } from '../dimse/sink.js';

/**
 * The bytes of a Part 10 header: preamble, "DICM" and the File Meta Information group (PS3.10 §7.1) for these
 * UIDs — version, SOP class and instance, transfer syntax, our implementation class and version, and the source
 * AE title when given. Encoded directly (Explicit VR Little Endian, every VR known): the same bytes as
 * buildFileMeta would give, without a data set or dictionary per received object.
 */
export function part10Header(
  sopClassUid: string,
  sopInstanceUid: string,
  transferSyntaxUid: string,
  sourceAeTitle?: string,
): Uint8Array {
  const elements: [number, string, string | Uint8Array][] = [
    [0x0001, 'OB', FILE_META_VERSION],
    [0x0002, 'UI', sopClassUid],
    [0x0003, 'UI', sopInstanceUid],
    [0x0010, 'UI', transferSyntaxOrDefault(transferSyntaxUid).uid],
    [0x0012, 'UI', IMPLEMENTATION_CLASS_UID],
    [0x0013, 'SH', IMPLEMENTATION_VERSION_NAME],
  ];
  if (sourceAeTitle) elements.push([0x0016, 'AE', sourceAeTitle]);
  let body = 0;
  for (const [, vr, v] of elements) body += (vr === 'OB' ? 12 : 8) + padded(v.length);
  const out = new Uint8Array(132 + 12 + body);
  const dv = new DataView(out.buffer);
  out.set([0x44, 0x49, 0x43, 0x4d], 128);
  let o = 132;
  const head = (element: number, vr: string, len: number): void => {
    dv.setUint16(o, 0x0002, true);
    dv.setUint16(o + 2, element, true);
    out[o + 4] = vr.charCodeAt(0);
    out[o + 5] = vr.charCodeAt(1);
    if (vr === 'OB') {
      dv.setUint32(o + 8, len, true); // 2 reserved bytes stay zero
      o += 12;
    } else {
      dv.setUint16(o + 6, len, true);
      o += 8;
    }
  };
  head(0x0000, 'UL', 4);
  dv.setUint32(o, body, true);
  o += 4;
  for (const [element, vr, v] of elements) {
    const len = padded(v.length);
    head(element, vr, len);
    if (typeof v === 'string') {
      for (let i = 0; i < v.length; i++) out[o + i] = v.charCodeAt(i) & 0xff;
      if (len > v.length) out[o + v.length] = vr === 'UI' ? 0 : 0x20; // UI pads with NUL, SH/AE with space
    } else out.set(v, o);
    o += len;
  }
  return out;
}

const FILE_META_VERSION = new Uint8Array([0, 1]);
const padded = (n: number): number => n + (n & 1);

export class FileSink implements DataSink {
  readonly tempPath: string;
  /** Bytes of data set received. */
  received = 0;
  private fd: number | undefined;
  private error: Error | undefined;
  private done = false;
  /** While the temporary file is still being created: the bytes received so far (copies). */
  private pending: Uint8Array[] | undefined;
  /** Settles once the temporary file is open and the pending bytes are in it. */
  private readonly opened: Promise<void> | undefined;

  /**
   * `temp`: an empty temporary file in `directory` created ahead, or being created (see TempFileReserve: the
   * association stops reading meanwhile, see `backlog`; what was already read is kept); else one is created now.
   */
  constructor(
    readonly directory: string,
    header: Uint8Array,
    readonly fsyncOnFinish = true,
    temp?: TempFile,
  ) {
    this.tempPath = temp?.path ?? tempFileName(directory);
    try {
      const fd = temp ? temp.fd : openSync(this.tempPath, 'w', 0o644);
      if (typeof fd === 'number') {
        this.fd = fd;
        this.writeAll([header]);
      } else {
        this.pending = [header];
        this.opened = fd.then(
          (n) => {
            this.fd = n;
            const bufs = this.pending!;
            this.pending = undefined;
            try {
              if (!this.done && !this.error) this.writeAll(bufs);
            } catch (e) {
              this.error = e as Error;
            }
          },
          (e: Error) => {
            this.pending = undefined;
            this.error = e;
          },
        );
      }
    } catch (e) {
      this.error = e as Error;
    }
  }

  /**
   * While the temporary file is being created: reported as more than any high-water mark, so that the
   * association stops reading (the peer's bytes wait in the kernel, not copied into memory here) until it exists.
   */
  get backlog(): number {
    return this.pending ? Number.MAX_SAFE_INTEGER : 0;
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
    if (this.pending) {
      // The chunk is a view of a reused receive buffer: keep a copy.
      this.pending.push(copyBytes(chunk));
      return;
    }
    try {
      this.writeAll([chunk]);
    } catch (e) {
      // Remember the first error (disk full…): the C-STORE then fails with Out of Resources.
      this.error = e as Error;
    }
  }

  drained(): Promise<void> {
    return this.opened ?? Promise.resolve();
  }

  /** Makes the temporary file durable (fsync) but does not rename it yet. Throws the first write error. */
  async finish(): Promise<void> {
    await this.opened;
    if (this.error) throw this.error;
    const fd = this.fd!;
    if (this.fsyncOnFinish)
      await new Promise<void>((resolve, reject) => fsync(fd, (e) => (e ? reject(e) : resolve())));
  }

  /** Moves the finished file to its final path and closes it. */
  async commit(finalPath: string): Promise<void> {
    await this.opened;
    this.done = true;
    closeSync(this.fd!);
    this.fd = undefined;
    renameSync(this.tempPath, finalPath);
  }

  async abort(): Promise<void> {
    if (this.done) return;
    this.done = true;
    await this.opened;
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
