/**
 * Decoding and encoding of element values per VR (PS3.5 §6.2): mirror images of each other, keyed by VR kind.
 */
import { VR_INFO, type VR } from '../encoding/vr.js';
import { decodeText, encodeText } from '../charset/index.js';
import { latin1 } from '../charset/codec.js';
import { DicomError } from '../errors.js';

/** Byte-swaps a copy of `bytes` in units of `unit` bytes (big endian ↔ little endian). */
export function swapBytes(bytes: Uint8Array, unit: number): Uint8Array {
  const out = new Uint8Array(bytes.length);
  const n = bytes.length - (bytes.length % unit);
  for (let i = 0; i < n; i += unit) for (let j = 0; j < unit; j++) out[i + j] = bytes[i + unit - 1 - j]!;
  out.set(bytes.subarray(n), n);
  return out;
}

const LEADING_INSIGNIFICANT = new Set<VR>(['AE', 'CS', 'DS', 'IS', 'SH', 'LO', 'UR', 'AS']);

/** Removes the padding and insignificant spaces of one string value per PS3.5 §6.2. */
export function trimValue(vr: VR, s: string): string {
  let end = s.length;
  while (end > 0) {
    const c = s.charCodeAt(end - 1);
    if (c === 0x20 || c === 0 || (vr === 'UI' && c === 0)) end--;
    else break;
  }
  let start = 0;
  if (LEADING_INSIGNIFICANT.has(vr)) while (start < end && s.charCodeAt(start) === 0x20) start++;
  return start === 0 && end === s.length ? s : s.slice(start, end);
}

/**
 * Single character sets whose bytes map one to one onto the first 256 code points (ISO 8859-1 is Latin-1, and the
 * default repertoire is its ASCII half): their values take the byte-level fast path.
 */
const LATIN1_IDENTITY = new Set(['', 'ISO_IR 6', 'ISO_IR 100']);

/** Latin-1 text of bytes [start, end): a plain loop for short values (most DICOM strings), chunks for long. */
export function latin1Range(b: Uint8Array, start: number, end: number): string {
  const n = end - start;
  if (n <= 0) return '';
  if (n <= 64) {
    let s = '';
    for (let i = start; i < end; i++) s += String.fromCharCode(b[i]!);
    return s;
  }
  return latin1(b.subarray(start, end));
}

/** Decodes the text of a string-kind value into its values (split on backslash for multi-valued VRs). */
export function decodeStrings(vr: VR, raw: Uint8Array, charsets: readonly string[]): string[] {
  const len = raw.length;
  if (len === 0) return [];
  const info = VR_INFO[vr];
  if (
    !info.charsetGoverned ||
    charsets.length === 0 ||
    (charsets.length === 1 && LATIN1_IDENTITY.has(charsets[0]!))
  ) {
    // Fast path: the default repertoire. Find the delimiters and the padding in the bytes themselves.
    if (info.kind === 'text') {
      let end = len;
      while (end > 0 && (raw[end - 1] === 0x20 || raw[end - 1] === 0)) end--;
      let start = 0;
      if (vr === 'UR') while (start < end && raw[start] === 0x20) start++;
      return [latin1Range(raw, start, end)];
    }
    const leading = LEADING_INSIGNIFICANT.has(vr);
    const out: string[] = [];
    let from = 0;
    for (let i = 0; i <= len; i++) {
      if (i === len || raw[i] === 0x5c) {
        let start = from;
        let end = i;
        while (end > start && (raw[end - 1] === 0x20 || raw[end - 1] === 0)) end--;
        if (leading) while (start < end && raw[start] === 0x20) start++;
        out.push(latin1Range(raw, start, end));
        from = i + 1;
      }
    }
    return out;
  }
  const text = decodeText(raw, charsets, vr);
  if (info.kind === 'text') return [trimValue(vr, text)];
  const parts = text.split('\\');
  for (let i = 0; i < parts.length; i++) parts[i] = trimValue(vr, parts[i]!);
  return parts;
}

/** Parses IS/DS text values as numbers (NaN for a value that is not a number; empty values are skipped... as null → NaN). */
export function parseNumberStrings(values: readonly string[]): number[] {
  return values.map((v) => (v === '' ? NaN : Number(v)));
}

/** Decodes binary numbers (FL FD SS US SL UL SV UV) and AT. */
export function decodeBinary(vr: VR, raw: Uint8Array, littleEndian: boolean): number[] | bigint[] {
  const size = VR_INFO[vr].unitSize;
  const n = Math.floor(raw.length / size);
  if (n === 1 && littleEndian) {
    // The common case, one little-endian value: no DataView, no closure.
    if (vr === 'US') return [raw[0]! | (raw[1]! << 8)];
    if (vr === 'UL') return [(raw[0]! | (raw[1]! << 8) | (raw[2]! << 16) | (raw[3]! << 24)) >>> 0];
    if (vr === 'SS') return [((raw[0]! | (raw[1]! << 8)) << 16) >> 16];
    if (vr === 'SL') return [raw[0]! | (raw[1]! << 8) | (raw[2]! << 16) | (raw[3]! << 24)];
  }
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const le = littleEndian;
  switch (vr) {
    case 'US':
      return Array.from({ length: n }, (_, i) => dv.getUint16(i * 2, le));
    case 'SS':
      return Array.from({ length: n }, (_, i) => dv.getInt16(i * 2, le));
    case 'UL':
      return Array.from({ length: n }, (_, i) => dv.getUint32(i * 4, le));
    case 'SL':
      return Array.from({ length: n }, (_, i) => dv.getInt32(i * 4, le));
    case 'FL':
      return Array.from({ length: n }, (_, i) => dv.getFloat32(i * 4, le));
    case 'FD':
      return Array.from({ length: n }, (_, i) => dv.getFloat64(i * 8, le));
    case 'SV':
      return Array.from({ length: n }, (_, i) => dv.getBigInt64(i * 8, le));
    case 'UV':
      return Array.from({ length: n }, (_, i) => dv.getBigUint64(i * 8, le));
    case 'AT':
      return Array.from(
        { length: n },
        (_, i) => ((dv.getUint16(i * 4, le) << 16) | dv.getUint16(i * 4 + 2, le)) >>> 0,
      );
    default:
      throw new DicomError('INVALID_VALUE', `${vr} is not a binary number VR`);
  }
}

function pad(bytes: Uint8Array, vr: VR): Uint8Array {
  if (bytes.length % 2 === 0) return bytes;
  const out = new Uint8Array(bytes.length + 1);
  out.set(bytes);
  out[bytes.length] = VR_INFO[vr].padding;
  return out;
}

/** Formats a number for DS: at most 16 characters (PS3.5 Table 6.2-1). */
export function formatDS(n: number): string {
  if (!Number.isFinite(n)) throw new DicomError('INVALID_VALUE', `DS cannot hold ${n}`);
  let s = String(n);
  if (s.length <= 16) return s;
  for (let p = 15; p > 0; p--) {
    s = n
      .toPrecision(p)
      .replace(/(\.\d*?)0+(e|$)/, '$1$2')
      .replace(/\.(e|$)/, '$1');
    if (s.length <= 16) return s;
  }
  return s;
}

/** Encodes a value for writing, padded to even length. */
export function encodeValue(
  vr: VR,
  value: unknown,
  charsets: readonly string[],
  littleEndian: boolean,
): Uint8Array {
  const info = VR_INFO[vr];
  switch (info.kind) {
    case 'string':
    case 'text':
    case 'number-string': {
      const arr = (
        Array.isArray(value) ? value : value === undefined || value === null ? [] : [value]
      ) as unknown[];
      const strs = arr.map((v) => {
        if (v === null || v === undefined) return '';
        if (typeof v === 'number')
          return vr === 'DS' ? formatDS(v) : vr === 'IS' ? String(Math.trunc(v)) : String(v);
        return String(v);
      });
      const text = strs.join('\\');
      const bytes = info.charsetGoverned ? encodeText(text, charsets, vr) : encodeText(text, [], vr);
      return pad(bytes, vr);
    }
    case 'binary-number':
    case 'tag': {
      const arr = (Array.isArray(value) ? value : [value]) as (number | bigint)[];
      const out = new Uint8Array(arr.length * info.unitSize);
      const dv = new DataView(out.buffer);
      const le = littleEndian;
      arr.forEach((v, i) => {
        const o = i * info.unitSize;
        switch (vr) {
          case 'US':
            dv.setUint16(o, Number(v), le);
            break;
          case 'SS':
            dv.setInt16(o, Number(v), le);
            break;
          case 'UL':
            dv.setUint32(o, Number(v), le);
            break;
          case 'SL':
            dv.setInt32(o, Number(v), le);
            break;
          case 'FL':
            dv.setFloat32(o, Number(v), le);
            break;
          case 'FD':
            dv.setFloat64(o, Number(v), le);
            break;
          case 'SV':
            dv.setBigInt64(o, BigInt(v), le);
            break;
          case 'UV':
            dv.setBigUint64(o, BigInt(v), le);
            break;
          case 'AT':
            dv.setUint16(o, Number(v) >>> 16, le);
            dv.setUint16(o + 2, Number(v) & 0xffff, le);
            break;
        }
      });
      return out;
    }
    case 'bytes': {
      if (!(value instanceof Uint8Array))
        throw new DicomError('INVALID_VALUE', `${vr} needs a Uint8Array value`);
      // Bytes are held little endian; OW/OF/... swap for big endian.
      const b = littleEndian || info.unitSize === 1 ? value : swapBytes(value, info.unitSize);
      return pad(b, vr);
    }
    case 'sequence':
      throw new DicomError('INVALID_VALUE', 'sequences are encoded by the writer');
  }
}
