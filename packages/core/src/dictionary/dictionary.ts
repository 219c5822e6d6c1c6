/**
 * The data dictionary (PS3.6 §6, PS3.7 Annex E): attributes by tag and by keyword, in O(1),
 * including repeating groups (50xx, 60xx, 7Fxx; PS3.5 §7.6) and the command and File Meta groups.
 * The table is generated from the standard (see scripts/gen-dictionary.mjs) and parsed on first use.
 */
import { ATTRIBUTE_TABLE, REPEATER_TABLE } from './attributes.gen.js';
import type { VR } from '../encoding/vr.js';
import type { Tag } from '../data/tag.js';

export interface AttributeEntry {
  readonly tag: Tag;
  /** The VRs the standard allows, first one the default ("US or SS" → ['US', 'SS']); empty for item delimiters. */
  readonly vrs: readonly VR[];
  /** VM as the standard writes it: "1", "1-n", "2-2n", … */
  readonly vm: string;
  readonly keyword: string;
  readonly name: string;
  readonly retired: boolean;
  /** For a repeating-group entry, the mask of fixed bits (e.g. 0xFF00FFFF for 60xx,3000). */
  readonly mask?: number;
}

let byTag: Map<Tag, AttributeEntry> | undefined;
let byKeyword: Map<string, AttributeEntry> | undefined;
let repeaters: AttributeEntry[] | undefined;
/** Repeating-group entries by mask, then by masked tag: five masks (FF00FFFF for 60xx,3000, …), so O(1). */
let repeatersByMask: [number, Map<number, AttributeEntry>][] | undefined;

function parseLine(line: string, repeating: boolean): AttributeEntry {
  const [t, vr, vm, keyword, name, retired] = line.split('\t') as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const vrs = vr === 'NONE' ? [] : (vr.split('|') as VR[]);
  if (!repeating) return { tag: parseInt(t, 16) >>> 0, vrs, vm, keyword, name, retired: retired === 'R' };
  let mask = 0;
  let value = 0;
  for (const ch of t) {
    mask = mask * 16 + (ch === 'X' ? 0 : 15);
    value = value * 16 + (ch === 'X' ? 0 : parseInt(ch, 16));
  }
  return { tag: value >>> 0, vrs, vm, keyword, name, retired: retired === 'R', mask: mask >>> 0 };
}

function load(): void {
  byTag = new Map();
  byKeyword = new Map();
  for (const line of ATTRIBUTE_TABLE.split('\n')) {
    const e = parseLine(line, false);
    byTag.set(e.tag, e);
    if (e.keyword) byKeyword.set(e.keyword, e);
  }
  repeaters = REPEATER_TABLE.split('\n').map((l) => parseLine(l, true));
  for (const e of repeaters) if (!byKeyword.has(e.keyword)) byKeyword.set(e.keyword, e);
  const masks = new Map<number, Map<number, AttributeEntry>>();
  for (const e of repeaters) {
    let m = masks.get(e.mask!);
    if (!m) masks.set(e.mask!, (m = new Map()));
    m.set(e.tag, e);
  }
  repeatersByMask = [...masks];
}

/** The dictionary entry for a tag (repeating groups included), or undefined for unknown and private tags. */
export function lookupTag(t: Tag): AttributeEntry | undefined {
  if (!byTag) load();
  const e = byTag!.get(t);
  if (e) return e;
  const g = t >>> 16;
  // Repeating groups and group-length elements: only even groups are public.
  if ((g & 1) === 1) return undefined;
  for (const [mask, entries] of repeatersByMask!) {
    const r = entries.get((t & mask) >>> 0);
    if (r) return r;
  }
  if ((t & 0xffff) === 0) return GENERIC_GROUP_LENGTH;
  return undefined;
}

const GENERIC_GROUP_LENGTH: AttributeEntry = {
  tag: 0,
  vrs: ['UL'],
  vm: '1',
  keyword: 'GroupLength',
  name: 'Group Length',
  retired: true,
};

/** The entry for a keyword ("PatientName"), or undefined. Repeating-group keywords give the base group (5000, 6000). */
export function lookupKeyword(keyword: string): AttributeEntry | undefined {
  if (!byKeyword) load();
  return byKeyword!.get(keyword);
}

/** The tag for a keyword; throws a TypeError for an unknown keyword (a programming error). */
export function tagForKeyword(keyword: string): Tag {
  const e = lookupKeyword(keyword);
  if (!e) throw new TypeError(`unknown DICOM keyword: ${keyword}`);
  return e.tag;
}

/** Every entry, in tag order (repeaters last). */
export function allAttributes(): AttributeEntry[] {
  if (!byTag) load();
  return [...byTag!.values(), ...repeaters!];
}
