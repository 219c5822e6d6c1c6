/**
 * The index's tables, as kysely sees them: one table per level of the DICOM information model (PS3.4 §C.6.1,
 * §C.6.2), each with the attributes C-FIND matches on at that level, and the instance's whole header (without bulk
 * data) as DICOM JSON (PS3.18 Annex F) so that any other key can be returned or matched. Strings are stored
 * decoded (Unicode), trimmed, several values joined with a backslash; person names also upper-cased
 * (`*_fold`) for case-insensitive matching. Absent attributes are NULL.
 */
import type { Generated } from 'kysely';

export interface PatientTable {
  id: Generated<number>;
  /** The patient's identity in the archive: PatientID (empty when absent). */
  patient_key: string;
  patient_id: string | null;
  patient_name: string | null;
  patient_name_fold: string | null;
  patient_birth_date: string | null;
  patient_sex: string | null;
}

export interface StudyTable {
  id: Generated<number>;
  patient_fk: number;
  study_instance_uid: string;
  study_date: string | null;
  study_time: string | null;
  accession_number: string | null;
  study_id: string | null;
  referring_physician_name: string | null;
  referring_physician_name_fold: string | null;
  study_description: string | null;
}

export interface SeriesTable {
  id: Generated<number>;
  study_fk: number;
  series_instance_uid: string;
  modality: string | null;
  series_number: string | null;
  series_description: string | null;
}

export interface InstanceTable {
  id: Generated<number>;
  series_fk: number;
  sop_instance_uid: string;
  sop_class_uid: string | null;
  instance_number: string | null;
  transfer_syntax_uid: string;
  blob_key: string;
  /** Bytes of the stored object (Part 10 file). */
  size: number;
  /** The data set without bulk data as DICOM JSON; bulk values carry a BulkDataURI `bulk:<tag path>`. */
  header: string;
  source_ae: string | null;
  /** ISO 8601 time of the last store. */
  stored_at: string;
}

export interface IndexSchema {
  patients: PatientTable;
  studies: StudyTable;
  series: SeriesTable;
  instances: InstanceTable;
}
