/**
 * Streaming PDU framing: TCP delivers bytes in chunks of any size; the framer keeps the leftover bytes between
 * chunks and yields each whole PDU once its header and body have arrived. The PDU type and length are checked
 * from the 6-byte header before any allocation (ROBUSTNESS.md #13): an unknown type or a length above the
 * limit is a DicomError PDU_INVALID. A PDU held within one chunk is yielded as a view (no copy).
 */
import { DicomError } from '@dicomkit/core';
import { PduType } from './types.js';

export interface FramerLimits {
  /**
   * The largest P-DATA-TF PDU accepted: the Maximum Length we announced (PS3.8 §D.1 counts the PDU's variable
   * field, i.e. the PDU length field). 0 = no limit beyond `maxOtherLength`.
   */
  maxPDataLength: number;
  /** The largest A-ASSOCIATE-RQ/AC PDU accepted (default 1 MiB; 128 contexts with long UIDs fit). */
  maxAssociateLength?: number;
}

/** A whole PDU: its type and its bytes, header included. */
export interface RawPdu {
  type: number;
  bytes: Uint8Array;
}

const ABSOLUTE_MAX = 0x7fffffff;

export class PduFramer {
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  private head = 0; // bytes of chunks[0] already consumed

  constructor(public limits: FramerLimits) {}

  /** Bytes held, waiting for the rest of a PDU. */
  get pending(): number {
    return this.buffered;
  }

  private peek(i: number): number {
    let at = this.head + i;
    for (const c of this.chunks) {
      if (at < c.length) return c[at]!;
      at -= c.length;
    }
    return 0;
  }

  private limitFor(type: number): number {
    switch (type) {
      case PduType.PDataTf:
        return this.limits.maxPDataLength > 0 ? this.limits.maxPDataLength : ABSOLUTE_MAX;
      case PduType.AAssociateRq:
      case PduType.AAssociateAc:
        return this.limits.maxAssociateLength ?? 1 << 20;
      default:
        return 64; // A-ASSOCIATE-RJ, A-RELEASE-RQ/RP, A-ABORT hold 4 bytes
    }
  }

  /** Takes `n` bytes from the front: a view when they lie in one chunk, else one copy. */
  private take(n: number): Uint8Array {
    const first = this.chunks[0]!;
    let out: Uint8Array;
    if (first.length - this.head >= n) {
      out = first.subarray(this.head, this.head + n);
      this.head += n;
      if (this.head === first.length) {
        this.chunks.shift();
        this.head = 0;
      }
    } else {
      out = new Uint8Array(n);
      let o = 0;
      while (o < n) {
        const c = this.chunks[0]!;
        const k = Math.min(c.length - this.head, n - o);
        out.set(c.subarray(this.head, this.head + k), o);
        o += k;
        this.head += k;
        if (this.head === c.length) {
          this.chunks.shift();
          this.head = 0;
        }
      }
    }
    this.buffered -= n;
    return out;
  }

  /**
   * Adds a chunk and returns the PDUs it completes, in order. Throws PDU_INVALID on an unknown type or an
   * oversized length (the bytes after it are then meaningless: the caller aborts the association).
   */
  push(chunk: Uint8Array): RawPdu[] {
    const out: RawPdu[] = [];
    this.feed(chunk, (p) => {
      out.push(p);
      return true;
    });
    return out;
  }

  /**
   * Adds a chunk and hands each PDU it completes to `each` before framing the next; `each` returns false to
   * stop (after an abort). Throws PDU_INVALID like {@link push}. The receive path uses {@link PduStream}, which
   * does not assemble P-DATA-TF PDUs at all.
   */
  feed(chunk: Uint8Array, each: (pdu: RawPdu) => boolean): void {
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    while (this.buffered > 0) {
      const type = this.peek(0);
      if (type < PduType.AAssociateRq || type > PduType.AAbort)
        throw new DicomError('PDU_INVALID', `unrecognized PDU type 0x${type.toString(16)}`, { offset: 0 });
      if (this.buffered < 6) break;
      const len = ((this.peek(2) << 24) >>> 0) + ((this.peek(3) << 16) | (this.peek(4) << 8) | this.peek(5));
      const limit = this.limitFor(type);
      if (len > limit)
        throw new DicomError(
          'PDU_INVALID',
          `PDU type 0x${type.toString(16)} length ${len} exceeds the maximum ${limit}`,
          { offset: 2 },
        );
      if (this.buffered < 6 + len) break;
      if (!each({ type, bytes: this.take(6 + len) })) return;
    }
  }
}
