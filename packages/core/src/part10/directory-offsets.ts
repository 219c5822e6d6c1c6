/**
 * DICOMDIR record offsets (PS3.3 §F.3.2.2): (0004,1200), (0004,1202), (0004,1400) and (0004,1420) hold the byte
 * offset of a Directory Record's Item tag, counted from the first byte of the file (preamble included, PS3.10
 * §7.1). Writing a DICOMDIR in another transfer syntax, or with another File Meta group, moves every record, so
 * the offsets are rewritten to where the records now are.
 */
import { Dataset } from '../data/dataset.js';

export const DirectoryRecordSequenceTag = 0x00041220;
const ROOT_OFFSET_TAGS = [0x00041200, 0x00041202];
const RECORD_OFFSET_TAGS = [0x00041400, 0x00041420];

/** Offset of an item's Item tag in its source: 8 bytes before its first element; -1 when not read from a source. */
function itemOffset(item: Dataset): number {
  for (const el of item) return el.offset >= 0 ? el.offset - 8 : -1;
  return -1;
}

/** A shallow copy of `ds` whose offset elements point where the records are now (`moved`: old → new offset). */
function withOffsets(ds: Dataset, tags: number[], moved: Map<number, number>): Dataset {
  const copy = new Dataset();
  copy.parent = ds.parent;
  copy.undefinedLength = ds.undefinedLength;
  for (const el of ds) copy.add(el);
  for (const t of tags) {
    const old = ds.number(t);
    if (old === undefined || old === 0) continue;
    const now = moved.get(old);
    if (now !== undefined && now !== old) copy.set(t, 'UL', now);
  }
  return copy;
}

/**
 * Given a DICOMDIR as read (`before`, whose items know their source offsets) and the same DICOMDIR as written and
 * read back (`after`), the dataset to write so that its offsets are right, or undefined when nothing moved or the
 * records cannot be matched (a dataset built in memory has no source offsets to translate).
 */
export function relocateDirectoryRecords(before: Dataset, after: Dataset): Dataset | undefined {
  const oldItems = before.sequence(DirectoryRecordSequenceTag);
  const newItems = after.sequence(DirectoryRecordSequenceTag);
  if (oldItems.length === 0 || oldItems.length !== newItems.length) return undefined;
  const moved = new Map<number, number>();
  let changed = false;
  for (let i = 0; i < oldItems.length; i++) {
    const o = itemOffset(oldItems[i]!);
    const n = itemOffset(newItems[i]!);
    if (o < 0 || n < 0) return undefined;
    moved.set(o, n);
    if (o !== n) changed = true;
  }
  if (!changed) return undefined;
  const top = withOffsets(before, ROOT_OFFSET_TAGS, moved);
  const seq = before.get(DirectoryRecordSequenceTag)!;
  const records = oldItems.map((it) => withOffsets(it, RECORD_OFFSET_TAGS, moved));
  const el = top.set(DirectoryRecordSequenceTag, 'SQ', records);
  el.undefinedLength = seq.undefinedLength;
  return top;
}
