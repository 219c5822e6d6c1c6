/**
 * Comparing our datasets with what pydicom 2.3.1 (Debian's, /usr/bin/python3) reads from the same file.
 * fixtures/pydicom-dump.py dumps many files in one process; this module turns a {@link Dataset} into the same
 * shape and lists the differences. Only representation is normalised (value types, padding, single vs
 * multi-valued); each difference that is a deliberate choice is named by the test that uses this module.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import {
  Dataset,
  VR_INFO,
  isDicomError,
  tagHex,
  formatTag,
  type DicomElement,
  type EncapsulatedPixelData,
} from '../src/index.js';
import { REPO_ROOT } from './shared.js';

export const PYTHON = '/usr/bin/python3';
export const PYDICOM_DUMP = join(REPO_ROOT, 'packages/core/test/fixtures/pydicom-dump.py');

/** [length, sha1 hex] of some bytes. */
export type Digest = [number, string];

/** One element as the dump gives it (see pydicom-dump.py). */
export interface DumpElement {
  t: string;
  vr: string;
  s?: string[];
  n?: (number | string)[];
  b?: Digest;
  items?: DumpElement[][];
  err?: string;
  raw?: Digest;
  undef?: boolean;
  /** Ours only: the value could not be decoded yet because its character set is not supported (INVALID_CHARSET). */
  charsetPending?: boolean;
}

export interface DumpFile {
  path: string;
  error?: string;
  le?: boolean;
  /** The dataset is in Implicit VR. */
  implicit?: boolean;
  meta?: DumpElement[];
  ds?: DumpElement[];
}

/** Runs pydicom over all `paths` in one process; results by path. */
export function pydicomDump(paths: readonly string[]): Map<string, DumpFile> {
  const r = spawnSync(PYTHON, [PYDICOM_DUMP], {
    input: paths.join('\n') + '\n',
    maxBuffer: 1 << 30,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`pydicom-dump.py failed (${r.status}): ${r.stderr}`);
  const out = new Map<string, DumpFile>();
  for (const line of r.stdout.split('\n')) {
    if (!line) continue;
    const f = JSON.parse(line) as DumpFile;
    out.set(f.path, f);
  }
  return out;
}

export function digest(b: Uint8Array): Digest {
  return [b.length, createHash('sha1').update(b).digest('hex')];
}

/** The encoded item stream of encapsulated Pixel Data, as pydicom holds it (Basic Offset Table item, then fragments). */
function encapsulatedBytes(px: EncapsulatedPixelData): Uint8Array {
  const parts: Uint8Array[] = [];
  const header = (len: number): Uint8Array => {
    const h = new Uint8Array(8);
    const dv = new DataView(h.buffer);
    dv.setUint16(0, 0xfffe, true);
    dv.setUint16(2, 0xe000, true);
    dv.setUint32(4, len, true);
    return h;
  };
  parts.push(header(px.basicOffsetTable.length * 4));
  const bot = new Uint8Array(px.basicOffsetTable.length * 4);
  const dv = new DataView(bot.buffer);
  px.basicOffsetTable.forEach((o, i) => dv.setUint32(i * 4, o, true));
  parts.push(bot);
  px.fragments.forEach((f, i) => {
    parts.push(header(f.length));
    parts.push(px.fragmentBytes(i));
  });
  return Buffer.concat(parts);
}

/** The raw value bytes of an element as held in the source. */
function rawBytes(el: DicomElement): Uint8Array | undefined {
  if (el.raw) return el.raw;
  if (el.bulk) return el.bulk.source.read(el.bulk.offset, el.bulk.length);
  return undefined;
}

/** Our dataset in the dump's shape. */
export function ourElements(ds: Dataset): DumpElement[] {
  const out: DumpElement[] = [];
  for (const el of ds) {
    const e: DumpElement = { t: tagHex(el.tag), vr: el.vr };
    const raw = rawBytes(el);
    if (raw) e.raw = digest(raw);
    try {
      if (el.items) e.items = el.items.map((it) => ourElements(it));
      else if (el.encapsulated) {
        e.b = digest(encapsulatedBytes(el.encapsulated));
        e.undef = true;
      } else {
        const kind = VR_INFO[el.vr].kind;
        if (kind === 'bytes') e.b = digest(ds.bytes(el.tag) ?? new Uint8Array(0));
        else if (kind === 'binary-number' || kind === 'tag')
          e.n = ds.numbers(el.tag).map((x) => (Number.isFinite(x) ? x : String(x)));
        else e.s = ds.strings(el.tag);
        if (el.vr === 'SV' || el.vr === 'UV') e.n = ds.bigints(el.tag).map(String);
      }
    } catch (err) {
      if (isDicomError(err, 'INVALID_CHARSET')) e.charsetPending = true;
      else e.err = isDicomError(err) ? err.describe() : String(err);
    }
    out.push(e);
  }
  return out;
}

export interface Difference {
  /** "(0008,1115)[0].(0020,000E)" */
  path: string;
  what: 'only-ours' | 'only-pydicom' | 'vr' | 'value' | 'charset-pending' | 'pydicom-error' | 'our-error';
  ours?: DumpElement;
  theirs?: DumpElement;
}

const TEXT_VRS = new Set(['LT', 'ST', 'UT']);

/** Strips what is padding, not value: trailing spaces/NULs (text VRs), leading and trailing spaces (others). */
function normString(vr: string, s: string): string {
  if (TEXT_VRS.has(vr)) return s.replace(/[\0 ]+$/, '');
  return s.replace(/^[ ]+/, '').replace(/[\0 ]+$/, '');
}

/** PS3.5 §6.2.1.1: trailing empty components and component groups may be left out with their delimiters. */
function normPN(s: string): string {
  return s
    .split('=')
    .map((g) => g.replace(/\^+$/, ''))
    .join('=')
    .replace(/=+$/, '');
}

function normStrings(vr: string, v: string[] | undefined): string[] {
  const s = (v ?? []).map((x) => (vr === 'PN' ? normPN(normString(vr, x)) : normString(vr, x)));
  // An empty value and one empty value are the same thing.
  return s.length === 1 && s[0] === '' ? [] : s;
}

function sameNumbers(a: (number | string)[], b: (number | string)[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i] || String(x) === String(b[i]));
}

/** Whether pydicom's VR ("OB or OW" before correction) names ours. */
function sameVR(ours: string, theirs: string): boolean {
  return ours === theirs || theirs.split(' or ').includes(ours);
}

/** An empty value, whatever its type ([] strings, [] numbers, zero bytes). */
export function isEmptyValue(e: DumpElement): boolean {
  if (e.b) return e.b[0] === 0;
  if (e.n) return e.n.length === 0;
  if (e.s) return normStrings(e.vr, e.s).length === 0;
  return !e.items;
}

function sameValue(o: DumpElement, t: DumpElement): boolean {
  if (isEmptyValue(o) && isEmptyValue(t)) return true;
  if (t.b || o.b) {
    if (t.b && o.b) return t.b[0] === o.b[0] && t.b[1] === o.b[1];
    return false;
  }
  if (t.n || o.n) return !!t.n && !!o.n && sameNumbers(o.n, t.n);
  if (t.s || o.s) return JSON.stringify(normStrings(o.vr, o.s)) === JSON.stringify(normStrings(t.vr, t.s));
  return true;
}

/** Lists the differences between our element list and pydicom's, recursively through sequences. */
export function compareElements(ours: DumpElement[], theirs: DumpElement[], prefix = ''): Difference[] {
  const diffs: Difference[] = [];
  const t = new Map(theirs.map((e) => [e.t, e]));
  const o = new Map(ours.map((e) => [e.t, e]));
  const name = (hex: string): string => prefix + formatTag(parseInt(hex, 16));
  for (const oe of ours) {
    const te = t.get(oe.t);
    const path = name(oe.t);
    if (!te) {
      diffs.push({ path, what: 'only-ours', ours: oe });
      continue;
    }
    if (te.err) {
      diffs.push({ path, what: 'pydicom-error', ours: oe, theirs: te });
      continue;
    }
    if (oe.err) {
      diffs.push({ path, what: 'our-error', ours: oe, theirs: te });
      continue;
    }
    if (!sameVR(oe.vr, te.vr)) {
      diffs.push({ path, what: 'vr', ours: oe, theirs: te });
      continue;
    }
    if (oe.items || te.items) {
      if (!oe.items || !te.items || oe.items.length !== te.items.length) {
        diffs.push({ path, what: 'value', ours: oe, theirs: te });
        continue;
      }
      for (let i = 0; i < oe.items.length; i++)
        diffs.push(...compareElements(oe.items[i]!, te.items[i]!, `${path}[${i}].`));
      continue;
    }
    if (oe.charsetPending) {
      diffs.push({ path, what: 'charset-pending', ours: oe, theirs: te });
      continue;
    }
    if (!sameValue(oe, te)) diffs.push({ path, what: 'value', ours: oe, theirs: te });
  }
  for (const te of theirs)
    if (!o.has(te.t)) diffs.push({ path: name(te.t), what: 'only-pydicom', theirs: te });
  return diffs;
}

/** Counts elements (recursively). */
export function countElements(els: DumpElement[]): number {
  let n = 0;
  for (const e of els) {
    n++;
    if (e.items) for (const it of e.items) n += countElements(it);
  }
  return n;
}

export interface Allowed {
  /** Short name of the case. */
  id: string;
  /** Why the difference is right (the standard's word) or not ours to fix. */
  reason: string;
  match(d: Difference, file: string, theirs: DumpFile): boolean;
}

/** Deliberate differences, each backed by the standard (or by pydicom's known behaviour). */
export const ALLOWED: Allowed[] = [
  {
    id: 'private-dictionary',
    reason:
      'pydicom gives private elements read as UN (implicit VR, or explicit UN) the VR of its private dictionary. ' +
      'PS3.5 §6.2.2 and §7.8.1: without a private dictionary the VR of a private element is unknown (UN); ' +
      "the bytes must be the same. (dicomkit's private dictionary is being added to implicitVR() separately.)",
    match: (d) => d.what === 'vr' && d.ours?.vr === 'UN' && isPrivateTagHex(d.ours.t) && sameRaw(d),
  },
  {
    id: 'pydicom-iso2022-ir58-escape',
    reason:
      'pydicom 2.3.1 leaves the GB2312 designation ESC $ ) A (ISO 2022 IR 58) inside the decoded text. Escape ' +
      'sequences switch character sets and are no characters of the value (PS3.5 §6.1.2.5.3, PS3.3 C.12.1.1.2).',
    match: (d) =>
      d.what === 'value' &&
      !!d.theirs?.s?.some((x) => x.includes('\x1b$)A')) &&
      JSON.stringify(
        normStrings(
          d.theirs.vr,
          d.theirs.s!.map((x) => x.split('\x1b$)A').join('')),
        ),
      ) === JSON.stringify(normStrings(d.ours!.vr, d.ours!.s)),
  },
  {
    id: 'implicit-pixel-data-ow',
    reason:
      'PS3.5 §A.1 c): in Implicit VR Little Endian, Pixel Data (7FE0,0010) is OW whatever Bits Allocated; pydicom ' +
      'guesses OB for 8 bits. The bytes are the same.',
    match: (d, _file, theirs) =>
      d.what === 'vr' &&
      d.ours?.vr === 'OW' &&
      d.theirs?.vr === 'OB' &&
      d.ours.t === '7FE00010' &&
      theirs.implicit === true &&
      sameRaw(d),
  },
  {
    id: 'implicit-private-sequence',
    reason:
      'In Implicit VR an element of undefined length other than Pixel Data can only be a sequence (PS3.5 §7.5.1, ' +
      '§6.2.2: UN of undefined length is a sequence in Implicit VR LE); pydicom leaves a private one as UN bytes.',
    match: (d, _file, theirs) =>
      d.what === 'vr' &&
      d.ours?.vr === 'SQ' &&
      d.theirs?.vr === 'UN' &&
      d.theirs.undef === true &&
      theirs.implicit === true &&
      isPrivateTagHex(d.ours.t),
  },
  {
    id: 'private-group-length',
    reason:
      'PS3.5 §7.2: a Group Length (gggg,0000) is UL in every group; pydicom reads private ones in implicit VR as UN.',
    match: (d) =>
      d.what === 'vr' &&
      d.ours?.vr === 'UL' &&
      d.theirs?.vr === 'UN' &&
      d.ours.t.endsWith('0000') &&
      sameRaw(d),
  },
  {
    id: 'non-standard-vr-bytes',
    reason:
      'GH179A.dcm: (0028,0120) has VR bytes "  " then a 2-byte length (2). dcmtk reads it so and carries on; pydicom ' +
      'takes a 4-byte length and swallows the rest of the file (1436 bytes) as this value, so it lacks the elements after it.',
    match: (d, file) =>
      file.endsWith('GH179A.dcm') &&
      (d.what === 'only-ours' ||
        (d.path === '(0028,0120)' && d.what === 'value' && d.theirs?.raw?.[0] === 1436)),
  },
];

function isPrivateTagHex(t: string): boolean {
  const g = parseInt(t.slice(0, 4), 16);
  return (g & 1) === 1 && g > 7 && g !== 0xffff;
}

/** The raw bytes are the same (pydicom leaves out the raw digest of empty values). */
function sameRaw(d: Difference): boolean {
  const o = d.ours?.raw;
  const t = d.theirs?.raw;
  if (!o) return false;
  if (!t) return o[0] === 0;
  return o[0] === t[0] && o[1] === t[1];
}
