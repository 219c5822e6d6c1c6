/**
 * A graphic character set as ISO/IEC 2022 designates it into G0 or G1 (PS3.5 §6.1.2.5): 94 or 96 characters
 * of one byte, or 94×94 characters of two bytes. Sets are built on first use and cached.
 */
import type { GraphicSetId } from './terms.js';
import { singleByteSet } from './single-byte.js';
import { doubleByteSet } from './double-byte.js';

export interface GraphicSet {
  readonly id: GraphicSetId;
  readonly bytesPerChar: 1 | 2;
  /**
   * Decodes whole characters given either in GL form (0x21–0x7E, designated into G0) or in GR form
   * (0xA0–0xFF, designated into G1): only the low 7 bits of each byte count. Unassigned codes give U+FFFD.
   */
  decode(bytes: Uint8Array): string;
  /** The GL code of a code point (one byte, or two as b1 << 8 | b2), or -1 when the set lacks it. */
  encode(codePoint: number): number;
}

const cache = new Map<GraphicSetId, GraphicSet>();

/** The graphic set registered as `id`. */
export function graphicSet(id: GraphicSetId): GraphicSet {
  let s = cache.get(id);
  if (!s) {
    s = doubleByteSet(id) ?? singleByteSet(id);
    cache.set(id, s);
  }
  return s;
}
