/**
 * What the DICOM JSON Model (PS3.18 Annex F) and the Native DICOM Model (PS3.19 Annex A) share: an attribute's
 * value seen as the web models see it, read from a {@link DicomElement} and built back into one. JSON and XML
 * differ only in syntax, so both sit on this one mirror pair (readAttribute ↔ buildElement).
 *
 * Conformance choices (see docs/json-xml.md):
 * - Empty values: a zero-length value, or one that is only padding, has no Value (PS3.18 §F.2.5); an empty
 *   value among several is null.
 * - IS, DS: a JSON number when the number has exactly the decimal value of the text, else the text as a string
 *   (PS3.18 Table F.2.3-1 note: "a JSON String representation can be used ... to avoid losing precision").
 * - SV, UV: a number while it is a safe integer (|v| ≤ 2^53 − 1), else a string of decimal digits (same note).
 * - FL, FD: numbers; NaN and ±Infinity, which JSON numbers cannot hold, as the strings "NaN", "Infinity", "-Infinity".
 * - AT: "GGGGEEEE" (PS3.18 §F.2.3).
 * - Encapsulated Pixel Data inline: the Value Field as it is encoded (Basic Offset Table item then fragment items,
 *   little endian item headers, no Sequence Delimitation Item), so no fragment boundary is lost.
 */
import { VR_INFO, type VR } from '../encoding/vr.js';
import type { Dataset } from '../data/dataset.js';
import { DicomElement } from '../data/element.js';
import { EncapsulatedPixelData, type Fragment } from '../data/fragments.js';
import { decodeStrings } from '../data/values.js';
import { readBulk } from '../data/bulk.js';
import { formatTag, PixelDataTag, tagHex } from '../data/tag.js';
import { BulkDataUriSource } from './bulk-data-uri.js';

export type AttributeValue =
  | { kind: 'empty' }
  /** String VRs, PN as the whole name ("Yamada^Tarou=山田^太郎"), AT as "GGGGEEEE"; null for an empty value. */
  | { kind: 'strings'; values: (string | null)[] }
  /** IS DS SV UV US SS UL SL FL FD; a string where a number would not be exact (see above). */
  | { kind: 'numbers'; values: (number | string | null)[] }
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'items'; items: Dataset[] }
  | { kind: 'bulk'; uri: string };

/** Raised by {@link buildElement} on a value the VR cannot hold; the caller turns it into INVALID_JSON or INVALID_XML. */
export type Fail = (message: string) => never;

/** The VR an element has in the web models: SQ for items (an undefined-length UN read as a sequence), OB for encapsulated data. */
export function modelVR(el: DicomElement): VR {
  if (el.items) return 'SQ';
  if (el.encapsulated) return 'OB';
  return el.vr;
}

/** Tag path step for messages: "(0008,1115)[0].(0020,000E)". */
export function pathOf(parent: string, tag: number): string {
  return parent ? `${parent}.${formatTag(tag)}` : formatTag(tag);
}

/** The URI of a value that was read from JSON/XML as a BulkDataURI and never fetched, if this element holds one. */
export function unfetchedUri(el: DicomElement): string | undefined {
  return el.bulk && el.bulk.source instanceof BulkDataUriSource ? el.bulk.source.uri : undefined;
}

/** The length of a value as held: raw or in its source, or (set by a caller) its decoded form. */
export function valueLength(el: DicomElement): number {
  if (el.raw || el.bulk) return el.length;
  const v = el.decoded;
  if (v instanceof Uint8Array) return v.length;
  if (Array.isArray(v)) return (v as unknown[]).reduce<number>((n, x) => n + String(x).length + 1, 0);
  return 0;
}

// ---- decimal strings ------------------------------------------------------------------------------------------

/** The exact decimal value of a number text as "digits e exponent" (sign kept), or undefined when it is no number. */
function canonicalDecimal(s: string): string | undefined {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d{1,6}))?$/.exec(s);
  if (!m) return undefined;
  const int = m[2]!;
  const frac = m[3] ?? '';
  if (int === '' && frac === '') return undefined;
  let digits = (int + frac).replace(/^0+/, '');
  if (digits === '') return '0';
  let exp = (m[4] ? parseInt(m[4], 10) : 0) - frac.length;
  const trimmed = digits.replace(/0+$/, '');
  exp += digits.length - trimmed.length;
  digits = trimmed;
  return `${m[1] === '-' ? '-' : ''}${digits}e${exp}`;
}

/** The number a DS/IS text means when a double holds exactly that decimal value; undefined otherwise. Zero is +0. */
export function exactNumber(text: string): number | undefined {
  const c = canonicalDecimal(text);
  if (c === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n)) return undefined;
  if (n === 0) return 0;
  return canonicalDecimal(String(n)) === c ? n : undefined;
}

/**
 * The shortest DS text (at most 16 characters, PS3.5 Table 6.2-1) that reads back as exactly `n`, or undefined
 * when there is none.
 */
export function losslessDS(n: number): string | undefined {
  if (!Number.isFinite(n)) return undefined;
  let best: string | undefined;
  const consider = (s: string): void => {
    const t = s
      .replace(/e\+/, 'e')
      .replace(/\.?0+e/, 'e')
      .replace(/(\.\d*?)0+$/, '$1')
      .replace(/\.$/, '');
    if (Number(t) === n && t.length <= 16 && (best === undefined || t.length < best.length)) best = t;
  };
  consider(String(n));
  for (let p = 1; p <= 17 && best === undefined; p++) {
    consider(n.toPrecision(p));
    consider(n.toExponential(p - 1));
  }
  return best;
}

/** Whether a number text goes to JSON/XML as a number: exact, and (DS) writable back in 16 characters, (IS) a safe integer. */
function numberForText(vr: VR, text: string): number | string {
  const n = exactNumber(text);
  if (n === undefined) return text;
  if (vr === 'IS') return Number.isSafeInteger(n) ? n : text;
  return losslessDS(n) !== undefined ? n : text;
}

// ---- reading an element ---------------------------------------------------------------------------------------

const EMPTY_BYTES = new Uint8Array(0);

/** The Value Field of encapsulated Pixel Data: the Basic Offset Table item and the fragment items (PS3.5 §A.4). */
export function encapsulatedValueField(px: EncapsulatedPixelData): Uint8Array {
  const frags = px.fragments.map((_, i) => px.fragmentBytes(i));
  let total = 8 + px.basicOffsetTable.length * 4;
  for (const f of frags) total += 8 + f.length + (f.length & 1);
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  let o = 0;
  const item = (len: number): void => {
    dv.setUint16(o, 0xfffe, true);
    dv.setUint16(o + 2, 0xe000, true);
    dv.setUint32(o + 4, len, true);
    o += 8;
  };
  item(px.basicOffsetTable.length * 4);
  for (const v of px.basicOffsetTable) {
    dv.setUint32(o, v, true);
    o += 4;
  }
  for (const f of frags) {
    item(f.length + (f.length & 1));
    out.set(f, o);
    o += f.length + (f.length & 1);
  }
  return out;
}

/**
 * Parses bytes as an encapsulated Value Field (items to the end, an optional Sequence Delimitation Item last);
 * undefined when they are not one, so native pixel data is never mistaken for fragments.
 */
export function parseEncapsulated(bytes: Uint8Array): EncapsulatedPixelData | undefined {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const items: Uint8Array[] = [];
  let o = 0;
  while (o < bytes.length) {
    if (o + 8 > bytes.length || dv.getUint16(o, true) !== 0xfffe) return undefined;
    const el = dv.getUint16(o + 2, true);
    const len = dv.getUint32(o + 4, true);
    if (el === 0xe0dd && len === 0 && o + 8 === bytes.length && items.length > 0) break;
    if (el !== 0xe000 || len > bytes.length - o - 8) return undefined;
    items.push(bytes.subarray(o + 8, o + 8 + len));
    o += 8 + len;
  }
  const bot = items.shift();
  if (!bot || bot.length % 4 !== 0) return undefined;
  const table = new Uint32Array(bot.length / 4);
  const bdv = new DataView(bot.buffer, bot.byteOffset, bot.byteLength);
  for (let i = 0; i < table.length; i++) table[i] = bdv.getUint32(i * 4, true);
  const fragments: Fragment[] = items.map((b) => ({ bytes: b, length: b.length }));
  return new EncapsulatedPixelData(table, fragments);
}

/** The shortest decimal that reads back as the same 32-bit float (FL values are float32, PS3.5 Table 6.2-1). */
export function shortestFloat32(x: number): number {
  for (let p = 1; p < 9; p++) {
    const n = Number(x.toPrecision(p));
    if (Math.fround(n) === x) return n;
  }
  return Number(x.toPrecision(9));
}

function nonFinite(n: number): string {
  return Number.isNaN(n) ? 'NaN' : n > 0 ? 'Infinity' : '-Infinity';
}

/** The bytes of a value held raw or in its source, for the VRs whose texts must be re-read (IS, DS). */
function rawBytes(el: DicomElement): Uint8Array | undefined {
  if (el.raw) return el.raw;
  if (el.bulk) return readBulk(el.bulk);
  return undefined;
}

/**
 * Reads an element's value as the web models see it (see the module comment for the choices). With
 * `numberText`, IS and DS values are their texts (XML has no number type, so it keeps them as they are).
 */
export function readAttribute(ds: Dataset, el: DicomElement, numberText = false): AttributeValue {
  if (el.items) return el.items.length ? { kind: 'items', items: el.items } : { kind: 'empty' };
  if (el.encapsulated) return { kind: 'bytes', bytes: encapsulatedValueField(el.encapsulated) };
  const uri = unfetchedUri(el);
  if (uri !== undefined) return { kind: 'bulk', uri };
  const info = VR_INFO[el.vr];
  switch (info.kind) {
    case 'bytes': {
      const v = ds.decode(el);
      const b = v instanceof Uint8Array ? v : EMPTY_BYTES;
      return b.length ? { kind: 'bytes', bytes: b } : { kind: 'empty' };
    }
    case 'string':
    case 'text': {
      const v = ds.decode(el) as string[];
      return strings(v);
    }
    case 'tag': {
      const v = ds.decode(el) as number[];
      return v.length ? { kind: 'strings', values: v.map((t) => tagHex(t)) } : { kind: 'empty' };
    }
    case 'number-string': {
      const raw = rawBytes(el);
      if (raw === undefined) {
        const v = (ds.decode(el) as number[]) ?? [];
        return v.length
          ? { kind: 'numbers', values: v.map((n) => (Number.isFinite(n) ? n : null)) }
          : { kind: 'empty' };
      }
      const texts = decodeStrings(el.vr, raw, []);
      if (texts.length === 0 || (texts.length === 1 && texts[0] === '')) return { kind: 'empty' };
      return {
        kind: 'numbers',
        values: texts.map((t) => (t === '' ? null : numberText ? t : numberForText(el.vr, t))),
      };
    }
    case 'binary-number': {
      const v = ds.decode(el) as number[] | bigint[];
      if (v.length === 0) return { kind: 'empty' };
      const values = (v as (number | bigint)[]).map((x) => {
        if (typeof x === 'bigint')
          return x >= -BigInt(Number.MAX_SAFE_INTEGER) && x <= BigInt(Number.MAX_SAFE_INTEGER)
            ? Number(x)
            : x.toString();
        if (!Number.isFinite(x)) return nonFinite(x);
        return el.vr === 'FL' ? shortestFloat32(x) : x;
      });
      return { kind: 'numbers', values };
    }
    case 'sequence':
      return { kind: 'empty' };
  }
}

function strings(v: string[]): AttributeValue {
  if (v.length === 0 || (v.length === 1 && v[0] === '')) return { kind: 'empty' };
  return { kind: 'strings', values: v.map((s) => (s === '' ? null : s)) };
}

// ---- building an element --------------------------------------------------------------------------------------

const INT_RANGE: Partial<Record<VR, [number, number]>> = {
  US: [0, 0xffff],
  SS: [-0x8000, 0x7fff],
  UL: [0, 0xffffffff],
  SL: [-0x80000000, 0x7fffffff],
};
const BIG_RANGE: Partial<Record<VR, [bigint, bigint]>> = {
  SV: [-(1n << 63n), (1n << 63n) - 1n],
  UV: [0n, (1n << 64n) - 1n],
};

function latin1Bytes(text: string, fail: Fail): Uint8Array {
  const out = new Uint8Array(text.length + (text.length & 1));
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e)
      fail(`character U+${c.toString(16).padStart(4, '0')} cannot be part of a number string`);
    out[i] = c;
  }
  if (text.length & 1) out[text.length] = 0x20;
  return out;
}

function numberStringText(vr: VR, v: number | string | null, fail: Fail): string {
  if (v === null) return '';
  if (typeof v === 'string') {
    if (v.includes('\\')) fail(`a ${vr} value cannot hold a backslash`);
    return v.trim();
  }
  if (typeof v !== 'number' || !Number.isFinite(v))
    fail(`${vr} values are numbers or strings, not ${JSON.stringify(v)}`);
  if (vr === 'IS') {
    // IS is -2^31..2^31-1 (PS3.5 Table 6.2-1), but files carry larger ones: accept what a double holds exactly.
    if (!Number.isSafeInteger(v)) fail(`${v} is not an IS integer`);
    return String(v);
  }
  const exact = losslessDS(v);
  if (exact !== undefined) return exact;
  // More precision than a DS holds: round to 16 characters.
  for (let p = 16; p > 0; p--) {
    const s = v
      .toPrecision(p)
      .replace(/e\+/, 'e')
      .replace(/\.?0+e/, 'e')
      .replace(/(\.\d*?)0+$/, '$1')
      .replace(/\.$/, '');
    if (s.length <= 16) return s;
  }
  return fail(`${v} does not fit a DS (16 characters)`);
}

function binaryNumber(vr: VR, v: number | string | null, fail: Fail): number | bigint {
  if (v === null) fail(`a ${vr} value cannot be empty (null)`);
  const big = BIG_RANGE[vr];
  if (big) {
    let b: bigint;
    if (typeof v === 'number') {
      if (!Number.isSafeInteger(v))
        fail(`${v} is not a safe integer: write ${vr} values beyond 2^53 as strings`);
      b = BigInt(v);
    } else if (typeof v === 'string' && /^[+-]?\d{1,20}$/.test(v.trim())) b = BigInt(v.trim());
    else return fail(`${JSON.stringify(v)} is not a ${vr} integer`);
    if (b < big[0] || b > big[1]) fail(`${v} is out of range for ${vr}`);
    return b;
  }
  if (vr === 'FL' || vr === 'FD') {
    if (typeof v === 'number') return v;
    if (v === 'NaN') return NaN;
    if (v === 'Infinity') return Infinity;
    if (v === '-Infinity') return -Infinity;
    return fail(`${JSON.stringify(v)} is not a ${vr} number`);
  }
  const range = INT_RANGE[vr]!;
  if (typeof v !== 'number' || !Number.isInteger(v))
    return fail(`${JSON.stringify(v)} is not a ${vr} integer`);
  if (v < range[0] || v > range[1]) fail(`${v} is out of range for ${vr} (${range[0]}..${range[1]})`);
  return v;
}

/**
 * Builds an element from a web-model value: the mirror of {@link readAttribute}. Items must already be built
 * (their parent is set here).
 */
export function buildElement(
  parent: Dataset,
  tag: number,
  vr: VR,
  value: AttributeValue,
  fail: Fail,
): DicomElement {
  const info = VR_INFO[vr];
  const el = new DicomElement(tag, vr, undefined, true);
  const set = (v: DicomElement['decoded']): DicomElement => {
    el.decoded = v;
    el.isDecoded = true;
    return el;
  };
  switch (value.kind) {
    case 'empty':
      if (vr === 'SQ') {
        el.items = [];
        return el;
      }
      el.raw = EMPTY_BYTES;
      return el;
    case 'bulk':
      el.bulk = { source: new BulkDataUriSource(value.uri), offset: 0, length: 0 };
      return el;
    case 'items':
      if (vr !== 'SQ') fail(`only SQ holds items, not ${vr}`);
      for (const it of value.items) it.parent = parent;
      el.items = value.items;
      return el;
    case 'bytes': {
      if (info.kind !== 'bytes') fail(`${vr} cannot hold binary (InlineBinary) values`);
      if (tag === PixelDataTag && vr === 'OB') {
        const px = parseEncapsulated(value.bytes);
        if (px) {
          el.encapsulated = px;
          el.undefinedLength = true;
          return el;
        }
      }
      el.raw = value.bytes;
      return el;
    }
    case 'strings': {
      if (info.kind === 'tag') {
        return set(
          value.values.map((s) => {
            if (s === null || !/^[0-9A-Fa-f]{8}$/.test(s))
              return fail(`${JSON.stringify(s)} is not an AT value ("GGGGEEEE")`);
            return parseInt(s, 16) >>> 0;
          }),
        );
      }
      if (info.kind !== 'string' && info.kind !== 'text') fail(`${vr} values are not strings`);
      const out = value.values.map((s) => {
        if (s === null) return '';
        if (typeof s !== 'string') return fail(`${vr} values are strings, not ${JSON.stringify(s)}`);
        if (info.kind === 'string' && s.includes('\\'))
          fail(`a ${vr} value cannot hold a backslash (it separates values)`);
        return s;
      });
      if (info.kind === 'text' && out.length > 1) fail(`${vr} holds one value, not ${out.length}`);
      return set(out);
    }
    case 'numbers': {
      if (info.kind === 'number-string') {
        el.raw = latin1Bytes(value.values.map((v) => numberStringText(vr, v, fail)).join('\\'), fail);
        return el;
      }
      if (info.kind !== 'binary-number') fail(`${vr} values are not numbers`);
      const nums = value.values.map((v) => binaryNumber(vr, v, fail));
      return set(nums as number[] | bigint[]);
    }
  }
}

/** `fail` for messages about one element, with its tag path, in the caller's error code. */
export function failAt(make: (message: string, tagPath: string) => Error, tagPath: string): Fail {
  return (message: string): never => {
    throw make(message, tagPath);
  };
}
