/**
 * The UID registry (PS3.6 Annex A): transfer syntaxes, SOP classes, well-known instances and frames of reference.
 * Generated from the standard (scripts/gen-dictionary.mjs) and parsed on first use.
 */
import { UID_TABLE } from './uids.gen.js';

export interface UidEntry {
  readonly uid: string;
  readonly keyword: string;
  readonly name: string;
  /** "SOP Class", "Transfer Syntax", "Well-known SOP Instance", … */
  readonly type: string;
  readonly retired: boolean;
}

let byUid: Map<string, UidEntry> | undefined;
let byKeyword: Map<string, UidEntry> | undefined;

function load(): void {
  byUid = new Map();
  byKeyword = new Map();
  for (const line of UID_TABLE.split('\n')) {
    const [uid, keyword, name, type, retired] = line.split('\t') as [string, string, string, string, string];
    const e: UidEntry = { uid, keyword, name, type, retired: retired === 'R' };
    byUid.set(uid, e);
    if (keyword) byKeyword.set(keyword, e);
  }
}

export function lookupUid(uid: string): UidEntry | undefined {
  if (!byUid) load();
  return byUid!.get(uid);
}

export function lookupUidKeyword(keyword: string): UidEntry | undefined {
  if (!byKeyword) load();
  return byKeyword!.get(keyword);
}

/** Every registered UID of one type ("SOP Class", "Transfer Syntax", …). */
export function uidsOfType(type: string): UidEntry[] {
  if (!byUid) load();
  return [...byUid!.values()].filter((e) => e.type === type);
}

/** Storage SOP classes: every SOP Class whose name ends in "Storage" (PS3.4 Annex B), as storage SCPs accept. */
export function storageSopClasses(): UidEntry[] {
  return uidsOfType('SOP Class').filter(
    (e) => /Storage( - For (Presentation|Processing))?$|Storage$/.test(e.name) && !/Commitment/.test(e.name),
  );
}
