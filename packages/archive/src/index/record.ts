/**
 * What the index keeps of an instance, taken from its data set: the column values of each level and the header
 * as DICOM JSON (bulk values ≥ 1 KiB named by a `bulk:<tag path>` BulkDataURI instead of carried inline, so that
 * the header stays small; DICOMweb will serve them from the blob).
 */
import { DicomError, stringifyDicomJson, toJson, type Dataset } from '@dicomkit/core';
import { fold, INDEXED_KEYS, type LevelTable } from './keys.js';

export interface InstanceRecord {
  /** Column values per level table (column name → value or null). */
  columns: Record<LevelTable, Record<string, string | null>>;
  sopInstanceUid: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  patientKey: string;
  header: string;
}

/** A string attribute as stored: decoded, values trimmed and joined with "\"; null when absent or empty. */
function columnValue(ds: Dataset, tag: number): string | null {
  let values: string[];
  try {
    values = ds.strings(tag);
  } catch {
    return null;
  }
  const v = values.map((x) => x.trim()).join('\\');
  return v === '' ? null : v;
}

/**
 * The record of an instance; throws a DicomError when a UID the hierarchy needs is missing. A data set without SOP
 * Class or SOP Instance UID (invalid, but sent) takes them from its File Meta group (`meta`) when there is one.
 */
export function recordOf(dataset: Dataset, meta?: Dataset): InstanceRecord {
  const columns: InstanceRecord['columns'] = { patients: {}, studies: {}, series: {}, instances: {} };
  for (const k of INDEXED_KEYS) {
    const v = columnValue(dataset, k.tag);
    columns[k.table][k.column] = v;
    if (k.fold) columns[k.table][k.fold] = v === null ? null : fold(v);
  }
  if (meta) {
    columns.instances['sop_instance_uid'] ??= columnValue(meta, 0x00020003); // MediaStorageSOPInstanceUID
    columns.instances['sop_class_uid'] ??= columnValue(meta, 0x00020002); // MediaStorageSOPClassUID
  }
  const need = (column: string, table: LevelTable, keyword: string): string => {
    const v = columns[table][column];
    if (!v) throw new DicomError('INVALID_VALUE', `the data set has no ${keyword}`, { tagPath: keyword });
    return v;
  };
  const header = stringifyDicomJson(
    toJson(dataset, { bulkDataUri: (_el, path) => `bulk:${path}`, bulkDataThreshold: 1024 }),
  );
  return {
    columns,
    sopInstanceUid: need('sop_instance_uid', 'instances', 'SOPInstanceUID'),
    studyInstanceUid: need('study_instance_uid', 'studies', 'StudyInstanceUID'),
    seriesInstanceUid: need('series_instance_uid', 'series', 'SeriesInstanceUID'),
    patientKey: columns.patients['patient_id'] ?? '',
    header,
  };
}
