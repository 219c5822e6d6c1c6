/**
 * A pool of workers that decode and encode frames in parallel: the frame's fragments are located and read on the
 * calling thread ({@link frameSource}), the codec runs in a worker, pixels and codestreams move between threads
 * transferred, not copied. One WASM codec instance per worker and per codec, as on the main thread, so memory
 * stays flat.
 *
 * Browser-safe: the pool knows workers only through {@link PoolWorker}; `createCodecPool` in
 * `@dicomkit/imaging/node` makes worker_threads, and a page can wrap Web Workers the same way.
 */
import { DicomError, type Dataset, type TransferSyntax } from '@dicomkit/core';
import { decodedFrame, frameSource, type Frame, type FrameOptions } from '../frames/frames.js';
import { pixelDescription, type PixelDescription } from '../frames/description.js';
import type { DecodedFrame, EncodedFrame, EncodeOptions } from '../codecs/codec.js';
import type { PixelArray } from '../frames/pixel-array.js';
import { transferList, type CodecRequest, type CodecResponse } from './codec-protocol.js';

/** What the pool needs of a worker: post a request, hear responses and failures, stop. */
export interface PoolWorker {
  postMessage(request: CodecRequest, transfer: ArrayBuffer[]): void;
  onMessage(listener: (response: CodecResponse) => void): void;
  /** The worker died (an uncaught error, a WASM trap that killed it, exit). */
  onError(listener: (error: Error) => void): void;
  /** Whether the worker should keep its host alive (Node: ref/unref); called as work starts and ends. */
  setBusy?(busy: boolean): void;
  terminate(): unknown;
}

export interface CodecPoolOptions {
  /** How many requests each worker holds at once (default 2: one decoding, one waiting). */
  perWorker?: number;
}

interface Job {
  request: CodecRequest;
  resolve(r: CodecResponse): void;
  reject(e: Error): void;
}

interface Slot {
  worker: PoolWorker;
  jobs: Map<number, Job>;
}

export class CodecPool {
  readonly size: number;
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private readonly perWorker: number;
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly createWorker: () => PoolWorker,
    size: number,
    options: CodecPoolOptions = {},
  ) {
    if (!Number.isInteger(size) || size < 1)
      throw new DicomError('INVALID_VALUE', `a codec pool needs at least one worker, not ${size}`);
    this.size = size;
    this.perWorker = Math.max(1, options.perWorker ?? 2);
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  /** Decodes one codestream with the codec of `transferSyntaxUid`, in a worker. */
  async decode(
    transferSyntaxUid: string,
    bytes: Uint8Array,
    description: PixelDescription,
    index = 0,
  ): Promise<DecodedFrame> {
    // The worker gets its own copy of just these bytes (the frame may be a view into a whole file).
    const r = await this.submit({
      id: 0,
      kind: 'decode',
      transferSyntaxUid,
      bytes: bytes.slice(),
      description,
      index,
    });
    if (r.kind !== 'decoded') throw new DicomError('INVALID_VALUE', 'the worker answered out of turn');
    return r.photometricInterpretation
      ? { pixels: r.pixels, photometricInterpretation: r.photometricInterpretation }
      : { pixels: r.pixels };
  }

  /**
   * Encodes one frame with the encoder of `transferSyntaxUid`, in a worker. `pixels` is transferred: the caller's
   * array is detached afterwards (pass a copy to keep it).
   */
  async encode(
    transferSyntaxUid: string,
    pixels: PixelArray,
    description: PixelDescription,
    options: EncodeOptions = {},
    index = 0,
  ): Promise<EncodedFrame> {
    const own =
      pixels.byteOffset === 0 && pixels.byteLength === pixels.buffer.byteLength ? pixels : pixels.slice();
    const r = await this.submit({
      id: 0,
      kind: 'encode',
      transferSyntaxUid,
      pixels: own,
      description,
      options,
      index,
    });
    if (r.kind !== 'encoded') throw new DicomError('INVALID_VALUE', 'the worker answered out of turn');
    return r.encoded;
  }

  private submit(request: CodecRequest): Promise<CodecResponse> {
    if (this.closed) return Promise.reject(new DicomError('INVALID_VALUE', 'the codec pool is closed'));
    request.id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      this.pump();
    });
  }

  /** Like {@link getFrame}, with the codec running in a worker. */
  async getFrame(
    ds: Dataset,
    transferSyntax: TransferSyntax | string,
    index: number,
    options: FrameOptions = {},
  ): Promise<Frame> {
    const src = frameSource(ds, transferSyntax, index, options);
    if (src.kind === 'native') return src.frame;
    const decoded = await this.decode(src.transferSyntaxUid, src.bytes, src.description, index);
    return decodedFrame(index, src.description, decoded);
  }

  /**
   * Every frame in order, decoded in parallel: up to `ahead` frames (default twice the pool size) are in flight,
   * so memory holds at most that many decoded frames beyond what the caller keeps.
   */
  async *frames(
    ds: Dataset,
    transferSyntax: TransferSyntax | string,
    options: FrameOptions & { ahead?: number } = {},
  ): AsyncGenerator<Frame> {
    const n = pixelDescription(ds).numberOfFrames;
    const ahead = Math.max(1, options.ahead ?? this.size * 2);
    const pending: Promise<Frame>[] = [];
    let next = 0;
    try {
      while (next < n || pending.length > 0) {
        while (next < n && pending.length < ahead) {
          const p = this.getFrame(ds, transferSyntax, next++, options);
          // Errors surface in frame order, when their turn comes; until then they are not "unhandled".
          p.catch(() => undefined);
          pending.push(p);
        }
        yield await pending.shift()!;
      }
    } finally {
      await Promise.allSettled(pending);
    }
  }

  /** Stops the workers; requests still waiting are rejected. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const err = new DicomError('INVALID_VALUE', 'the codec pool was closed');
    for (const job of this.queue.splice(0)) job.reject(err);
    for (const slot of this.slots) {
      for (const job of slot.jobs.values()) job.reject(err);
      slot.jobs.clear();
    }
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private spawn(): Slot {
    const worker = this.createWorker();
    const slot: Slot = { worker, jobs: new Map() };
    worker.onMessage((r) => this.settle(slot, r));
    worker.onError((e) => this.replace(slot, e));
    return slot;
  }

  private pump(): void {
    while (this.queue.length > 0) {
      let best: Slot | undefined;
      for (const s of this.slots)
        if (s.jobs.size < this.perWorker && (!best || s.jobs.size < best.jobs.size)) best = s;
      if (!best) return;
      const job = this.queue.shift()!;
      best.jobs.set(job.request.id, job);
      if (best.jobs.size === 1) best.worker.setBusy?.(true);
      best.worker.postMessage(job.request, transferList(job.request));
    }
  }

  private settle(slot: Slot, r: CodecResponse): void {
    const job = slot.jobs.get(r.id);
    if (!job) return;
    slot.jobs.delete(r.id);
    if (slot.jobs.size === 0) slot.worker.setBusy?.(false);
    if (r.kind === 'error') {
      const { code, message, offset, tagPath } = r.error;
      job.reject(new DicomError(code, message, { offset, tagPath }));
    } else job.resolve(r);
    this.pump();
  }

  /** A worker died: its requests fail with a typed error and a fresh worker takes its place. */
  private replace(slot: Slot, e: Error): void {
    const i = this.slots.indexOf(slot);
    if (i < 0) return;
    for (const job of slot.jobs.values())
      job.reject(
        new DicomError(
          'INVALID_VALUE',
          `the codec worker failed on frame ${job.request.index + 1}: ${e.message}`,
          { tagPath: 'PixelData', cause: e },
        ),
      );
    slot.jobs.clear();
    slot.worker.setBusy?.(false);
    void Promise.resolve(slot.worker.terminate()).catch(() => undefined);
    if (this.closed) return;
    this.slots[i] = this.spawn();
    this.pump();
  }
}
