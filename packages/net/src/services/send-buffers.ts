/**
 * Buffers that data sets are read into before a C-STORE sends them, reused from one file to the next. Reading
 * a file into fresh memory costs more than the read itself (every new page is faulted in on first touch, and
 * the buffers pile up until a full garbage collection): a 520 KB CT slice took ~0.4 ms into a new buffer and
 * ~0.1 ms into a reused one (bench/README.md). A buffer goes back to the pool once the socket has written it.
 *
 * The pool holds at most {@link POOL_BUDGET} bytes in use at once for callers that wait for room
 * ({@link SendBufferPool.room}), so prefetching files ahead of their turn stays bounded whatever the window.
 */

/** Data sets up to this size are read whole into a pooled buffer; larger ones are streamed from the file. */
export const POOLED_MAX = 8 * 1024 * 1024;
/** Bytes of pooled buffers in use at once before {@link SendBufferPool.room} makes a caller wait. */
export const POOL_BUDGET = 32 * 1024 * 1024;
/** Bytes of free buffers kept for reuse. */
const KEEP_FREE = 32 * 1024 * 1024;
/** Allocation granule: buffers of similar sizes are interchangeable. */
const GRANULE = 64 * 1024;

export interface PooledBuffer {
  /** Exactly the requested size: a view of the pooled memory. */
  bytes: Buffer;
  /** Gives the memory back (idempotent). */
  release(): void;
}

export class SendBufferPool {
  private readonly free: Buffer[] = [];
  private freeBytes = 0;
  /** Bytes of buffers handed out and not yet released. */
  inUse = 0;
  private waiters: (() => void)[] = [];

  /** A buffer of `size` bytes (contents undefined): a free one large enough, else a new one. */
  take(size: number): PooledBuffer {
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      const b = this.free[i]!;
      if (b.length >= size && (best < 0 || b.length < this.free[best]!.length)) best = i;
    }
    let mem: Buffer;
    if (best >= 0) {
      mem = this.free[best]!;
      this.free.splice(best, 1);
      this.freeBytes -= mem.length;
    } else mem = Buffer.allocUnsafe(Math.max(GRANULE, Math.ceil(size / GRANULE) * GRANULE));
    this.inUse += mem.length;
    let released = false;
    return {
      bytes: mem.subarray(0, size),
      release: () => {
        if (released) return;
        released = true;
        this.inUse -= mem.length;
        if (this.freeBytes + mem.length <= KEEP_FREE) {
          this.free.push(mem);
          this.freeBytes += mem.length;
        }
        const w = this.waiters;
        this.waiters = [];
        for (const f of w) f();
      },
    };
  }

  /** Resolves when `size` more bytes fit in the budget (at once when nothing is in use). */
  async room(size: number): Promise<void> {
    while (this.inUse > 0 && this.inUse + size > POOL_BUDGET)
      await new Promise<void>((r) => this.waiters.push(r));
  }
}

/** The pool the Storage SCU reads files into. */
export const sendBuffers = new SendBufferPool();
