/**
 * C-FIND, C-MOVE and C-GET over the index (for net's QueryRetrieveProvider, see qr-provider.ts): SQL narrows by the indexed keys
 * (see sql-matching.ts), every row is checked exactly, and keys the index has no column for are matched with net's
 * `matchIdentifier` against the stored header of the entity's most recently stored instance. Rows are read in pages
 * (by id), so a long C-FIND never holds the database while the peer reads its responses.
 */
import { sql, type RawBuilder } from 'kysely';
import { Dataset, fromJson, type DicomElement } from '@dicomkit/core';
import { matchIdentifier, type QueryLevel } from '@dicomkit/net';
import type { ArchiveIndex } from './archive-index.js';
import { ANSWERED, atOrAbove, COMPUTED, INDEXED_KEYS, KEY_BY_TAG, type IndexedKey } from './keys.js';
import { isUniversal, matchesColumn, sqlCondition } from './sql-matching.js';

/** What each level's query reads from (trusted constants). */
const FROM: Record<QueryLevel, { from: string; id: string }> = {
  PATIENT: { from: 'patients', id: 'patients.id' },
  STUDY: { from: 'studies join patients on patients.id = studies.patient_fk', id: 'studies.id' },
  SERIES: {
    from: 'series join studies on studies.id = series.study_fk join patients on patients.id = studies.patient_fk',
    id: 'series.id',
  },
  IMAGE: {
    from:
      'instances join series on series.id = instances.series_fk join studies on studies.id = series.study_fk ' +
      'join patients on patients.id = studies.patient_fk',
    id: 'instances.id',
  },
};

/** The most recently stored instance's header of an entity: SQL before the entity id, and after (trusted constants). */
const LATEST_HEADER: Record<Exclude<QueryLevel, 'IMAGE'>, [string, string]> = {
  SERIES: ['select i.header from instances i where i.series_fk = ', ' order by i.id desc limit 1'],
  STUDY: [
    'select i.header from instances i join series s on s.id = i.series_fk where s.study_fk = ',
    ' order by i.id desc limit 1',
  ],
  PATIENT: [
    'select i.header from instances i join series s on s.id = i.series_fk join studies t on t.id = s.study_fk where t.patient_fk = ',
    ' order by i.id desc limit 1',
  ],
};

const PAGE = 200;

/** A matching entity: its id and the indexed values of its level and the levels above. */
export interface MatchedEntity {
  id: number;
  values: Map<number, string | null>;
  /** The header used for keys without a column (loaded only when such keys are present). */
  header?: Dataset;
}

interface Plan {
  keys: IndexedKey[];
  conditions: RawBuilder<unknown>[];
  /** Keys checked exactly on the row: [key, pattern]. */
  checks: [IndexedKey, string][];
  /** Keys without a column, matched on the header (with the identifier's character set). */
  residual: Dataset | undefined;
  modalities: string | undefined;
}

function patternOf(identifier: Dataset, el: DicomElement): string | undefined {
  try {
    return identifier.strings(el.tag).join('\\');
  } catch {
    return undefined;
  }
}

function plan(level: QueryLevel, identifier: Dataset): Plan {
  const keys = INDEXED_KEYS.filter((k) => atOrAbove(k.level, level));
  const conditions: RawBuilder<unknown>[] = [];
  const checks: [IndexedKey, string][] = [];
  const residual = new Dataset();
  let residualKeys = 0;
  let modalities: string | undefined;
  const computed = new Set<number>(Object.values(COMPUTED));
  const answered = new Set<number>(Object.values(ANSWERED));
  for (const el of identifier) {
    if (el.tag >>> 16 === 0x0002 || (el.tag & 0xffff) === 0) continue;
    if (answered.has(el.tag)) continue;
    const k = KEY_BY_TAG.get(el.tag);
    if (k) {
      // Keys of levels below the query level are not matched (PS3.4 §C.4.1.2.1: they should not be there).
      if (!atOrAbove(k.level, level)) continue;
      const p = patternOf(identifier, el);
      if (p === undefined || isUniversal(p)) continue;
      const c = sqlCondition(`${k.table}.${k.fold ?? k.column}`, p, k.vr, !!k.fold);
      if (c) conditions.push(c);
      checks.push([k, p]);
      continue;
    }
    if (el.tag === COMPUTED.ModalitiesInStudy && level === 'STUDY') {
      const p = patternOf(identifier, el);
      if (p !== undefined && !isUniversal(p)) {
        modalities = p;
        const c = sqlCondition('m.modality', p, 'CS', false);
        if (c) conditions.push(sql`exists (select 1 from series m where m.study_fk = studies.id and ${c})`);
      }
      continue;
    }
    if (computed.has(el.tag)) continue;
    residual.add(el);
    residualKeys++;
  }
  const cs = identifier.get(ANSWERED.SpecificCharacterSet);
  if (cs) residual.add(cs);
  return { keys, conditions, checks, residual: residualKeys ? residual : undefined, modalities };
}

function alias(k: IndexedKey): string {
  return `k${k.tag.toString(16).padStart(8, '0')}`;
}

export class IndexQuery {
  constructor(readonly index: ArchiveIndex) {}

  /** The entities matching an identifier at a level, in the order they were first stored. */
  async *match(level: QueryLevel, identifier: Dataset, signal?: AbortSignal): AsyncIterable<MatchedEntity> {
    const p = plan(level, identifier);
    const { from, id } = FROM[level];
    const idRef = sql.ref(id);
    const select = sql.join(
      p.keys.map((k) => sql`${sql.ref(`${k.table}.${k.column}`)} as ${sql.ref(alias(k))}`),
    );
    const header = level === 'IMAGE' && p.residual ? sql`, instances.header as header` : sql``;
    const where = p.conditions.length ? sql` and ${sql.join(p.conditions, sql` and `)}` : sql``;
    let after = 0;
    for (;;) {
      if (signal?.aborted) return;
      const q = sql<
        Record<string, unknown>
      >`select ${idRef} as id, ${select}${header} from ${sql.raw(from)} where ${idRef} > ${after}${where} order by ${idRef} limit ${PAGE}`;
      const rows = (await q.execute(this.index.db)).rows;
      for (const row of rows) {
        const e: MatchedEntity = { id: Number(row['id']), values: new Map() };
        for (const k of p.keys) {
          const v = row[alias(k)];
          e.values.set(k.tag, typeof v === 'string' ? v : null);
        }
        if (
          !p.checks.every(([k, pattern]) =>
            matchesColumn(pattern, e.values.get(k.tag) ?? null, k.vr, !!k.fold),
          )
        )
          continue;
        if (p.modalities !== undefined) {
          const mods = await this.modalitiesInStudy(e.id);
          if (!matchesColumn(p.modalities, mods.join('\\') || null, 'CS', false)) continue;
        }
        if (p.residual) {
          const text = level === 'IMAGE' ? (row['header'] as string) : await this.latestHeader(level, e.id);
          if (text === undefined) continue;
          e.header = fromJson(JSON.parse(text));
          if (!matchIdentifier(p.residual, e.header)) continue;
        }
        yield e;
      }
      if (rows.length < PAGE) return;
      after = Number(rows[rows.length - 1]!['id']);
    }
  }

  /** The header (DICOM JSON text) of an entity's most recently stored instance. */
  async latestHeader(level: QueryLevel, id: number): Promise<string | undefined> {
    if (level === 'IMAGE') {
      const r = await this.index.db
        .selectFrom('instances')
        .select('header')
        .where('id', '=', id)
        .executeTakeFirst();
      return r?.header;
    }
    const [before, after] = LATEST_HEADER[level];
    const r = await sql<{ header: string }>`${sql.raw(before)}${id}${sql.raw(after)}`.execute(this.index.db);
    return r.rows[0]?.header;
  }

  async modalitiesInStudy(studyId: number): Promise<string[]> {
    const r = await sql<{
      modality: string | null;
    }>`select distinct modality from series where study_fk = ${studyId} order by modality`.execute(
      this.index.db,
    );
    return r.rows.map((x) => x.modality).filter((m): m is string => !!m);
  }

  /** Counts of related entities (PS3.4 §C.3.4) of one entity. */
  async count(tag: number, level: QueryLevel, id: number): Promise<number> {
    const q = COUNT_SQL[`${level}:${tag}`];
    if (!q) return 0;
    const r = await sql<{ n: number | string }>`${sql.raw(q)}${id}`.execute(this.index.db);
    return Number(r.rows[0]?.n ?? 0);
  }

  /** The blob keys of every instance below the matching entities, in storing order. */
  async blobKeys(level: QueryLevel, identifier: Dataset, signal?: AbortSignal): Promise<string[]> {
    const ids: number[] = [];
    for await (const e of this.match(level, identifier, signal)) ids.push(e.id);
    const column = {
      IMAGE: 'i.id',
      SERIES: 'i.series_fk',
      STUDY: 's.study_fk',
      PATIENT: 't.patient_fk',
    }[level];
    const out: string[] = [];
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      const r = await sql<{
        blob_key: string;
      }>`select i.blob_key from instances i join series s on s.id = i.series_fk join studies t on t.id = s.study_fk where ${sql.ref(column)} in (${sql.join(chunk)}) order by i.id`.execute(
        this.index.db,
      );
      for (const row of r.rows) out.push(row.blob_key);
    }
    return out;
  }
}

const COUNT_SQL: Record<string, string> = {
  [`PATIENT:${COMPUTED.NumberOfPatientRelatedStudies}`]:
    'select count(*) as n from studies where patient_fk = ',
  [`PATIENT:${COMPUTED.NumberOfPatientRelatedSeries}`]:
    'select count(*) as n from series s join studies t on t.id = s.study_fk where t.patient_fk = ',
  [`PATIENT:${COMPUTED.NumberOfPatientRelatedInstances}`]:
    'select count(*) as n from instances i join series s on s.id = i.series_fk join studies t on t.id = s.study_fk where t.patient_fk = ',
  [`STUDY:${COMPUTED.NumberOfStudyRelatedSeries}`]: 'select count(*) as n from series where study_fk = ',
  [`STUDY:${COMPUTED.NumberOfStudyRelatedInstances}`]:
    'select count(*) as n from instances i join series s on s.id = i.series_fk where s.study_fk = ',
  [`SERIES:${COMPUTED.NumberOfSeriesRelatedInstances}`]:
    'select count(*) as n from instances where series_fk = ',
};
