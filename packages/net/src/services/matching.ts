/**
 * Attribute matching for C-FIND (PS3.4 §C.2.2.2), pure: single value, universal (empty), wildcard (* and ?),
 * list of UIDs, range matching for dates and times, and sequence matching (§C.2.2.2.6: the key's one item is
 * matched against each item of the record's sequence).
 */
import { Dataset } from '@dicomkit/core';

/** Query/Retrieve levels (PS3.4 §C.3). */
export type QueryLevel = 'PATIENT' | 'STUDY' | 'SERIES' | 'IMAGE';
/** Information models: Patient Root (§C.6.1) and Study Root (§C.6.2). */
export type QueryModel = 'PATIENT' | 'STUDY';

/** The unique key of each level (PS3.4 Table C.6-1, C.6-2…). */
export const UNIQUE_KEY: Record<QueryLevel, number> = {
  PATIENT: 0x00100020, // PatientID
  STUDY: 0x0020000d, // StudyInstanceUID
  SERIES: 0x0020000e, // SeriesInstanceUID
  IMAGE: 0x00080018, // SOPInstanceUID
};

export const LEVELS: readonly QueryLevel[] = ['PATIENT', 'STUDY', 'SERIES', 'IMAGE'];

/** Keys that are not matched against (they shape the query, PS3.4 §C.4.1.1.3). */
const NOT_MATCHED = new Set([0x00080052, 0x00080005, 0x00080056, 0x00080054]);

function wildcardToRegExp(p: string): RegExp {
  const esc = p
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${esc}$`, 's');
}

/** Range matching of DA / TM / DT values: "a-b", "-b", "a-" (PS3.4 §C.2.2.2.5). */
function inRange(pattern: string, value: string): boolean {
  const i = pattern.indexOf('-');
  const lo = pattern.slice(0, i).trim();
  const hi = pattern.slice(i + 1).trim();
  const v = value.trim();
  if (lo && v < lo) return false;
  if (hi && v.slice(0, hi.length) > hi) return false;
  return true;
}

/** Does one attribute's value match the key's value? `vr` decides range and UID-list matching. */
export function matchValue(pattern: string, values: string[], vr: string): boolean {
  const p = pattern.trim();
  if (p === '' || p === '*') return true; // universal matching
  if (vr === 'UI') {
    const uids = p.split('\\');
    return values.some((v) => uids.includes(v));
  }
  if ((vr === 'DA' || vr === 'TM' || vr === 'DT') && p.includes('-'))
    return values.some((v) => inRange(p, v));
  if (/[*?]/.test(p)) {
    const re = wildcardToRegExp(p);
    return values.some((v) => re.test(v.trim()));
  }
  if (p.includes('\\')) {
    const list = p.split('\\');
    return values.some((v) => list.includes(v.trim()));
  }
  return values.some((v) => v.trim() === p);
}

/** The query item of a sequence key, or undefined for universal matching (no item, or only empty keys). */
function queryItem(identifier: Dataset, tag: number): Dataset | undefined {
  const item = identifier.get(tag)?.items?.[0];
  if (!item) return undefined;
  for (const el of item) {
    if (el.vr === 'SQ') {
      if (queryItem(item, el.tag)) return item;
      continue;
    }
    try {
      const p = item.strings(el.tag).join('\\');
      if (p.trim() !== '' && p !== '*') return item;
    } catch {
      /* a binary key: not matched */
    }
  }
  return undefined;
}

/** The items of a record's sequence that match a query item (PS3.4 §C.2.2.2.6). */
export function matchingItems(query: Dataset, items: readonly Dataset[]): Dataset[] {
  return items.filter((item) => matchIdentifier(query, item));
}

/** Does a record (an instance's header) match every non-empty key of an identifier? */
export function matchIdentifier(identifier: Dataset, record: Dataset): boolean {
  for (const el of identifier) {
    if (NOT_MATCHED.has(el.tag) || el.tag >>> 16 === 0x0002) continue;
    if (el.vr === 'SQ') {
      const q = queryItem(identifier, el.tag);
      if (!q) continue; // universal matching
      const items = record.get(el.tag)?.items ?? [];
      if (matchingItems(q, items).length === 0) return false;
      continue;
    }
    let pattern: string;
    try {
      pattern = identifier.strings(el.tag).join('\\');
    } catch {
      continue;
    }
    if (pattern.trim() === '' || pattern === '*') continue;
    let values: string[];
    try {
      values = record.strings(el.tag);
    } catch {
      return false;
    }
    if (values.length === 0) return false;
    if (!matchValue(pattern, values, el.vr)) return false;
  }
  return true;
}

/**
 * The response's values for an identifier's keys, from a matching record (PS3.4 §C.4.1.1.3.2): each key with the
 * record's value, or empty when the record has none. A sequence key with an item returns the record's items that
 * match it, each with the query item's keys; a sequence key without items returns the record's whole sequence.
 */
export function responseKeys(
  identifier: Dataset,
  record: Dataset,
  skip: ReadonlySet<number> = new Set(),
): Dataset {
  const out = new Dataset();
  for (const el of identifier) {
    if (skip.has(el.tag)) continue;
    const have = record.get(el.tag);
    if (el.vr === 'SQ') {
      const query = identifier.get(el.tag)?.items?.[0];
      const items = have?.items ?? [];
      if (!query) out.set(el.tag, 'SQ', items);
      else {
        const q = queryItem(identifier, el.tag);
        const picked = q ? matchingItems(q, items) : items;
        out.set(
          el.tag,
          'SQ',
          picked.map((item) => responseKeys(query, item)),
        );
      }
    } else if (have && !have.items) out.add(have);
    else out.set(el.tag, el.vr, undefined);
  }
  return out;
}
