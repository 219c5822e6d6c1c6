/**
 * Character set codec: fast paths for the default repertoire, ISO_IR 100 and ISO_IR 192 (UTF-8).
 * (Further sets are added by charset/*.ts; see PS3.3 C.12.1.1.2.)
 */
import type { VR } from '../encoding/vr.js';
import { DicomError } from '../errors.js';

/** Trims and normalises the Specific Character Set terms: "" or missing first value means the default repertoire. */
export function normalizeCharsets(terms: readonly string[] | undefined): string[] {
  if (!terms || terms.length === 0) return [];
  return terms.map((t) => t.trim().toUpperCase().replace(/_/g, ' ').replace(/^ISO ?IR ?/, 'ISO_IR ').replace(/^ISO 2022 ?IR ?/, 'ISO 2022 IR '));
}

let utf8: TextDecoder | undefined;
const utf8Enc = new TextEncoder();

export function latin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 4096) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 4096) as unknown as number[]);
  return s;
}

export function decodeText(bytes: Uint8Array, charsets: readonly string[], _vr: VR): string {
  const first = charsets[0] ?? '';
  if (charsets.length <= 1 && (first === '' || first === 'ISO_IR 6' || first === 'ISO_IR 100')) return latin1(bytes);
  if (first === 'ISO_IR 192') return (utf8 ??= new TextDecoder('utf-8')).decode(bytes);
  throw new DicomError('INVALID_CHARSET', `character set not supported yet: ${charsets.join('\\')}`);
}

export function encodeText(text: string, charsets: readonly string[], _vr: VR): Uint8Array {
  const first = charsets[0] ?? '';
  if (first === 'ISO_IR 192') return utf8Enc.encode(text);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff) throw new DicomError('INVALID_CHARSET', `character U+${c.toString(16)} cannot be encoded in ${first || 'the default repertoire'}`);
    out[i] = c;
  }
  return out;
}
