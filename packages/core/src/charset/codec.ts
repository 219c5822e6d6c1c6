/**
 * Character set codec (PS3.3 C.12.1.1.2, PS3.5 §6.1): decodes and encodes the values of the VRs that
 * Specific Character Set (0008,0005) governs, for every defined term.
 *
 * Fast paths first: the default repertoire and ISO_IR 100 without an ESC byte are ISO 8859-1, ISO_IR 192 is
 * UTF-8. Other single-byte terms use a byte table; GB18030 and GBK the WHATWG decoders; anything with code
 * extensions (ISO 2022 terms, several values, or an ESC byte in a single-byte term) the ISO 2022 engine.
 */
import type { VR } from '../encoding/vr.js';
import { DicomError } from '../errors.js';
import { encodeGb } from './gb18030.js';
import { decodeIso2022, encodeIso2022, iso2022Setup, resetBytes, type Iso2022Setup } from './iso2022.js';
import { latin1, SingleByteCodec } from './single-byte.js';
import { definedTerm, type DefinedTerm } from './terms.js';

export { latin1 } from './single-byte.js';

/**
 * Normalises the Specific Character Set values to defined terms: trims, upper-cases and accepts the
 * variants met in real files ("ISO-IR 100", "ISO_IR100", "iso ir 100", "ISO 2022-IR 87", "UTF-8").
 * An empty value 1 followed by others is ISO 2022 IR 6 (PS3.3 C.12.1.1.2); a lone empty value is the
 * default repertoire ([]). Unknown terms are kept (upper-cased) so that writing can name them.
 */
export function normalizeCharsets(terms: readonly string[] | undefined): string[] {
  if (!terms || terms.length === 0) return [];
  const out = terms.map(normalizeTerm);
  if (out.length === 1 && (out[0] === '' || out[0] === 'ISO_IR 6')) return [];
  if (out[0] === '') out[0] = 'ISO 2022 IR 6';
  return out;
}

function normalizeTerm(term: string): string {
  const t = term.trim().toUpperCase();
  if (t === '' || definedTerm(t)) return t;
  const s = t.replace(/[-_\s]+/g, ' ');
  let m = /^ISO ?2022 ?IR ?(\d+)$/.exec(s);
  if (m) return `ISO 2022 IR ${Number(m[1])}`;
  m = /^ISO ?IR ?(\d+)$/.exec(s);
  if (m) return `ISO_IR ${Number(m[1])}`;
  if (s === 'UTF 8' || s === 'UTF8') return 'ISO_IR 192';
  if (s === 'GB 18030') return 'GB18030';
  return t;
}

/** One way of decoding and encoding, chosen once per list of terms. */
interface Codec {
  decode(bytes: Uint8Array, vr: VR): string;
  /** Bytes, or the first code point that cannot be encoded. */
  encode(text: string, vr: VR): { bytes: Uint8Array } | { unencodable: number };
  /** An unknown term in the list: decoding ignores it, encoding refuses. */
  readonly unknown?: string;
}

const ESC = 0x1b;
let utf8Decoder: TextDecoder | undefined;
const utf8Encoder = new TextEncoder();

function iso2022Codec(terms: readonly (DefinedTerm | undefined)[], unknown: string | undefined): Codec {
  let setup: Iso2022Setup | undefined;
  const get = (): Iso2022Setup => (setup ??= iso2022Setup(terms));
  return {
    decode: (bytes, vr) => decodeIso2022(bytes, get(), resetBytes(vr)),
    encode: (text, vr) => encodeIso2022(text, get(), resetBytes(vr)),
    ...(unknown === undefined ? {} : { unknown }),
  };
}

/** Single-byte term without code extensions: a byte table, and the ISO 2022 engine when a value holds ESC. */
function singleByteCodec(term: DefinedTerm, unknown: string | undefined): Codec {
  const table = term.g1 === 'IR 100' || term.g1 === undefined ? undefined : new SingleByteCodec(term.g1);
  const escaped = iso2022Codec([term], unknown);
  return {
    decode(bytes, vr) {
      if (bytes.indexOf(ESC) >= 0) return escaped.decode(bytes, vr);
      return table ? table.decode(bytes) : latin1(bytes);
    },
    encode(text) {
      const out = new Uint8Array(text.length);
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        const b = table ? table.encode(c) : c <= 0xff ? c : -1;
        if (b < 0) return { unencodable: text.codePointAt(i)! };
        out[i] = b;
      }
      return { bytes: out };
    },
    ...(unknown === undefined ? {} : { unknown }),
  };
}

function multiByteCodec(term: DefinedTerm, unknown: string | undefined): Codec {
  const label = term.encoding!;
  if (label === 'utf-8')
    return {
      decode: (bytes) => (utf8Decoder ??= new TextDecoder('utf-8')).decode(bytes),
      encode: (text) => ({ bytes: utf8Encoder.encode(text) }),
      ...(unknown === undefined ? {} : { unknown }),
    };
  let decoder: TextDecoder | undefined;
  return {
    decode: (bytes) => (decoder ??= new TextDecoder(label)).decode(bytes),
    encode: (text) => encodeGb(text, label === 'gbk'),
    ...(unknown === undefined ? {} : { unknown }),
  };
}

function makeCodec(charsets: readonly string[]): Codec {
  const terms = charsets.map((t) => definedTerm(t));
  const unknownIndex = terms.findIndex((t) => t === undefined);
  const unknown = unknownIndex >= 0 ? charsets[unknownIndex] : undefined;
  // An unknown value 1 reads as the default repertoire (ISO 8859-1 for bytes above 0x7F).
  const first = terms[0] ?? definedTerm('ISO_IR 6')!;
  if (first.kind === 'multi-byte') return multiByteCodec(first, unknown); // no code extensions: other values ignored
  const known = terms.filter((t) => t !== undefined);
  if (known.length <= 1 && first.kind === 'single-byte') return singleByteCodec(first, unknown);
  return iso2022Codec(terms[0] ? terms : [first, ...terms.slice(1)], unknown);
}

const codecs = new Map<string, Codec>();

function codecFor(charsets: readonly string[]): Codec {
  const key = charsets.join('\\');
  let c = codecs.get(key);
  if (!c) {
    c = makeCodec(charsets);
    if (codecs.size > 256) codecs.clear(); // bounded: terms come from files
    codecs.set(key, c);
  }
  return c;
}

/**
 * Decodes a whole value of a VR that Specific Character Set governs, with value delimiters kept as "\\" and
 * the PN delimiters "^" and "=" kept: the caller splits after decoding. `charsets` are normalised terms
 * (see {@link normalizeCharsets}). Never throws: what cannot be decoded becomes U+FFFD or ISO 8859-1.
 */
export function decodeText(bytes: Uint8Array, charsets: readonly string[], vr: VR): string {
  const n = charsets.length;
  if (n === 0 || (n === 1 && charsets[0] === 'ISO_IR 100')) {
    if (bytes.indexOf(ESC) < 0) return latin1(bytes);
  } else if (n === 1 && charsets[0] === 'ISO_IR 192')
    return (utf8Decoder ??= new TextDecoder('utf-8')).decode(bytes);
  return codecFor(n === 0 ? ['ISO_IR 6'] : charsets).decode(bytes, vr);
}

/**
 * Encodes a whole value (values joined by "\\") in the character sets given: the mirror of {@link decodeText}.
 * Throws DicomError INVALID_CHARSET for an unknown term or a character that none of the sets has. With no
 * Specific Character Set, characters up to U+00FF are written as ISO 8859-1 (as they were read).
 */
export function encodeText(text: string, charsets: readonly string[], vr: VR): Uint8Array {
  const n = charsets.length;
  if (n === 1 && charsets[0] === 'ISO_IR 192') return utf8Encoder.encode(text);
  const codec = codecFor(n === 0 ? ['ISO_IR 6'] : charsets);
  if (codec.unknown !== undefined)
    throw new DicomError('INVALID_CHARSET', `unknown Specific Character Set term "${codec.unknown}"`);
  const r = codec.encode(text, vr);
  if ('bytes' in r) return r.bytes;
  throw new DicomError(
    'INVALID_CHARSET',
    `character U+${r.unencodable.toString(16).toUpperCase().padStart(4, '0')} cannot be encoded in ${n === 0 ? 'the default repertoire' : charsets.join('\\')}`,
  );
}
