/**
 * C-FIND over the index, without sockets: synthetic instances ingested into a real SQLite index, then queried
 * through the archive's provider — wildcards (and the SQL LIKE characters % _ \ taken literally), case rules (PN
 * case-insensitive, everything else case-sensitive), ranges, UID lists, keys matched on the stored header, counts,
 * ModalitiesInStudy, replacement of an instance.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Dataset, parseDataset, writeDataset } from '@dicomkit/core';
import { identifierFrom, type QueryLevel, type QueryModel } from '@dicomkit/net';
import { Archive, IndexProvider, ingestFile, likePattern } from '../src/index.js';
import { writeInstance } from './corpus.js';

const TMP = mkdtempSync(join(tmpdir(), 'dk-archive-match-'));
let archive: Archive;
let provider: IndexProvider;

const UID = {
  studyA: '1.2.3.1',
  studyB: '1.2.3.2',
  studyC: '1.2.3.3',
  seriesA: '1.2.3.1.1',
  seriesB: '1.2.3.2.1',
  seriesC1: '1.2.3.3.1',
  seriesC2: '1.2.3.3.2',
};

async function store(attrs: Record<string, string | string[]>): Promise<void> {
  await ingestFile(archive.blobs, archive.index, writeInstance(archive.blobs.tempDirectory, attrs));
}

before(async () => {
  archive = await Archive.open({ dataDirectory: join(TMP, 'data') });
  provider = new IndexProvider(archive.query, archive.blobs, { aeTitle: 'ARCHIVE' });
  const a = {
    PatientName: 'Doe^John',
    PatientID: 'P1',
    PatientBirthDate: '19700101',
    PatientSex: 'M',
    StudyInstanceUID: UID.studyA,
    StudyDate: '20200615',
    StudyTime: '101500',
    AccessionNumber: 'ACC1',
    StudyDescription: '100% done_x',
    SeriesInstanceUID: UID.seriesA,
    Modality: 'CT',
    SeriesNumber: '1',
    BodyPartExamined: 'CHEST',
  };
  await store({ ...a, SOPInstanceUID: '1.2.3.1.1.1', InstanceNumber: '1' });
  await store({ ...a, SOPInstanceUID: '1.2.3.1.1.2', InstanceNumber: '2' });
  await store({
    PatientName: 'doe^jane',
    PatientID: 'P2',
    StudyInstanceUID: UID.studyB,
    StudyDate: '20210101',
    StudyTime: '235959',
    StudyDescription: '100 percent',
    SeriesInstanceUID: UID.seriesB,
    Modality: 'MR',
    BodyPartExamined: 'HEAD',
    SOPInstanceUID: '1.2.3.2.1.1',
  });
  const c = {
    PatientName: 'Müller^Jürgen',
    PatientID: 'P3',
    StudyInstanceUID: UID.studyC,
    StudyDate: '19991231',
    ReferringPhysicianName: 'Wu^Li',
  };
  await store({ ...c, SeriesInstanceUID: UID.seriesC1, Modality: 'CT', SOPInstanceUID: '1.2.3.3.1.1' });
  await store({ ...c, SeriesInstanceUID: UID.seriesC2, Modality: 'PR', SOPInstanceUID: '1.2.3.3.2.1' });
});

after(async () => {
  await archive.close();
  rmSync(TMP, { recursive: true, force: true });
});

const EXPLICIT = '1.2.840.10008.1.2.1';
/** Encoded and decoded, as on the wire. */
const wire = (d: Dataset): Dataset => parseDataset(writeDataset(d, EXPLICIT), EXPLICIT);

async function find(
  keys: string[],
  level: QueryLevel = 'STUDY',
  model: QueryModel = 'STUDY',
): Promise<Dataset[]> {
  const out: Dataset[] = [];
  const identifier = wire(identifierFrom(keys, level));
  for await (const d of provider.find(level, identifier, model, new AbortController().signal))
    out.push(wire(d));
  return out;
}

async function studies(...keys: string[]): Promise<string[]> {
  return (await find(['StudyInstanceUID', ...keys])).map((d) => d.string('StudyInstanceUID')!).sort();
}

test('LIKE patterns: * and ? become % and _, the LIKE characters of the value are escaped', () => {
  assert.equal(likePattern('Doe*'), 'Doe%');
  assert.equal(likePattern('D?e'), 'D_e');
  assert.equal(likePattern('100%_\\*'), '100\\%\\_\\\\%');
});

test('wildcards: % and _ in a key are literal characters, * and ? are the wildcards', async () => {
  assert.deepEqual(await studies('StudyDescription=100%*'), [UID.studyA]);
  assert.deepEqual(await studies('StudyDescription=100_*'), [], '_ is not a wildcard');
  assert.deepEqual(await studies('StudyDescription=*done_x'), [UID.studyA]);
  assert.deepEqual(await studies('StudyDescription=100? done?x'), [UID.studyA]);
  assert.deepEqual(await studies('StudyDescription=100*'), [UID.studyA, UID.studyB]);
  assert.deepEqual(await studies('StudyDescription=*'), [UID.studyA, UID.studyB, UID.studyC], 'universal');
});

test('case: person names case-insensitive (Unicode too), every other VR case-sensitive', async () => {
  assert.deepEqual(await studies('PatientName=DOE*'), [UID.studyA, UID.studyB]);
  assert.deepEqual(await studies('PatientName=doe^john'), [UID.studyA]);
  assert.deepEqual(await studies('PatientName=MÜLLER*'), [UID.studyC]);
  assert.deepEqual(await studies('PatientName=müller^jürgen'), [UID.studyC]);
  assert.deepEqual(await studies('ReferringPhysicianName=WU*'), [UID.studyC]);
  assert.deepEqual(await studies('StudyDescription=100 PERCENT'), []);
  assert.deepEqual(
    await studies('StudyDescription=100 PERC*'),
    [],
    'SQLite LIKE ignores case: checked exactly',
  );
  assert.deepEqual(await studies('AccessionNumber=acc1'), []);
  assert.deepEqual(await studies('AccessionNumber=ACC1'), [UID.studyA]);
});

test('ranges, single values, UID lists', async () => {
  assert.deepEqual(await studies('StudyDate=20200101-20201231'), [UID.studyA]);
  assert.deepEqual(await studies('StudyDate=-20000101'), [UID.studyC]);
  assert.deepEqual(await studies('StudyDate=20200101-'), [UID.studyA, UID.studyB]);
  assert.deepEqual(await studies('StudyDate=20210101'), [UID.studyB]);
  assert.deepEqual(await studies('StudyTime=1000-1100'), [UID.studyA]);
  assert.deepEqual(await studies('StudyTime=2359-'), [UID.studyB]);
  assert.deepEqual(await studies(`StudyInstanceUID=${UID.studyA}\\${UID.studyC}`), [UID.studyA, UID.studyC]);
  assert.deepEqual(await studies('PatientID=P2'), [UID.studyB]);
  assert.deepEqual(await studies('PatientSex=M', 'PatientBirthDate=1970*'), [UID.studyA]);
  const n = await find([`SeriesInstanceUID=${UID.seriesA}`, 'InstanceNumber=2', 'SOPInstanceUID'], 'IMAGE');
  assert.deepEqual(
    n.map((d) => d.string('SOPInstanceUID')),
    ['1.2.3.1.1.2'],
    'IS single value',
  );
});

test('keys without a column are matched and returned from the stored header', async () => {
  const r = await find(['StudyInstanceUID', 'BodyPartExamined=CHE*']);
  assert.deepEqual(
    r.map((d) => [d.string('StudyInstanceUID'), d.string('BodyPartExamined')]),
    [[UID.studyA, 'CHEST']],
  );
  assert.deepEqual(await studies('BodyPartExamined=FOOT'), []);
});

test('ModalitiesInStudy and the Number of … Related counts', async () => {
  assert.deepEqual(await studies('ModalitiesInStudy=PR'), [UID.studyC]);
  assert.deepEqual(await studies('ModalitiesInStudy=CT'), [UID.studyA, UID.studyC]);
  const [c] = await find([
    `StudyInstanceUID=${UID.studyC}`,
    'ModalitiesInStudy',
    'NumberOfStudyRelatedSeries',
    'NumberOfStudyRelatedInstances',
    'PatientName',
  ]);
  assert.deepEqual(c!.strings('ModalitiesInStudy'), ['CT', 'PR']);
  assert.equal(c!.string('NumberOfStudyRelatedSeries'), '2');
  assert.equal(c!.string('NumberOfStudyRelatedInstances'), '2');
  assert.equal(c!.string('QueryRetrieveLevel'), 'STUDY');
  // A non-ASCII value: the response declares UTF-8 and survives encoding.
  assert.equal(c!.string('SpecificCharacterSet'), 'ISO_IR 192');
  assert.equal(c!.string('PatientName'), 'Müller^Jürgen');
  const [a] = await find([`StudyInstanceUID=${UID.studyA}`, 'NumberOfStudyRelatedInstances', 'PatientName']);
  assert.equal(a!.string('NumberOfStudyRelatedInstances'), '2');
  assert.equal(a!.has('SpecificCharacterSet'), false, 'ASCII only: default repertoire');
});

test('SERIES and IMAGE levels; Patient Root PATIENT level', async () => {
  const series = await find(
    [`StudyInstanceUID=${UID.studyC}`, 'SeriesInstanceUID', 'Modality', 'NumberOfSeriesRelatedInstances'],
    'SERIES',
  );
  assert.deepEqual(
    series.map((d) => [
      d.string('SeriesInstanceUID'),
      d.string('Modality'),
      d.string('NumberOfSeriesRelatedInstances'),
    ]),
    [
      [UID.seriesC1, 'CT', '1'],
      [UID.seriesC2, 'PR', '1'],
    ],
  );
  const images = await find(
    [`SeriesInstanceUID=${UID.seriesA}`, 'SOPInstanceUID', 'InstanceNumber', 'SOPClassUID'],
    'IMAGE',
  );
  assert.deepEqual(
    images.map((d) => [d.string('SOPInstanceUID'), d.string('InstanceNumber'), d.string('SOPClassUID')]),
    [
      ['1.2.3.1.1.1', '1', '1.2.840.10008.5.1.4.1.1.7'],
      ['1.2.3.1.1.2', '2', '1.2.840.10008.5.1.4.1.1.7'],
    ],
  );
  const patients = await find(
    ['PatientID=P*', 'PatientName', 'NumberOfPatientRelatedStudies', 'NumberOfPatientRelatedInstances'],
    'PATIENT',
    'PATIENT',
  );
  assert.deepEqual(
    patients.map((d) => [
      d.string('PatientID'),
      d.string('NumberOfPatientRelatedStudies'),
      d.string('NumberOfPatientRelatedInstances'),
    ]),
    [
      ['P1', '1', '2'],
      ['P2', '1', '1'],
      ['P3', '1', '2'],
    ],
  );
  // A key of a lower level is returned empty at a higher one (PS3.4 §C.4.1.2.1).
  const [s] = await find([`StudyInstanceUID=${UID.studyA}`, 'SOPInstanceUID']);
  assert.equal(s!.has('SOPInstanceUID'), true);
  assert.equal(s!.string('SOPInstanceUID') ?? '', '');
});

test('the same SOP Instance UID stored again replaces the instance, its old blob and what it left empty', async () => {
  const before = await archive.index.counts();
  await store({
    PatientName: 'Roe^Richard',
    PatientID: 'P4',
    StudyInstanceUID: '1.2.3.4',
    SeriesInstanceUID: '1.2.3.4.1',
    Modality: 'OT',
    SOPInstanceUID: '1.2.3.2.1.1', // was patient P2's only instance
  });
  const now = await archive.index.counts();
  assert.deepEqual(now, before, 'P2, its study and series are gone; P4 and its study and series are new');
  assert.deepEqual(await studies('PatientID=P2'), []);
  assert.deepEqual(await studies('PatientID=P4'), ['1.2.3.4']);
  let blobs = 0;
  for await (const b of archive.blobs.list()) if (b.size > 0) blobs++;
  assert.equal(blobs, now.instances, 'one blob per instance: the replaced blob was removed');
  assert.deepEqual(readdirSync(archive.blobs.tempDirectory), []);
});
