/**
 * The index's schema as kysely migrations, so that the same tables can be created in PostgreSQL later: only the
 * primary key column differs between dialects (`integer primary key` in SQLite, an identity column in
 * PostgreSQL).
 */
import {
  Migrator,
  type ColumnDefinitionBuilder,
  type Kysely,
  type Migration,
  type MigrationProvider,
} from 'kysely';

export type IndexDialect = 'sqlite' | 'postgres';

// Migrations run against a database whose schema is not yet the final one: untyped by design.
type AnyDb = Kysely<unknown>;

function migrations(dialect: IndexDialect): Record<string, Migration> {
  const id = (c: ColumnDefinitionBuilder) =>
    dialect === 'postgres' ? c.primaryKey().generatedAlwaysAsIdentity() : c.primaryKey();
  const idType = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    '0001-levels': {
      async up(db: AnyDb): Promise<void> {
        await db.schema
          .createTable('patients')
          .addColumn('id', idType, id)
          .addColumn('patient_key', 'text', (c) => c.notNull().unique())
          .addColumn('patient_id', 'text')
          .addColumn('patient_name', 'text')
          .addColumn('patient_name_fold', 'text')
          .addColumn('patient_birth_date', 'text')
          .addColumn('patient_sex', 'text')
          .execute();
        await db.schema
          .createTable('studies')
          .addColumn('id', idType, id)
          .addColumn('patient_fk', idType, (c) => c.notNull().references('patients.id'))
          .addColumn('study_instance_uid', 'text', (c) => c.notNull().unique())
          .addColumn('study_date', 'text')
          .addColumn('study_time', 'text')
          .addColumn('accession_number', 'text')
          .addColumn('study_id', 'text')
          .addColumn('referring_physician_name', 'text')
          .addColumn('referring_physician_name_fold', 'text')
          .addColumn('study_description', 'text')
          .execute();
        await db.schema
          .createTable('series')
          .addColumn('id', idType, id)
          .addColumn('study_fk', idType, (c) => c.notNull().references('studies.id'))
          .addColumn('series_instance_uid', 'text', (c) => c.notNull().unique())
          .addColumn('modality', 'text')
          .addColumn('series_number', 'text')
          .addColumn('series_description', 'text')
          .execute();
        await db.schema
          .createTable('instances')
          .addColumn('id', idType, id)
          .addColumn('series_fk', idType, (c) => c.notNull().references('series.id'))
          .addColumn('sop_instance_uid', 'text', (c) => c.notNull().unique())
          .addColumn('sop_class_uid', 'text')
          .addColumn('instance_number', 'text')
          .addColumn('transfer_syntax_uid', 'text', (c) => c.notNull())
          .addColumn('blob_key', 'text', (c) => c.notNull().unique())
          .addColumn('size', 'bigint', (c) => c.notNull())
          .addColumn('header', 'text', (c) => c.notNull())
          .addColumn('source_ae', 'text')
          .addColumn('stored_at', 'text', (c) => c.notNull())
          .execute();
        const index = (name: string, table: string, column: string) =>
          db.schema.createIndex(name).on(table).column(column).execute();
        await index('patients_name', 'patients', 'patient_name_fold');
        await index('patients_id', 'patients', 'patient_id');
        await index('studies_patient', 'studies', 'patient_fk');
        await index('studies_date', 'studies', 'study_date');
        await index('studies_accession', 'studies', 'accession_number');
        await index('series_study', 'series', 'study_fk');
        await index('series_modality', 'series', 'modality');
        await index('instances_series', 'instances', 'series_fk');
      },
      async down(db: AnyDb): Promise<void> {
        for (const t of ['instances', 'series', 'studies', 'patients'])
          await db.schema.dropTable(t).execute();
      },
    },
  };
}

/** Brings the schema up to date; throws with the failing migration's error. */
export async function migrateToLatest<DB>(db: Kysely<DB>, dialect: IndexDialect): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => migrations(dialect) };
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`index migration ${failed} failed: ${(error as Error).message ?? String(error)}`, {
      cause: error,
    });
  }
}
