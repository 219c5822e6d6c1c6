/**
 * Single-byte graphic sets (PS3.3 Tables C.12-2 and C.12-3): ISO 646 (ISO-IR 6), JIS X 0201 Romaji (ISO-IR 14)
 * and Katakana (ISO-IR 13), and the right-hand parts of ISO 8859 (ISO-IR 100…203) and TIS 620 (ISO-IR 166).
 *
 * Only TextDecoder is available in a browser, and WHATWG maps some ISO labels to Windows code pages
 * ("iso-8859-1" and "latin1" mean windows-1252, "iso-8859-9" means windows-1254, "tis-620" means windows-874).
 * Those differ from the ISO sets only in 0x80–0x9F (C1 controls in ISO), which no G1 set covers, so the
 * 0xA0–0xFF halves are taken from the decoder and 0x80–0x9F stay C1 controls. ISO-IR 100 and the Katakana
 * set are computed (U+00A0–U+00FF; U+FF61–U+FF9F).
 */
import type { GraphicSet } from './graphic-set.js';
import type { GraphicSetId } from './terms.js';

/** WHATWG labels whose bytes 0xA0–0xFF are the ISO 8859 part that the ISO-IR set registers. */
const UPPER_HALF_LABEL: Partial<Record<GraphicSetId, string>> = {
  'IR 101': 'iso-8859-2',
  'IR 109': 'iso-8859-3',
  'IR 110': 'iso-8859-4',
  'IR 144': 'iso-8859-5',
  'IR 127': 'iso-8859-6',
  'IR 126': 'iso-8859-7',
  'IR 138': 'iso-8859-8',
  'IR 148': 'windows-1254', // = ISO 8859-9 in 0xA0–0xFF
  'IR 203': 'iso-8859-15',
  'IR 166': 'windows-874', // = TIS 620 / ISO 8859-11 in 0xA0–0xFF
};

const REPLACEMENT = 0xfffd;

/** Code points of the 128 GL codes of a set (0x00–0x7F; 94-sets use 0x21–0x7E, 96-sets 0x20–0x7F). */
function glTable(id: GraphicSetId): Uint16Array {
  const t = new Uint16Array(128).fill(REPLACEMENT);
  if (id === 'IR 6' || id === 'IR 14') {
    // JIS X 0201 Romaji differs from ASCII only at 05/12 (YEN SIGN) and 07/14 (OVERLINE); DICOM uses 05/12
    // as the value delimiter in every set, and readers (dcmtk, pydicom) treat Romaji as ASCII: so do we.
    for (let i = 0; i < 128; i++) t[i] = i;
  } else if (id === 'IR 13') {
    for (let i = 0x21; i <= 0x5f; i++) t[i] = 0xff61 + (i - 0x21);
  } else if (id === 'IR 100') {
    for (let i = 0x20; i < 0x80; i++) t[i] = 0x80 + i;
  } else {
    const label = UPPER_HALF_LABEL[id];
    if (!label) throw new RangeError(`not a single-byte set: ${id}`);
    const bytes = new Uint8Array(96);
    for (let i = 0; i < 96; i++) bytes[i] = 0xa0 + i;
    const s = new TextDecoder(label).decode(bytes);
    // windows-874 fills TIS 620's unassigned codes with private-use characters: they stay unassigned.
    for (let i = 0; i < 96; i++) {
      const c = s.charCodeAt(i);
      t[0x20 + i] = c >= 0xe000 && c <= 0xf8ff ? REPLACEMENT : c;
    }
  }
  return t;
}

/**
 * Builds a string from UTF-16 code units. `String.fromCharCode` applied to the typed array (Reflect.apply takes any
 * array-like): 5–7× faster than spreading it; in chunks, as apply has an argument limit.
 */
export function fromCodes(codes: Uint8Array | Uint16Array): string {
  if (codes.length <= 4096) return Reflect.apply(String.fromCharCode, null, codes) as string;
  let s = '';
  for (let i = 0; i < codes.length; i += 4096)
    s += Reflect.apply(String.fromCharCode, null, codes.subarray(i, i + 4096)) as string;
  return s;
}

/** Bytes as ISO 8859-1 (each byte is its code point): the default repertoire read leniently, and ISO_IR 100. */
export function latin1(bytes: Uint8Array): string {
  return fromCodes(bytes);
}

function reverse(table: Uint16Array, from: number, to: number): Map<number, number> {
  const m = new Map<number, number>();
  for (let i = from; i < to; i++) if (table[i] !== REPLACEMENT && !m.has(table[i]!)) m.set(table[i]!, i);
  return m;
}

class SingleByteSet implements GraphicSet {
  readonly bytesPerChar = 1;
  private readonly table: Uint16Array;
  private rev: Map<number, number> | undefined;
  constructor(readonly id: GraphicSetId) {
    this.table = glTable(id);
  }
  decode(bytes: Uint8Array): string {
    const out = new Uint16Array(bytes.length);
    for (let i = 0; i < bytes.length; i++) out[i] = this.table[bytes[i]! & 0x7f]!;
    return fromCodes(out);
  }
  encode(cp: number): number {
    // 94-sets hold 0x21–0x7E: SPACE and DEL are not theirs (ISO 2022 keeps 0x20 and 0x7F fixed).
    const is94 = this.id === 'IR 6' || this.id === 'IR 14' || this.id === 'IR 13';
    this.rev ??= is94 ? reverse(this.table, 0x21, 0x7f) : reverse(this.table, 0x20, 0x80);
    return this.rev.get(cp) ?? -1;
  }
}

export function singleByteSet(id: GraphicSetId): GraphicSet {
  return new SingleByteSet(id);
}

/**
 * A whole-byte codec for a term without code extensions: ASCII (or Romaji) in 0x00–0x7F, C1 controls in
 * 0x80–0x9F, the G1 set in 0xA0–0xFF (U+FFFD where it has no character).
 */
export class SingleByteCodec {
  private readonly table = new Uint16Array(256);
  private rev: Map<number, number> | undefined;
  constructor(g1: GraphicSetId | undefined) {
    for (let i = 0; i < 0xa0; i++) this.table[i] = i;
    const upper = g1 ? glTable(g1) : undefined;
    for (let i = 0xa0; i < 0x100; i++) this.table[i] = upper ? upper[i - 0x80]! : i;
  }
  decode(bytes: Uint8Array): string {
    const out = new Uint16Array(bytes.length);
    const t = this.table;
    for (let i = 0; i < bytes.length; i++) out[i] = t[bytes[i]!]!;
    return fromCodes(out);
  }
  /** The byte for a code point, or -1. */
  encode(cp: number): number {
    if (cp < 0xa0) return cp;
    this.rev ??= reverse(this.table, 0xa0, 0x100);
    return this.rev.get(cp) ?? -1;
  }
}
