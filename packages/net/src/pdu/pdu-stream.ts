/**
 * Streaming PDU parsing for the receive path: like {@link PduFramer}, but a P-DATA-TF PDU is not assembled —
 * its PDV item headers are parsed as they arrive and each PDV's data is handed on as views into the TCP chunks,
 * piece by piece. No allocation or copy per PDU, whatever the negotiated maximum length; only a PDU or PDV
 * header that straddles two chunks is copied (6 bytes). Other PDUs are copied and delivered whole, as the framer
 * does. Nothing keeps a view of a chunk after feed() returns: the chunk may be a reused receive buffer.
 * Every length is checked before it is used (PS3.8 §9.3.1, §9.3.5.1; ROBUSTNESS.md #13).
 */
import { DicomError } from '@dicomkit/core';
import { PduType, type Pdv } from './types.js';
import type { FramerLimits, RawPdu } from './framer.js';
import { copyBytes } from '../transport/receive-buffers.js';

/** A piece of one PDV's data; `last` is set only on the final piece of a PDV whose header says "last fragment". */
export interface PdvPiece extends Pdv {
  /** This piece ends its PDV. */
  pdvEnd: boolean;
}

export interface PduStreamHandler {
  /** A whole PDU other than P-DATA-TF; return false to stop reading. */
  pdu(raw: RawPdu): boolean;
  /** The header of a P-DATA-TF PDU of `length` bytes arrived; return false to stop (not allowed now). */
  pdataStart(length: number): boolean;
  /** A piece of PDV data, a view valid during the call only; return false to stop. */
  pdv(piece: PdvPiece): boolean;
}

type Mode = 'header' | 'whole' | 'pdvHeader' | 'pdvData';

function fail(message: string, offset: number): never {
  throw new DicomError('PDU_INVALID', message, { offset });
}

export class PduStream {
  private mode: Mode = 'header';
  private readonly hold = new Uint8Array(6);
  private held = 0;
  private type = 0;
  /** Whole PDU being assembled (mode 'whole'). */
  private parts: Uint8Array[] = [];
  private need = 0;
  /** Bytes of the current P-DATA-TF body still to come, and of the current PDV's data. */
  private pduLeft = 0;
  private pdvLeft = 0;
  private pcId = 0;
  private mch = 0;
  private stopped = false;

  constructor(public limits: FramerLimits) {}

  private limitFor(type: number): number {
    if (type === PduType.PDataTf)
      return this.limits.maxPDataLength > 0 ? this.limits.maxPDataLength : 0x7fffffff;
    if (type === PduType.AAssociateRq || type === PduType.AAssociateAc)
      return this.limits.maxAssociateLength ?? 1 << 20;
    return 64;
  }

  /** Parses a chunk, calling the handler as PDUs and PDV pieces complete. Throws PDU_INVALID. */
  feed(chunk: Uint8Array, h: PduStreamHandler): void {
    if (this.stopped) return;
    let o = 0;
    const n = chunk.length;
    while (o < n) {
      switch (this.mode) {
        case 'header': {
          if (this.held === 0) {
            const t = chunk[o]!;
            if (t < PduType.AAssociateRq || t > PduType.AAbort)
              fail(`unrecognized PDU type 0x${t.toString(16)}`, 0);
          }
          const k = Math.min(6 - this.held, n - o);
          this.hold.set(chunk.subarray(o, o + k), this.held);
          this.held += k;
          o += k;
          if (this.held < 6) return;
          this.held = 0;
          const type = this.hold[0]!;
          const len =
            ((this.hold[2]! << 24) >>> 0) + ((this.hold[3]! << 16) | (this.hold[4]! << 8) | this.hold[5]!);
          const limit = this.limitFor(type);
          if (len > limit)
            fail(`PDU type 0x${type.toString(16)} length ${len} exceeds the maximum ${limit}`, 2);
          this.type = type;
          if (type === PduType.PDataTf) {
            if (len < 6) fail(`P-DATA-TF of ${len} bytes holds no PDV item`, 2);
            this.pduLeft = len;
            this.mode = 'pdvHeader';
            if (!h.pdataStart(len)) return this.stop();
          } else {
            this.parts = [this.hold.slice()];
            this.need = len;
            this.mode = 'whole';
            if (len === 0 && !this.deliverWhole(h)) return this.stop();
          }
          break;
        }
        case 'whole': {
          const k = Math.min(this.need, n - o);
          // Copied: the chunk may be a reused receive buffer, and these PDUs are small (≤ 1 MiB, rare).
          this.parts.push(copyBytes(chunk.subarray(o, o + k)));
          this.need -= k;
          o += k;
          if (this.need === 0 && !this.deliverWhole(h)) return this.stop();
          break;
        }
        case 'pdvHeader': {
          const k = Math.min(6 - this.held, n - o);
          this.hold.set(chunk.subarray(o, o + k), this.held);
          this.held += k;
          o += k;
          if (this.held < 6) return;
          this.held = 0;
          const itemLen =
            ((this.hold[0]! << 24) >>> 0) + ((this.hold[1]! << 16) | (this.hold[2]! << 8) | this.hold[3]!);
          if (itemLen < 2) fail(`PDV item length ${itemLen} is less than 2`, 6);
          if (itemLen + 4 > this.pduLeft)
            fail(`PDV item length ${itemLen} runs past its P-DATA-TF (${this.pduLeft - 4} bytes left)`, 6);
          this.pduLeft -= 6;
          this.pcId = this.hold[4]!;
          this.mch = this.hold[5]!;
          this.pdvLeft = itemLen - 2;
          this.mode = 'pdvData';
          if (this.pdvLeft === 0 && !this.piece(h, new Uint8Array(0))) return this.stop();
          break;
        }
        case 'pdvData': {
          const k = Math.min(this.pdvLeft, n - o);
          const view = chunk.subarray(o, o + k);
          o += k;
          this.pdvLeft -= k;
          this.pduLeft -= k;
          if (!this.piece(h, view)) return this.stop();
          break;
        }
      }
    }
  }

  private piece(h: PduStreamHandler, data: Uint8Array): boolean {
    const end = this.pdvLeft === 0;
    if (end) this.mode = this.pduLeft === 0 ? 'header' : 'pdvHeader';
    if (end && this.pduLeft > 0 && this.pduLeft < 6)
      fail(`${this.pduLeft} bytes after the last PDV of a P-DATA-TF`, 6);
    return h.pdv({
      presentationContextId: this.pcId,
      command: (this.mch & 1) !== 0,
      last: end && (this.mch & 2) !== 0,
      data,
      pdvEnd: end,
    });
  }

  private deliverWhole(h: PduStreamHandler): boolean {
    let size = 0;
    for (const p of this.parts) size += p.length;
    let bytes: Uint8Array;
    if (this.parts.length === 1) bytes = this.parts[0]!;
    else {
      bytes = new Uint8Array(size);
      let at = 0;
      for (const p of this.parts) {
        bytes.set(p, at);
        at += p.length;
      }
    }
    this.parts = [];
    this.mode = 'header';
    return h.pdu({ type: this.type, bytes });
  }

  private stop(): void {
    this.stopped = true;
  }
}
