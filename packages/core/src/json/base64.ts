/**
 * Base64 (RFC 4648 §4, the alphabet PS3.18 §F.2.7 and PS3.19 §A.1.6 InlineBinary use), by hand: core runs in
 * browsers, where Buffer does not exist, and atob/btoa work on binary strings that cost a copy per byte.
 * Decoding is strict: only the alphabet, whitespace between groups, and "=" padding at the very end.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DECODE = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

const ALPHABET_CODES = new Uint8Array(64);
for (let i = 0; i < 64; i++) ALPHABET_CODES[i] = ALPHABET.charCodeAt(i);
let ascii: TextDecoder | undefined;

/** Encodes bytes as base64 with "=" padding: into ASCII bytes first, then one decode to a string (fast for large values). */
export function encodeBase64(bytes: Uint8Array): string {
  const n = bytes.length;
  const out = new Uint8Array(Math.ceil(n / 3) * 4);
  const A = ALPHABET_CODES;
  let o = 0;
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out[o] = A[v >> 18]!;
    out[o + 1] = A[(v >> 12) & 63]!;
    out[o + 2] = A[(v >> 6) & 63]!;
    out[o + 3] = A[v & 63]!;
    o += 4;
  }
  if (i < n) {
    const b1 = i + 1 < n ? bytes[i + 1]! : 0;
    const v = (bytes[i]! << 16) | (b1 << 8);
    out[o] = A[v >> 18]!;
    out[o + 1] = A[(v >> 12) & 63]!;
    out[o + 2] = i + 1 < n ? A[(v >> 6) & 63]! : 0x3d;
    out[o + 3] = 0x3d;
  }
  // Every byte is ASCII, which every TextDecoder label reads the same way.
  return (ascii ??= new TextDecoder('latin1')).decode(out);
}

/** Why a base64 text was refused: a message and the character position. */
export class Base64Error extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
  }
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** Decodes base64; throws {@link Base64Error} on a character outside the alphabet, bad padding or a dangling group. */
export function decodeBase64(text: string): Uint8Array {
  let chars = 0;
  for (let i = 0; i < text.length; i++) if (!isSpace(text.charCodeAt(i))) chars++;
  if (chars % 4 !== 0)
    throw new Base64Error(`base64 text has ${chars} characters, not a multiple of 4`, text.length);
  let padding = 0;
  for (let i = text.length - 1; i >= 0 && padding < 3; i--) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) continue;
    if (c === 0x3d) padding++;
    else break;
  }
  if (padding > 2) throw new Base64Error('too much base64 padding', text.length);
  const out = new Uint8Array((chars / 4) * 3 - padding);
  let acc = 0;
  let k = 0; // sextets in acc
  let o = 0;
  let seen = 0;
  const dataChars = chars - padding;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) continue;
    if (seen >= dataChars) {
      if (c !== 0x3d) throw new Base64Error(`unexpected "${text[i]}" in base64 padding`, i);
      seen++;
      continue;
    }
    const v = c < 128 ? DECODE[c]! : -1;
    if (v < 0) throw new Base64Error(`"${text[i]}" is not a base64 character`, i);
    acc = (acc << 6) | v;
    k++;
    seen++;
    if (k === 4) {
      out[o++] = (acc >> 16) & 255;
      out[o++] = (acc >> 8) & 255;
      out[o++] = acc & 255;
      acc = 0;
      k = 0;
    }
  }
  if (k === 2) {
    if (acc & 0xf) throw new Base64Error('non-zero bits in the last base64 character', text.length);
    out[o++] = (acc >> 4) & 255;
  } else if (k === 3) {
    if (acc & 0x3) throw new Base64Error('non-zero bits in the last base64 character', text.length);
    out[o++] = (acc >> 10) & 255;
    out[o++] = (acc >> 2) & 255;
  }
  return out;
}
