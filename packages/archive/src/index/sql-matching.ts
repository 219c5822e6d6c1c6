/**
 * C-FIND matching (PS3.4 §C.2.2.2) turned into SQL conditions on indexed columns. The SQL is portable (LIKE with
 * an ESCAPE character, IN, comparisons, substr) and may select more than matches — SQLite's LIKE ignores ASCII
 * case — so every row is then checked exactly with net's `matchValue` ({@link matchesColumn}). Rules:
 * - universal matching (empty or `*`): no condition;
 * - UI: a list of UIDs (`a\b\c`) → IN;
 * - DA, TM: `lo-hi`, `lo-`, `-hi` → comparisons (a bound compared with the same number of leading characters);
 * - `*` and `?` → LIKE with `%` and `_`, the value's own `%`, `_` and `\` escaped;
 * - a backslash list of values → IN; anything else → equality.
 * Person names (PN) are compared upper-cased on both sides (case-insensitive, as §C.2.2.2.4 permits); every other
 * VR case-sensitively.
 */
import { sql, type RawBuilder } from 'kysely';
import { matchValue } from '@dicomkit/net';
import { fold } from './keys.js';

/** A key's pattern as received: the identifier's values joined with a backslash, trimmed. */
export function isUniversal(pattern: string): boolean {
  const p = pattern.trim();
  return p === '' || p === '*';
}

/** LIKE pattern for a DICOM wildcard pattern (ESCAPE '\'). */
export function likePattern(pattern: string): string {
  return pattern
    .replace(/[\\%_]/g, '\\$&')
    .replace(/\*/g, '%')
    .replace(/\?/g, '_');
}

/** Lists longer than this are left to the exact check (bound parameters are limited per statement). */
const MAX_LIST = 500;

/**
 * The SQL condition for one key on a column (`column` is a trusted `table.column` name), or undefined when SQL
 * cannot narrow it (the exact check still runs). `folded`: the column holds upper-cased values (PN).
 */
export function sqlCondition(
  column: string,
  rawPattern: string,
  vr: string,
  folded: boolean,
): RawBuilder<unknown> | undefined {
  const pattern = rawPattern.trim();
  if (isUniversal(pattern)) return undefined;
  const p = folded ? fold(pattern) : pattern;
  const col = sql.ref(column);
  if (vr === 'UI' || (p.includes('\\') && !/[*?]/.test(p))) {
    const list = p.split('\\').map((v) => v.trim());
    if (list.length > MAX_LIST) return undefined;
    return sql`${col} in (${sql.join(list)})`;
  }
  if ((vr === 'DA' || vr === 'TM' || vr === 'DT') && p.includes('-')) {
    const i = p.indexOf('-');
    const lo = p.slice(0, i).trim();
    const hi = p.slice(i + 1).trim();
    const parts: RawBuilder<unknown>[] = [];
    if (lo) parts.push(sql`${col} >= ${lo}`);
    if (hi) parts.push(sql`substr(${col}, 1, ${hi.length}) <= ${hi}`);
    if (parts.length === 0) return undefined;
    return sql`(${sql.join(parts, sql` and `)})`;
  }
  if (/[*?]/.test(p)) return sql`${col} like ${likePattern(p)} escape ${'\\'}`;
  return sql`${col} = ${p}`;
}

/** The exact check of a column value against a key (what SQL selected may be more). */
export function matchesColumn(
  rawPattern: string,
  value: string | null,
  vr: string,
  folded: boolean,
): boolean {
  if (isUniversal(rawPattern)) return true;
  if (value === null) return false;
  const values = value.split('\\');
  return folded ? matchValue(fold(rawPattern), values.map(fold), vr) : matchValue(rawPattern, values, vr);
}
