/**
 * Where a received data set goes while it arrives (PS3.7 §9.3: data set PDVs follow the command). A sink sees
 * each fragment once, in order, and must not hold on to more than it can bound: the association pauses the
 * socket while a sink's backlog is above its high-water mark.
 */
import { DicomError } from '@dicomkit/core';

export interface DataSink {
  /** Takes one fragment: a view into a reused receive buffer, valid only during the call (copy it to keep it). */
  write(chunk: Uint8Array): void;
  /** Bytes accepted but not yet handed on (the association pauses reading above a high-water mark). */
  readonly backlog: number;
  /** Resolves when the backlog is empty. */
  drained(): Promise<void>;
  /** The last fragment arrived: complete the work (flush, fsync, rename…). */
  finish(): Promise<void>;
  /** The association ended mid-data-set or the message was refused: undo everything. */
  abort(): Promise<void>;
}

/** A sink that keeps the data set in memory, up to a cap (identifiers, N-* data sets, small objects). */
export class MemorySink implements DataSink {
  private parts: Uint8Array[] = [];
  private size = 0;
  readonly backlog = 0;

  constructor(readonly maxBytes: number) {}

  write(chunk: Uint8Array): void {
    this.size += chunk.length;
    if (this.size > this.maxBytes)
      throw new DicomError('DIMSE_ERROR', `data set larger than ${this.maxBytes} bytes kept in memory`);
    this.parts.push(chunk);
  }
  drained(): Promise<void> {
    return Promise.resolve();
  }
  finish(): Promise<void> {
    return Promise.resolve();
  }
  abort(): Promise<void> {
    this.parts = [];
    return Promise.resolve();
  }
  /** The data set's bytes (one copy when it came in several fragments). */
  bytes(): Uint8Array {
    if (this.parts.length === 1) return this.parts[0]!;
    const out = new Uint8Array(this.size);
    let o = 0;
    for (const p of this.parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
}
