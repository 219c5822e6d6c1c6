/**
 * ISO/IEC 2022 code extension as DICOM uses it (PS3.5 §6.1.2.5, PS3.3 C.12.1.1.2): escape sequences
 * designate graphic sets into G0 (bytes 0x21–0x7E) and G1 (bytes 0xA0–0xFF); value 1 of Specific Character
 * Set names the initial sets.
 *
 * PS3.5 §6.1.2.5.3: the initial sets are in force again after each value delimiter (05/12), after the PN
 * delimiters "^" and "=", and after CR, LF, FF and TAB. Writers must switch G0 back explicitly before these
 * (PS3.5 Annex H: "…ESC 02/08 04/02^…"); G1 is re-designated after them (Annex I: "…^ESC 02/04 02/09 04/03…").
 * A delimiter byte inside a two-byte G0 run (JIS X 0208 "$^" is や) is a character, not a delimiter.
 */
import type { VR } from '../encoding/vr.js';
import { VR_INFO } from '../encoding/vr.js';
import { graphicSet, type GraphicSet } from './graphic-set.js';
import { fromCodes } from './single-byte.js';
import { ESCAPE_SEQUENCES, escapeFor, type DefinedTerm } from './terms.js';

const ESC = 0x1b;

/** The sets in force at the start of a value and the sets a writer may switch to, in the order of the terms. */
export interface Iso2022Setup {
  readonly g0: GraphicSet;
  readonly g1: GraphicSet | undefined;
  readonly candidates: readonly Candidate[];
}

interface Candidate {
  readonly set: GraphicSet;
  readonly register: 0 | 1;
  /** ESC and the designating bytes. */
  readonly escape: readonly number[];
}

function escapeBytes(seq: string): number[] {
  return [ESC, ...Array.from(seq, (c) => c.charCodeAt(0))];
}

/**
 * The ISO 2022 setup for a list of defined terms: value 1 gives the initial G0 and G1 (ISO-IR 6 alone when
 * value 1 is empty or a multi-byte set); every term's sets are candidates for writing.
 */
export function iso2022Setup(terms: readonly (DefinedTerm | undefined)[]): Iso2022Setup {
  const first = terms[0];
  const initialIsSingle =
    first !== undefined && (first.kind === 'single-byte' || first.kind === 'iso2022-single-byte');
  const g0 = graphicSet(initialIsSingle && first.g0 ? first.g0 : 'IR 6');
  const g1 = initialIsSingle && first.g1 ? graphicSet(first.g1) : undefined;
  const candidates: Candidate[] = [];
  const add = (set: GraphicSet, register: 0 | 1): void => {
    if (!candidates.some((c) => c.set === set && c.register === register))
      candidates.push({ set, register, escape: escapeBytes(escapeFor(set.id)) });
  };
  add(g0, 0);
  if (g1) add(g1, 1);
  for (const t of terms) {
    if (!t || t.kind === 'multi-byte') continue;
    if (t.g0) add(graphicSet(t.g0), 0);
    if (t.g1) add(graphicSet(t.g1), 1);
  }
  return { g0, g1, candidates };
}

const CONTROL_RESETS = [0x09, 0x0a, 0x0c, 0x0d];
const resetTables = new Map<string, Uint8Array>();

/** Flags for the bytes (below 0x80) after which the initial sets are in force again, for a VR. */
export function resetBytes(vr: VR): Uint8Array {
  const key = vr === 'PN' ? 'PN' : VR_INFO[vr].kind === 'text' ? 'text' : 'multi';
  let t = resetTables.get(key);
  if (!t) {
    t = new Uint8Array(128);
    for (const b of CONTROL_RESETS) t[b] = 1;
    if (key !== 'text') t[0x5c] = 1; // "\" value delimiter
    if (key === 'PN') t[0x5e] = t[0x3d] = 1; // "^" and "="
    resetTables.set(key, t);
  }
  return t;
}

/** Parses an escape sequence at `i` (ESC, intermediates 0x20–0x2F, a final byte 0x30–0x7E); its length and designation. */
function parseEscape(
  bytes: Uint8Array,
  i: number,
): { length: number; register: 0 | 1; set: GraphicSet } | undefined {
  let j = i + 1;
  while (j < bytes.length && j - i <= 3 && bytes[j]! >= 0x20 && bytes[j]! <= 0x2f) j++;
  if (j >= bytes.length || bytes[j]! < 0x30 || bytes[j]! > 0x7e) return undefined;
  let key = '';
  for (let k = i + 1; k <= j; k++) key += String.fromCharCode(bytes[k]!);
  const d = ESCAPE_SEQUENCES.get(key);
  return d ? { length: j + 1 - i, register: d.register, set: graphicSet(d.set) } : undefined;
}

/**
 * Decodes a value with escape sequences. Never throws: an unknown or truncated escape sequence is kept as
 * the character ESC and the bytes after it are read in the sets in force; GR bytes with no G1 set are read
 * as ISO 8859-1; unassigned codes give U+FFFD.
 */
export function decodeIso2022(bytes: Uint8Array, setup: Iso2022Setup, resets: Uint8Array): string {
  let g0 = setup.g0;
  let g1 = setup.g1;
  let out = '';
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i]!;
    if (b === ESC) {
      const e = parseEscape(bytes, i);
      if (e) {
        if (e.register === 0) g0 = e.set;
        else g1 = e.set;
        i += e.length;
      } else {
        out += '\x1b';
        i++;
      }
      continue;
    }
    if (b < 0x80) {
      if (b <= 0x20 || b === 0x7f) {
        out += String.fromCharCode(b);
        if (resets[b]) {
          g0 = setup.g0;
          g1 = setup.g1;
        }
        i++;
        continue;
      }
      let j = i;
      if (g0.bytesPerChar === 2) {
        while (
          j + 1 < n &&
          bytes[j]! > 0x20 &&
          bytes[j]! < 0x7f &&
          bytes[j + 1]! > 0x20 &&
          bytes[j + 1]! < 0x7f
        )
          j += 2;
        if (j === i) {
          out += '\ufffd'; // half a character
          i++;
        } else {
          out += g0.decode(bytes.subarray(i, j));
          i = j;
        }
        continue;
      }
      while (j < n && bytes[j]! > 0x20 && bytes[j]! < 0x7f && !resets[bytes[j]!]) j++;
      if (j > i) {
        out += g0 === setup.g0 && g0.id === 'IR 6' ? latin1Run(bytes, i, j) : g0.decode(bytes.subarray(i, j));
        i = j;
      }
      if (i < n && resets[bytes[i]!]) {
        out += String.fromCharCode(bytes[i]!);
        g0 = setup.g0;
        g1 = setup.g1;
        i++;
      }
      continue;
    }
    // GR and C1
    if (b < 0xa0 || !g1) {
      out += String.fromCharCode(b); // C1 control, or no G1 set: ISO 8859-1
      i++;
      continue;
    }
    let j = i;
    if (g1.bytesPerChar === 2) {
      while (
        j + 1 < n &&
        bytes[j]! >= 0xa1 &&
        bytes[j]! <= 0xfe &&
        bytes[j + 1]! >= 0xa1 &&
        bytes[j + 1]! <= 0xfe
      )
        j += 2;
      if (j === i) {
        out += '\ufffd';
        i++;
        continue;
      }
    } else while (j < n && bytes[j]! >= 0xa0) j++;
    out += g1.decode(bytes.subarray(i, j));
    i = j;
  }
  return out;
}

function latin1Run(bytes: Uint8Array, from: number, to: number): string {
  return fromCodes(bytes.subarray(from, to));
}

/**
 * Encodes text with escape sequences: each character in the set in force if it has it, else in the first
 * candidate set (in the order of the terms) that has it, designated by its escape sequence. G0 is switched
 * back to the initial set before each reset character and at the end of the value (PS3.5 §6.1.2.5.3).
 * Returns the code point that no set has, when there is one.
 */
export function encodeIso2022(
  text: string,
  setup: Iso2022Setup,
  resets: Uint8Array,
): { bytes: Uint8Array } | { unencodable: number } {
  const out: number[] = [];
  let g0 = setup.g0;
  let g1 = setup.g1;
  const back = escapeBytes(escapeFor(setup.g0.id));
  const emit = (set: GraphicSet, code: number, register: 0 | 1): void => {
    const hi = register === 1 ? 0x80 : 0;
    if (set.bytesPerChar === 2) out.push((code >> 8) | hi, (code & 0xff) | hi);
    else out.push(code | hi);
  };
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp <= 0x20 || cp === 0x7f || (cp < 0x80 && resets[cp])) {
      // Controls and SPACE are not in any graphic set; a 94×94 G0 cannot be left in force across them.
      if (g0 !== setup.g0 && (resets[cp] || g0.bytesPerChar === 2)) {
        out.push(...back);
        g0 = setup.g0;
      }
      out.push(cp);
      if (cp < 0x80 && resets[cp]) g1 = setup.g1;
      continue;
    }
    let code = g0.encode(cp);
    if (code >= 0) {
      emit(g0, code, 0);
      continue;
    }
    if (g1 && (code = g1.encode(cp)) >= 0) {
      emit(g1, code, 1);
      continue;
    }
    let found = false;
    for (const c of setup.candidates) {
      code = c.set.encode(cp);
      if (code < 0) continue;
      out.push(...c.escape);
      if (c.register === 0) g0 = c.set;
      else g1 = c.set;
      emit(c.set, code, c.register);
      found = true;
      break;
    }
    if (!found) return { unencodable: cp };
  }
  if (g0 !== setup.g0) out.push(...back);
  return { bytes: Uint8Array.from(out) };
}
