import { readBulk, type BulkDataRef } from '../data/bulk.js';

/** A piece of output: bytes, or a value still in its source (read when the output is consumed). */
export type Chunk = Uint8Array | BulkDataRef;

/** The bytes of a chunk (reads a deferred value whole). */
export function chunkBytes(c: Chunk): Uint8Array {
  return c instanceof Uint8Array ? c : readBulk(c);
}

/**
 * Output collected as a list of chunks: small writes are gathered in a scratch buffer, large values are kept
 * as references (no copy), so writing a file with big Pixel Data copies nothing.
 */
export class ChunkWriter {
  private chunks: Chunk[] = [];
  private scratch: Uint8Array;
  private used = 0;
  length = 0;

  constructor(initial = 256) {
    this.scratch = new Uint8Array(initial);
  }

  private room(n: number): void {
    if (this.used + n <= this.scratch.length) return;
    if (this.used > 0) {
      this.chunks.push(this.scratch.subarray(0, this.used));
      this.scratch = new Uint8Array(Math.max(n, Math.min(this.scratch.length * 2, 65536)));
      this.used = 0;
    } else {
      this.scratch = new Uint8Array(Math.max(n, this.scratch.length * 2));
    }
  }

  u16(v: number, le: boolean): void {
    this.room(2);
    const s = this.scratch;
    const p = this.used;
    if (le) {
      s[p] = v & 0xff;
      s[p + 1] = (v >>> 8) & 0xff;
    } else {
      s[p] = (v >>> 8) & 0xff;
      s[p + 1] = v & 0xff;
    }
    this.used += 2;
    this.length += 2;
  }

  u32(v: number, le: boolean): void {
    if (le) {
      this.u16(v & 0xffff, true);
      this.u16(v >>> 16, true);
    } else {
      this.u16(v >>> 16, false);
      this.u16(v & 0xffff, false);
    }
  }

  ascii(s: string): void {
    this.room(s.length);
    for (let i = 0; i < s.length; i++) this.scratch[this.used++] = s.charCodeAt(i);
    this.length += s.length;
  }

  bytes(b: Uint8Array): void {
    // Any byte-typed array (a codec may hand out a Uint8ClampedArray): keep chunks plain Uint8Arrays.
    if (!(b instanceof Uint8Array)) {
      const v = b as ArrayBufferView;
      b = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    }
    if (b.length > 512) {
      if (this.used > 0) {
        this.chunks.push(this.scratch.subarray(0, this.used));
        this.scratch = this.scratch.subarray(this.used);
        this.used = 0;
        if (this.scratch.length < 64) this.scratch = new Uint8Array(4096);
      }
      this.chunks.push(b);
    } else {
      this.room(b.length);
      this.scratch.set(b, this.used);
      this.used += b.length;
    }
    this.length += b.length;
  }

  /** A value left in its source: its bytes are read only when the output is consumed (streaming writes). */
  deferred(ref: BulkDataRef): void {
    this.flushScratch();
    this.chunks.push(ref);
    this.length += ref.length;
  }

  private flushScratch(): void {
    if (this.used > 0) {
      this.chunks.push(this.scratch.subarray(0, this.used));
      this.scratch = this.scratch.subarray(this.used);
      this.used = 0;
      if (this.scratch.length < 64) this.scratch = new Uint8Array(4096);
    }
  }

  /** Appends another writer's output. */
  append(w: ChunkWriter): void {
    for (const c of w.finish()) {
      if (c instanceof Uint8Array) this.bytes(c);
      else this.deferred(c);
    }
  }

  /** The chunks written so far (the writer may be used again afterwards). */
  finish(): Chunk[] {
    if (this.used > 0) {
      this.chunks.push(this.scratch.subarray(0, this.used));
      this.scratch = this.scratch.subarray(this.used);
      this.used = 0;
    }
    const out = this.chunks;
    this.chunks = [];
    return out;
  }

  /** All output as one array. */
  concat(): Uint8Array {
    return concatChunks(this.finish().map(chunkBytes));
  }
}

/** Byte arrays joined into one (the array itself when there is only one). */
export function concatChunks(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
