/**
 * The query keys the index holds in columns: one row per attribute with its level and column — the required and
 * unique keys of the Patient Root and Study Root information models (PS3.4 Tables C.6-1, C.6-2, C.6-3, C.6-4,
 * C.6-5). Matching on any other attribute falls back to the stored header.
 */
import type { QueryLevel } from '@dicomkit/net';
import type { VR } from '@dicomkit/core';

export type LevelTable = 'patients' | 'studies' | 'series' | 'instances';

export interface IndexedKey {
  tag: number;
  keyword: string;
  vr: VR;
  level: QueryLevel;
  table: LevelTable;
  column: string;
  /** Person names: matched case-insensitively against this upper-cased column (PS3.4 §C.2.2.2.4 allows it). */
  fold?: string;
}

export const INDEXED_KEYS: readonly IndexedKey[] = [
  {
    tag: 0x00100010,
    keyword: 'PatientName',
    vr: 'PN',
    level: 'PATIENT',
    table: 'patients',
    column: 'patient_name',
    fold: 'patient_name_fold',
  },
  {
    tag: 0x00100020,
    keyword: 'PatientID',
    vr: 'LO',
    level: 'PATIENT',
    table: 'patients',
    column: 'patient_id',
  },
  {
    tag: 0x00100030,
    keyword: 'PatientBirthDate',
    vr: 'DA',
    level: 'PATIENT',
    table: 'patients',
    column: 'patient_birth_date',
  },
  {
    tag: 0x00100040,
    keyword: 'PatientSex',
    vr: 'CS',
    level: 'PATIENT',
    table: 'patients',
    column: 'patient_sex',
  },
  {
    tag: 0x0020000d,
    keyword: 'StudyInstanceUID',
    vr: 'UI',
    level: 'STUDY',
    table: 'studies',
    column: 'study_instance_uid',
  },
  { tag: 0x00080020, keyword: 'StudyDate', vr: 'DA', level: 'STUDY', table: 'studies', column: 'study_date' },
  { tag: 0x00080030, keyword: 'StudyTime', vr: 'TM', level: 'STUDY', table: 'studies', column: 'study_time' },
  {
    tag: 0x00080050,
    keyword: 'AccessionNumber',
    vr: 'SH',
    level: 'STUDY',
    table: 'studies',
    column: 'accession_number',
  },
  { tag: 0x00200010, keyword: 'StudyID', vr: 'SH', level: 'STUDY', table: 'studies', column: 'study_id' },
  {
    tag: 0x00080090,
    keyword: 'ReferringPhysicianName',
    vr: 'PN',
    level: 'STUDY',
    table: 'studies',
    column: 'referring_physician_name',
    fold: 'referring_physician_name_fold',
  },
  {
    tag: 0x00081030,
    keyword: 'StudyDescription',
    vr: 'LO',
    level: 'STUDY',
    table: 'studies',
    column: 'study_description',
  },
  { tag: 0x00080060, keyword: 'Modality', vr: 'CS', level: 'SERIES', table: 'series', column: 'modality' },
  {
    tag: 0x00200011,
    keyword: 'SeriesNumber',
    vr: 'IS',
    level: 'SERIES',
    table: 'series',
    column: 'series_number',
  },
  {
    tag: 0x0020000e,
    keyword: 'SeriesInstanceUID',
    vr: 'UI',
    level: 'SERIES',
    table: 'series',
    column: 'series_instance_uid',
  },
  {
    tag: 0x0008103e,
    keyword: 'SeriesDescription',
    vr: 'LO',
    level: 'SERIES',
    table: 'series',
    column: 'series_description',
  },
  {
    tag: 0x00080018,
    keyword: 'SOPInstanceUID',
    vr: 'UI',
    level: 'IMAGE',
    table: 'instances',
    column: 'sop_instance_uid',
  },
  {
    tag: 0x00080016,
    keyword: 'SOPClassUID',
    vr: 'UI',
    level: 'IMAGE',
    table: 'instances',
    column: 'sop_class_uid',
  },
  {
    tag: 0x00200013,
    keyword: 'InstanceNumber',
    vr: 'IS',
    level: 'IMAGE',
    table: 'instances',
    column: 'instance_number',
  },
];

export const KEY_BY_TAG = new Map(INDEXED_KEYS.map((k) => [k.tag, k]));

/** Attributes computed from the index rather than stored (PS3.4 §C.3.4, Table C.6-5…). */
export const COMPUTED = {
  ModalitiesInStudy: 0x00080061,
  NumberOfPatientRelatedStudies: 0x00201200,
  NumberOfPatientRelatedSeries: 0x00201202,
  NumberOfPatientRelatedInstances: 0x00201204,
  NumberOfStudyRelatedSeries: 0x00201206,
  NumberOfStudyRelatedInstances: 0x00201208,
  NumberOfSeriesRelatedInstances: 0x00201209,
} as const;

/** Keys answered by the SCP rather than matched (PS3.4 §C.4.1.1.3): level, character set, retrieve AE, availability. */
export const ANSWERED = {
  QueryRetrieveLevel: 0x00080052,
  SpecificCharacterSet: 0x00080005,
  RetrieveAETitle: 0x00080054,
  InstanceAvailability: 0x00080056,
} as const;

/** Upper-cased for case-insensitive person-name matching (full Unicode case mapping). */
export function fold(s: string): string {
  return s.toUpperCase();
}

const LEVEL_ORDER: Record<QueryLevel, number> = { PATIENT: 0, STUDY: 1, SERIES: 2, IMAGE: 3 };

/** Is an attribute of `keyLevel` at or above the query level (so it is matched and returned there)? */
export function atOrAbove(keyLevel: QueryLevel, level: QueryLevel): boolean {
  return LEVEL_ORDER[keyLevel] <= LEVEL_ORDER[level];
}
