/**
 * The archive's index: patients, studies, series and instances in SQL through kysely (SQLite through
 * better-sqlite3 here; the schema and the queries stay portable to PostgreSQL). Writes of one instance are one
 * transaction: after a crash the index holds the instance entirely or not at all.
 */
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, type Insertable, type Transaction } from 'kysely';
import { migrateToLatest, type IndexDialect } from './migrations.js';
import type { IndexSchema, InstanceTable, PatientTable, SeriesTable, StudyTable } from './schema.js';
import type { InstanceRecord } from './record.js';

/** What the blob store said about the stored object. */
export interface StoredBlob {
  key: string;
  size: number;
  transferSyntaxUid: string;
  sourceAe?: string;
}

type Columns<T> = Omit<Insertable<T>, 'id' | 'patient_fk' | 'study_fk' | 'series_fk'>;

export class ArchiveIndex {
  constructor(
    readonly db: Kysely<IndexSchema>,
    readonly dialect: IndexDialect,
  ) {}

  /**
   * Opens (creating it if need be) an SQLite index file and brings its schema up to date. Write-ahead logging
   * with `synchronous = FULL`: a committed transaction survives a crash and a power loss.
   */
  static async openSqlite(path: string): Promise<ArchiveIndex> {
    const database = new Database(path);
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = FULL');
    database.pragma('foreign_keys = ON');
    database.pragma('busy_timeout = 5000');
    const db = new Kysely<IndexSchema>({ dialect: new SqliteDialect({ database }) });
    await migrateToLatest(db, 'sqlite');
    return new ArchiveIndex(db, 'sqlite');
  }

  /**
   * Adds or replaces an instance (same SOP Instance UID: the new one replaces the old), updating its patient, study
   * and series rows with its values. Resolves with the blob key the instance had before, if any (to delete once this
   * has committed).
   */
  async upsert(record: InstanceRecord, blob: StoredBlob): Promise<{ previousKey?: string }> {
    const c = record.columns;
    return this.db.transaction().execute(async (trx) => {
      const old = await trx
        .selectFrom('instances')
        .innerJoin('series', 'series.id', 'instances.series_fk')
        .innerJoin('studies', 'studies.id', 'series.study_fk')
        .select([
          'instances.blob_key',
          'series.id as series_id',
          'studies.id as study_id',
          'studies.patient_fk',
        ])
        .where('instances.sop_instance_uid', '=', record.sopInstanceUid)
        .executeTakeFirst();
      const oldStudy = await trx
        .selectFrom('studies')
        .select(['patient_fk'])
        .where('study_instance_uid', '=', record.studyInstanceUid)
        .executeTakeFirst();
      const oldSeries = await trx
        .selectFrom('series')
        .select(['study_fk'])
        .where('series_instance_uid', '=', record.seriesInstanceUid)
        .executeTakeFirst();

      const patient = c.patients as Columns<PatientTable>;
      const { id: patientId } = await trx
        .insertInto('patients')
        .values({ ...patient, patient_key: record.patientKey })
        .onConflict((oc) => oc.column('patient_key').doUpdateSet(patient))
        .returning('id')
        .executeTakeFirstOrThrow();
      const study = c.studies as Columns<StudyTable>;
      const { id: studyId } = await trx
        .insertInto('studies')
        .values({ ...study, patient_fk: patientId })
        .onConflict((oc) => oc.column('study_instance_uid').doUpdateSet({ ...study, patient_fk: patientId }))
        .returning('id')
        .executeTakeFirstOrThrow();
      const series = c.series as Columns<SeriesTable>;
      const { id: seriesId } = await trx
        .insertInto('series')
        .values({ ...series, study_fk: studyId })
        .onConflict((oc) => oc.column('series_instance_uid').doUpdateSet({ ...series, study_fk: studyId }))
        .returning('id')
        .executeTakeFirstOrThrow();
      const instance: Columns<InstanceTable> = {
        ...(c.instances as Pick<InstanceTable, 'sop_instance_uid' | 'sop_class_uid' | 'instance_number'>),
        transfer_syntax_uid: blob.transferSyntaxUid,
        blob_key: blob.key,
        size: blob.size,
        header: record.header,
        source_ae: blob.sourceAe ?? null,
        stored_at: new Date().toISOString(),
      };
      await trx
        .insertInto('instances')
        .values({ ...instance, series_fk: seriesId })
        .onConflict((oc) => oc.column('sop_instance_uid').doUpdateSet({ ...instance, series_fk: seriesId }))
        .execute();
      // The instance, its series or its study may have moved: drop what was left empty.
      await prune(trx, {
        series: old ? [Number(old.series_id)] : [],
        studies: [old?.study_id, oldSeries?.study_fk].filter((x) => x !== undefined).map(Number),
        patients: [old?.patient_fk, oldStudy?.patient_fk].filter((x) => x !== undefined).map(Number),
      });
      return old && old.blob_key !== blob.key ? { previousKey: old.blob_key } : {};
    });
  }

  /** Removes the instance stored under a blob key (and its series, study, patient when left empty). */
  async removeByBlobKey(key: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const old = await trx
        .selectFrom('instances')
        .innerJoin('series', 'series.id', 'instances.series_fk')
        .innerJoin('studies', 'studies.id', 'series.study_fk')
        .select(['instances.id', 'series.id as series_id', 'studies.id as study_id', 'studies.patient_fk'])
        .where('instances.blob_key', '=', key)
        .executeTakeFirst();
      if (!old) return false;
      await trx.deleteFrom('instances').where('id', '=', old.id).execute();
      await prune(trx, {
        series: [Number(old.series_id)],
        studies: [Number(old.study_id)],
        patients: [Number(old.patient_fk)],
      });
      return true;
    });
  }

  /** Every blob key the index refers to, with its instance's SOP Instance UID. */
  async blobKeys(): Promise<Map<string, string>> {
    const rows = await this.db.selectFrom('instances').select(['blob_key', 'sop_instance_uid']).execute();
    return new Map(rows.map((r) => [r.blob_key, r.sop_instance_uid]));
  }

  /** The blob key of an instance, if indexed. */
  async keyOf(sopInstanceUid: string): Promise<string | undefined> {
    const r = await this.db
      .selectFrom('instances')
      .select('blob_key')
      .where('sop_instance_uid', '=', sopInstanceUid)
      .executeTakeFirst();
    return r?.blob_key;
  }

  /** Counts of rows per table (for logs and tests). */
  async counts(): Promise<Record<'patients' | 'studies' | 'series' | 'instances', number>> {
    const n = async (t: 'patients' | 'studies' | 'series' | 'instances') =>
      Number(
        (
          await this.db
            .selectFrom(t)
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    return {
      patients: await n('patients'),
      studies: await n('studies'),
      series: await n('series'),
      instances: await n('instances'),
    };
  }

  close(): Promise<void> {
    return this.db.destroy();
  }
}

/** Deletes those of the given series, then studies, then patients that no longer have anything below them. */
async function prune(
  trx: Transaction<IndexSchema>,
  ids: { series: number[]; studies: number[]; patients: number[] },
): Promise<void> {
  if (ids.series.length)
    await trx
      .deleteFrom('series')
      .where('id', 'in', ids.series)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb.selectFrom('instances').select('id').whereRef('instances.series_fk', '=', 'series.id'),
          ),
        ),
      )
      .execute();
  if (ids.studies.length)
    await trx
      .deleteFrom('studies')
      .where('id', 'in', ids.studies)
      .where((eb) =>
        eb.not(
          eb.exists(eb.selectFrom('series').select('id').whereRef('series.study_fk', '=', 'studies.id')),
        ),
      )
      .execute();
  if (ids.patients.length)
    await trx
      .deleteFrom('patients')
      .where('id', 'in', ids.patients)
      .where((eb) =>
        eb.not(
          eb.exists(eb.selectFrom('studies').select('id').whereRef('studies.patient_fk', '=', 'patients.id')),
        ),
      )
      .execute();
}
