/**
 * The pieces of the fuzz test (fuzz.test.ts, fuzz-worker.ts): a seeded PRNG, mutations of real files, building
 * hostile inputs, and "exercise": parse an input and use every value, where only a DicomError may be thrown.
 */
import { parseDicom, writeDicom, isDicomError, type Dataset, type DicomFile } from '../src/index.js';

/** mulberry32: a small seeded PRNG, [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A text document mutated 1–3 times: a character replaced, the text cut, a hostile piece inserted, or a run
 * deleted (for the JSON and XML readers' fuzz tests).
 */
export function mutateText(base: string, pieces: readonly string[], random: () => number): string {
  let t = base;
  for (let k = 1 + Math.floor(random() * 3); k > 0; k--) {
    const at = Math.floor(random() * t.length);
    const r = random();
    if (r < 0.4) t = t.slice(0, at) + String.fromCharCode(32 + Math.floor(random() * 95)) + t.slice(at + 1);
    else if (r < 0.6) t = t.slice(0, at);
    else if (r < 0.8) t = t.slice(0, at) + pieces[Math.floor(random() * pieces.length)] + t.slice(at);
    else t = t.slice(0, at) + t.slice(at + 1 + Math.floor(random() * 20));
  }
  return t;
}

/**
 * Fuzzes a text reader (JSON, XML): `rounds` mutations of `base`, each read, written back and parsed again by
 * `roundTrip`, which may only throw DicomErrors. Returns how many mutations were accepted.
 */
export function fuzzTextReader(
  base: string,
  pieces: readonly string[],
  seed: number,
  rounds: number,
  roundTrip: (text: string) => void,
): number {
  const random = prng(seed);
  let accepted = 0;
  for (let i = 0; i < rounds; i++) {
    const t = mutateText(base, pieces, random);
    try {
      roundTrip(t);
      accepted++;
    } catch (e) {
      if (!isDicomError(e)) throw new Error(`mutation ${i} threw ${String(e)} for ${t}`, { cause: e });
    }
  }
  return accepted;
}

/** Where a length field sits in a file: byte position, 2 or 4 bytes, byte order. */
export interface LengthSite {
  pos: number;
  size: 2 | 4;
  le: boolean;
  /** Offset of the element's tag. */
  start: number;
  explicit: boolean;
}

const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);

/** The length fields of every element (through sequences) of a file that reads cleanly; none for deflated files. */
export function lengthSites(bytes: Uint8Array): LengthSite[] {
  let f;
  try {
    f = parseDicom(bytes);
  } catch {
    return [];
  }
  if (f.transferSyntax.deflated) return [];
  const sites: LengthSite[] = [];
  const walk = (ds: Dataset, explicit: boolean, le: boolean): void => {
    for (const el of ds) {
      if (el.offset < 0) continue;
      const start = el.offset;
      if (!explicit) sites.push({ pos: el.offset + 4, size: 4, le, start, explicit });
      else {
        // The VR as written (bytes 4–5), not as re-read: a UN re-read as US still has the long header.
        const code = String.fromCharCode(bytes[el.offset + 4] ?? 0, bytes[el.offset + 5] ?? 0);
        sites.push(
          LONG_VRS.has(code)
            ? { pos: el.offset + 8, size: 4, le, start, explicit }
            : { pos: el.offset + 6, size: 2, le, start, explicit },
        );
      }
      if (el.items) for (const it of el.items) walk(it, explicit, le);
    }
  };
  for (const el of f.meta) {
    if (el.offset >= 0)
      sites.push({
        pos: el.offset + (LONG_VRS.has(el.vr) ? 8 : 6),
        size: LONG_VRS.has(el.vr) ? 4 : 2,
        le: true,
        start: el.offset,
        explicit: true,
      });
  }
  walk(f.dataset, f.transferSyntax.explicitVR, f.transferSyntax.littleEndian);
  return sites.filter((s) => s.pos + s.size <= bytes.length);
}

export type MutationKind = 'bitflip' | 'truncate' | 'length' | 'zero-run' | 'duplicate' | 'vr' | 'delimiter';

const VR_CODES = ['SQ', 'UN', 'OB', 'OW', 'US', 'UL', 'AT', 'FD', 'SV', 'UT', 'PN', 'DS', 'ZZ', '  ', '\0\0'];
const DELIMITERS = [0xfffee000, 0xfffee00d, 0xfffee0dd];

/** One random mutation of `bytes` (a new array). */
export function mutate(
  bytes: Uint8Array,
  sites: LengthSite[],
  rnd: () => number,
): { bytes: Uint8Array; kind: MutationKind; detail: string } {
  const n = bytes.length;
  const pick = rnd();
  if (pick < 0.35 || n < 16) {
    const out = bytes.slice();
    const flips = 1 + Math.floor(rnd() * 16);
    for (let i = 0; i < flips; i++) {
      const at = Math.floor(rnd() * n);
      out[at] = out[at]! ^ (1 << Math.floor(rnd() * 8));
    }
    return { bytes: out, kind: 'bitflip', detail: `${flips} bits` };
  }
  if (pick < 0.55) {
    const at = Math.floor(rnd() * n);
    return { bytes: bytes.slice(0, at), kind: 'truncate', detail: `at ${at}` };
  }
  if (pick < 0.75 && sites.length) {
    const s = sites[Math.floor(rnd() * sites.length)]!;
    const out = bytes.slice();
    const dv = new DataView(out.buffer);
    const old = s.size === 4 ? dv.getUint32(s.pos, s.le) : dv.getUint16(s.pos, s.le);
    const choices =
      s.size === 4
        ? [0xffffffff, 0xfffffff0, 0x7fffffff, old | 1, old + 2, 0, Math.floor(rnd() * 0x100000000)]
        : [0xffff, old | 1, old + 2, 0, Math.floor(rnd() * 0x10000)];
    const v = choices[Math.floor(rnd() * choices.length)]!;
    if (s.size === 4) dv.setUint32(s.pos, v >>> 0, s.le);
    else dv.setUint16(s.pos, v & 0xffff, s.le);
    return { bytes: out, kind: 'length', detail: `length at ${s.pos} ${old} → ${v >>> 0}` };
  }
  if (pick < 0.9 && sites.length) {
    // Structure: another VR in an element header, or an item / delimiter where an element starts.
    const s = sites[Math.floor(rnd() * sites.length)]!;
    const out = bytes.slice();
    const dv = new DataView(out.buffer);
    if (s.explicit && rnd() < 0.5) {
      const code = VR_CODES[Math.floor(rnd() * VR_CODES.length)]!;
      out[s.start + 4] = code.charCodeAt(0);
      out[s.start + 5] = code.charCodeAt(1);
      return { bytes: out, kind: 'vr', detail: `VR ${JSON.stringify(code)} at ${s.start}` };
    }
    if (s.start + 8 > out.length) return { bytes: out, kind: 'delimiter', detail: 'none' };
    const t = DELIMITERS[Math.floor(rnd() * DELIMITERS.length)]!;
    dv.setUint16(s.start, t >>> 16, s.le);
    dv.setUint16(s.start + 2, t & 0xffff, s.le);
    dv.setUint32(s.start + 4, rnd() < 0.5 ? 0xffffffff : Math.floor(rnd() * 64), s.le);
    return { bytes: out, kind: 'delimiter', detail: `${t.toString(16)} at ${s.start}` };
  }
  if (pick < 0.95) {
    const out = bytes.slice();
    const at = Math.floor(rnd() * n);
    const len = Math.min(n - at, 1 + Math.floor(rnd() * 64));
    out.fill(rnd() < 0.5 ? 0 : 0xff, at, at + len);
    return { bytes: out, kind: 'zero-run', detail: `${len} bytes at ${at}` };
  }
  // A piece of the file repeated in place: elements, items and delimiters out of order or doubled.
  const at = Math.floor(rnd() * n);
  const len = Math.min(n - at, 8 + Math.floor(rnd() * 256));
  const out = new Uint8Array(n + len);
  out.set(bytes.subarray(0, at + len));
  out.set(bytes.subarray(at, at + len), at + len);
  out.set(bytes.subarray(at + len), at + 2 * len);
  return { bytes: out, kind: 'duplicate', detail: `${len} bytes at ${at}` };
}

/** Uses every value of `ds` (and its items); a DicomError on one value does not stop the others. */
function useDataset(ds: Dataset, top: boolean): void {
  for (const el of ds) {
    try {
      ds.value(el.tag);
      ds.strings(el.tag);
      if (el.items) for (const it of el.items) useDataset(it, false);
      if (el.encapsulated && top) {
        const frames = Math.max(1, Math.min(ds.number('NumberOfFrames') || 1, 1 << 16));
        if (el.encapsulated.frameFragmentRanges(frames).length) el.encapsulated.frame(0, frames);
      }
    } catch (e) {
      if (!isDicomError(e)) throw e;
    }
  }
}

/**
 * Parses and uses every value (strings, numbers, items, frames). Returns 'ok' or the DicomError code of the
 * parse; any other exception propagates (that is the bug the fuzz test looks for).
 */
export function exercise(bytes: Uint8Array): string {
  lastFile = undefined;
  let f;
  try {
    f = parseDicom(bytes);
  } catch (e) {
    if (isDicomError(e)) return e.code;
    throw e;
  }
  useDataset(f.meta, false);
  useDataset(f.dataset, true);
  lastFile = f;
  return 'ok';
}

let lastFile: DicomFile | undefined;

/**
 * Writes what the last successful exercise() read, in its own transfer syntax, Implicit VR LE and Explicit VR BE,
 * and reads it back: a DicomError (a value that cannot be encoded) is an answer, any other exception propagates.
 */
export function exerciseWrite(): void {
  const f = lastFile;
  lastFile = undefined;
  if (!f) return;
  for (const transferSyntax of [undefined, 'ImplicitVRLittleEndian', 'ExplicitVRBigEndian']) {
    try {
      parseDicom(writeDicom(f, transferSyntax ? { transferSyntax } : {}));
    } catch (e) {
      if (!isDicomError(e)) throw e;
    }
  }
}

// ---- hostile inputs built from nothing ----

function u16(v: number): number[] {
  return [v & 0xff, (v >>> 8) & 0xff];
}
function u32(v: number): number[] {
  return [...u16(v & 0xffff), ...u16(v >>> 16)];
}
function tagBytes(t: number): number[] {
  return [...u16(t >>> 16), ...u16(t & 0xffff)];
}

/** Explicit VR LE element bytes. */
export function explicitElement(tag: number, vr: string, value: Uint8Array | number[]): number[] {
  const long = LONG_VRS.has(vr);
  const v = Array.from(value);
  return [
    ...tagBytes(tag),
    vr.charCodeAt(0),
    vr.charCodeAt(1),
    ...(long ? [0, 0, ...u32(v.length)] : u16(v.length)),
    ...v,
  ];
}

/** A Part 10 header (preamble, DICM, File Meta) for a transfer syntax. */
export function part10Header(tsUid: string): Uint8Array {
  const ts = tsUid.length % 2 ? tsUid + '\0' : tsUid;
  const body = [
    ...explicitElement(0x00020001, 'OB', [0, 1]),
    ...explicitElement(0x00020002, 'UI', Array.from(Buffer.from('1.2.840.10008.5.1.4.1.1.7\0'))),
    ...explicitElement(0x00020003, 'UI', Array.from(Buffer.from('1.2.3.4\0'))),
    ...explicitElement(0x00020010, 'UI', Array.from(Buffer.from(ts))),
  ];
  return new Uint8Array([
    ...new Array(128).fill(0),
    0x44,
    0x49,
    0x43,
    0x4d,
    ...explicitElement(0x00020000, 'UL', u32(body.length)),
    ...body,
  ]);
}

/** `depth` sequences nested in each other, each in one item: undefined lengths, without delimiters (the input just ends). */
export function deepNesting(depth: number, explicit: boolean): Uint8Array {
  const unit = explicit
    ? [
        ...tagBytes(0x00081115),
        0x53,
        0x51,
        0,
        0,
        ...u32(0xffffffff),
        ...tagBytes(0xfffee000),
        ...u32(0xffffffff),
      ]
    : [...tagBytes(0x00081115), ...u32(0xffffffff), ...tagBytes(0xfffee000), ...u32(0xffffffff)];
  const head = part10Header(explicit ? '1.2.840.10008.1.2.1' : '1.2.840.10008.1.2');
  const out = new Uint8Array(head.length + unit.length * depth);
  out.set(head);
  for (let i = 0; i < depth; i++) out.set(unit, head.length + i * unit.length);
  return out;
}

/** `depth` nested sequences and items of defined length (each length counts everything inside it). */
export function deepNestingDefined(depth: number): Uint8Array {
  const head = part10Header('1.2.840.10008.1.2.1');
  // From the inside out: item(sq(item(...))) with exact lengths.
  const unit = 12 + 8; // SQ header + item header
  const out = new Uint8Array(head.length + unit * depth);
  out.set(head);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < depth; i++) {
    const p = head.length + i * unit;
    const inner = (depth - i - 1) * unit;
    dv.setUint16(p, 0x0008, true);
    dv.setUint16(p + 2, 0x1115, true);
    out[p + 4] = 0x53;
    out[p + 5] = 0x51;
    dv.setUint32(p + 8, inner + 8, true);
    dv.setUint16(p + 12, 0xfffe, true);
    dv.setUint16(p + 14, 0xe000, true);
    dv.setUint32(p + 16, inner, true);
  }
  return out;
}
