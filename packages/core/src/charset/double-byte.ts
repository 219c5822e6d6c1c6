/**
 * The 94×94 two-byte graphic sets of PS3.3 Table C.12-4, decoded through the browser's WHATWG decoders:
 * JIS X 0208 (ISO-IR 87) and JIS X 0212 (ISO-IR 159) through 'euc-jp', KS X 1001 (ISO-IR 149) through
 * 'euc-kr', GB 2312 (ISO-IR 58) through 'gbk'. EUC places row/cell bytes 0x21–0x7E at 0xA1–0xFE, so a GL
 * pair is decoded by setting the high bit of both bytes (JIS X 0212 also needs the SS3 prefix 0x8F).
 *
 * TextEncoder only writes UTF-8, so the reverse tables are built on first use by decoding all 8,836 codes.
 */
import type { GraphicSet } from './graphic-set.js';
import type { GraphicSetId } from './terms.js';

interface Source {
  readonly label: string;
  /** A byte written before each pair (SS3 for JIS X 0212 in EUC-JP), or 0. */
  readonly prefix: number;
}

const SOURCES: Partial<Record<GraphicSetId, Source>> = {
  'IR 87': { label: 'euc-jp', prefix: 0 },
  'IR 159': { label: 'euc-jp', prefix: 0x8f },
  'IR 149': { label: 'euc-kr', prefix: 0 },
  'IR 58': { label: 'gbk', prefix: 0 },
};

class DoubleByteSet implements GraphicSet {
  readonly bytesPerChar = 2;
  private readonly decoder: TextDecoder;
  private rev: Map<number, number> | undefined;
  constructor(
    readonly id: GraphicSetId,
    private readonly source: Source,
  ) {
    this.decoder = new TextDecoder(source.label);
  }

  /** EUC bytes for pairs of GL or GR bytes (an odd last byte is dropped). */
  private euc(bytes: Uint8Array): Uint8Array {
    const pairs = bytes.length >> 1;
    const prefix = this.source.prefix;
    if (!prefix) {
      let gr = true;
      for (let i = 0; i < pairs * 2; i++)
        if (bytes[i]! < 0x80) {
          gr = false;
          break;
        }
      if (gr) return bytes.subarray(0, pairs * 2);
    }
    const w = prefix ? 3 : 2;
    const out = new Uint8Array(pairs * w);
    for (let p = 0; p < pairs; p++) {
      let o = p * w;
      if (prefix) out[o++] = prefix;
      out[o] = bytes[2 * p]! | 0x80;
      out[o + 1] = bytes[2 * p + 1]! | 0x80;
    }
    return out;
  }

  decode(bytes: Uint8Array): string {
    return this.decoder.decode(this.euc(bytes));
  }

  encode(cp: number): number {
    this.rev ??= this.buildReverse();
    return this.rev.get(cp) ?? -1;
  }

  private buildReverse(): Map<number, number> {
    const codes: number[] = [];
    for (let b1 = 0x21; b1 <= 0x7e; b1++) for (let b2 = 0x21; b2 <= 0x7e; b2++) codes.push((b1 << 8) | b2);
    const gl = new Uint8Array(codes.length * 2);
    codes.forEach((c, i) => {
      gl[2 * i] = c >> 8;
      gl[2 * i + 1] = c & 0xff;
    });
    const m = new Map<number, number>();
    const text = this.decode(gl);
    const cps = Array.from(text, (ch) => ch.codePointAt(0)!);
    if (cps.length === codes.length) {
      // Every code decoded to one character (U+FFFD when unassigned): keep the first code of each character.
      cps.forEach((cp, i) => {
        if (cp !== 0xfffd && !m.has(cp)) m.set(cp, codes[i]!);
      });
      return m;
    }
    for (let i = 0; i < codes.length; i++) {
      const s = this.decode(gl.subarray(2 * i, 2 * i + 2));
      const cp = s.codePointAt(0)!;
      if (s.length === (cp > 0xffff ? 2 : 1) && cp !== 0xfffd && !m.has(cp)) m.set(cp, codes[i]!);
    }
    return m;
  }
}

/** The 94×94 set registered as `id`, or undefined when `id` is not a two-byte set. */
export function doubleByteSet(id: GraphicSetId): GraphicSet | undefined {
  const source = SOURCES[id];
  return source ? new DoubleByteSet(id, source) : undefined;
}
