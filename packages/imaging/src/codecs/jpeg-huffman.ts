/**
 * JPEG Huffman coding shared by the DCT decoder (jpeg-dct.ts) and the lossless codec (jpeg-lossless.ts):
 * DHT segments (ISO 10918-1 B.2.4.2), decoding tables (Annex C, F.2.2.3 with a 9-bit lookahead table in front of
 * the code-length search of Figure F.16), and a bit reader over entropy-coded data with byte stuffing and markers
 * (F.2.2.5, B.1.1.5) that keeps up to 30 bits buffered.
 */
import { DicomError } from '@dicomkit/core';

/** Bits looked up in one step; longer codes fall back to the per-length search. */
const LOOKAHEAD = 9;

export interface HuffmanTable {
  /** Table class: 0 DC / lossless, 1 AC (B.2.4.2 Tc). */
  readonly tc: number;
  /** BITS: number of codes of each length 1..16. */
  readonly counts: Uint8Array;
  /** HUFFVAL: the symbols in code order. */
  readonly values: Uint8Array;
  /** lookup[next 9 bits] = (code length << 8) | symbol, or 0 when the code is longer than 9 bits. */
  readonly lookup: Uint16Array;
  /** Largest code of each length (index = length, 1..16), -1 when there is none (F.2.2.3, MAXCODE). */
  readonly maxCode: Int32Array;
  /** VALPTR[l] − MINCODE[l]: the HUFFVAL index of a code of length l is code + valOffset[l]. */
  readonly valOffset: Int32Array;
}

/**
 * Builds the decoding tables of one Huffman table from BITS and HUFFVAL (Annex C: Figures C.1, C.2; F.2.2.3).
 * Like libjpeg in DCMTK, a code of all 1 bits is accepted (some encoders write one); a table whose counts do not
 * fit in 16-bit codes is refused.
 */
export function buildHuffmanTable(tc: number, counts: Uint8Array, values: Uint8Array): HuffmanTable {
  const maxCode = new Int32Array(18).fill(-1);
  const valOffset = new Int32Array(18);
  const lookup = new Uint16Array(1 << LOOKAHEAD);
  let code = 0;
  let k = 0;
  for (let len = 1; len <= 16; len++) {
    const n = counts[len - 1]!;
    if (n) {
      valOffset[len] = k - code;
      for (let i = 0; i < n; i++, k++, code++) {
        if (len <= LOOKAHEAD) {
          const first = code << (LOOKAHEAD - len);
          const entry = (len << 8) | values[k]!;
          lookup.fill(entry, first, first + (1 << (LOOKAHEAD - len)));
        }
      }
      maxCode[len] = code - 1;
      if (code > 1 << len)
        throw new DicomError(
          'INVALID_VALUE',
          `a JPEG Huffman table holds more codes of ${len} bits than fit`,
        );
    }
    code <<= 1;
  }
  maxCode[17] = 0x7fffffff;
  return { tc, counts, values, lookup, maxCode, valOffset };
}

/** The tables of one DHT marker segment (B.2.4.2), stored by class and destination into `dc` / `ac`. */
export function readDht(
  b: Uint8Array,
  start: number,
  end: number,
  dc: (HuffmanTable | undefined)[],
  ac: (HuffmanTable | undefined)[],
): void {
  for (let p = start; p < end;) {
    if (p + 17 > end)
      throw new DicomError('TRUNCATED', 'a JPEG DHT segment ends inside a table', { offset: p });
    const tc = b[p]! >> 4;
    const th = b[p]! & 15;
    if (tc > 1 || th > 3)
      throw new DicomError('INVALID_VALUE', `a JPEG DHT table with class ${tc} and destination ${th}`, {
        offset: p,
      });
    const counts = b.slice(p + 1, p + 17);
    let n = 0;
    for (let i = 0; i < 16; i++) n += counts[i]!;
    if (n > 256 || p + 17 + n > end)
      throw new DicomError('INVALID_VALUE', `a JPEG DHT table declares ${n} codes its segment cannot hold`, {
        offset: p,
      });
    (tc === 0 ? dc : ac)[th] = buildHuffmanTable(tc, counts, b.slice(p + 17, p + 17 + n));
    p += 17 + n;
  }
}

/**
 * Reads entropy-coded data MSB first (F.2.2.5): 0xFF00 is a 0xFF data byte, 0xFF fill bytes before a marker are
 * skipped, and at a marker (or the end of the data) the reader stops and supplies 0 bits, as libjpeg does, counting
 * how many it had to invent.
 */
export class BitReader {
  /** Buffered bits; the low `count` (at most 30) are unread. */
  protected acc = 0;
  protected count = 0;
  /** The marker that ended the entropy-coded data (its second byte), or -1 while there is none. */
  marker = -1;
  /** Bits supplied past the end of the data (0 for a well-formed stream). */
  padBits = 0;
  constructor(
    private readonly b: Uint8Array,
    /** Position of the next unread byte. */
    public pos: number,
    private readonly end = b.length,
  ) {}

  /**
   * Fills the buffer to at least 23 bits. At most 30 are kept, so that the buffer stays a small integer (V8 Smi):
   * the consumed high bits are masked off before each shift.
   */
  fill(): void {
    const b = this.b;
    const end = this.end;
    let acc = this.acc;
    let count = this.count;
    let pos = this.pos;
    while (count <= 22) {
      let byte = 0;
      if (this.marker < 0 && pos < end) {
        byte = b[pos]!;
        if (byte !== 0xff) pos++;
        else {
          let q = pos + 1;
          while (q < end && b[q] === 0xff) q++;
          const next = q < end ? b[q]! : 0xd9;
          if (next === 0x00) pos = q + 1;
          else {
            pos = q - 1; // at the marker's last 0xFF
            this.marker = next;
            byte = 0;
            this.padBits += 8;
          }
        }
      } else this.padBits += 8;
      acc = ((acc & ((1 << count) - 1)) << 8) | byte;
      count += 8;
    }
    this.acc = acc;
    this.count = count;
    this.pos = pos;
  }

  /** The next n (1..16) bits without consuming them. */
  peek(n: number): number {
    if (this.count < n) this.fill();
    return (this.acc >>> (this.count - n)) & ((1 << n) - 1);
  }

  /** Bits buffered and not yet consumed (some may be invented, see padBits). */
  get bufferedBits(): number {
    return this.count;
  }

  skip(n: number): void {
    this.count -= n;
  }

  bit(): number {
    if (this.count === 0) this.fill();
    this.count--;
    return (this.acc >>> this.count) & 1;
  }

  /** n (0..16) bits as an unsigned number (RECEIVE, F.2.2.4). */
  receive(n: number): number {
    if (n === 0) return 0;
    if (this.count < n) this.fill();
    this.count -= n;
    return (this.acc >>> this.count) & ((1 << n) - 1);
  }

  /** Decodes one Huffman symbol (DECODE, F.2.2.3); -1 when no code of up to 16 bits matches. */
  decode(h: HuffmanTable): number {
    if (this.count < 16) this.fill();
    const e = h.lookup[(this.acc >>> (this.count - LOOKAHEAD)) & ((1 << LOOKAHEAD) - 1)]!;
    if (e !== 0) {
      this.count -= e >> 8;
      return e & 0xff;
    }
    const bits16 = (this.acc >>> (this.count - 16)) & 0xffff;
    for (let len = LOOKAHEAD + 1; len <= 16; len++) {
      const code = bits16 >>> (16 - len);
      if (code <= h.maxCode[len]!) {
        this.count -= len;
        return h.values[code + h.valOffset[len]!]!;
      }
    }
    return -1;
  }

  /**
   * Resynchronises at a restart marker (F.2.1.3): drops the bits left in the current byte, skips the RSTn.
   * Returns false when no restart marker follows (the data is damaged or truncated).
   */
  restart(): boolean {
    this.acc = 0;
    this.count = 0;
    this.padBits = 0;
    this.marker = -1;
    const b = this.b;
    let p = this.pos;
    while (p + 1 < this.end && !(b[p] === 0xff && b[p + 1]! >= 0xd0 && b[p + 1]! <= 0xd7)) p++;
    if (p + 1 >= this.end) {
      this.pos = this.end;
      return false;
    }
    this.pos = p + 2;
    return true;
  }

  /** Where the entropy-coded data ends: the position of the marker that follows it (or the end of the input). */
  markerPosition(): number {
    const b = this.b;
    let p = this.pos;
    while (p + 1 < this.end) {
      const m = b[p + 1]!;
      if (b[p] === 0xff && m !== 0x00 && m !== 0xff && !(m >= 0xd0 && m <= 0xd7)) break;
      p++;
    }
    return p + 1 < this.end ? p : this.end;
  }
}
