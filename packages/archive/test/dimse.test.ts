/**
 * The archive over real sockets with our own SCU (the dcmtk scenarios are in interop-dcmtk.test.ts): corpus files
 * stored, found at STUDY, SERIES and IMAGE level with the values the files hold, retrieved with C-GET and C-MOVE
 * byte for byte (data sets; the File Meta group is the receiver's), stored again to replace.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  allStorageSopClasses,
  Association,
  DicomServer,
  find,
  get,
  identifierFrom,
  echo,
  matchValue,
  move,
  QR,
  readPart10Info,
  ServiceRegistry,
  StorageScp,
  storeFiles,
  contextsFor,
  storeFile,
  type QueryLevel,
} from '@dicomkit/net';
import { readDicomFileSync } from '@dicomkit/core/node';
import { Archive } from '../src/index.js';
import { corpusFiles, datasetBytes, shared, writeInstance, type CorpusFile } from './corpus.js';

const skip = shared.needTestdata();
const TMP = mkdtempSync(join(tmpdir(), 'dk-archive-dimse-'));
let archive: Archive;
let port = 0;
let files: CorpusFile[] = [];
let dest: DicomServer;
let destPort = 0;
const movedDir = join(TMP, 'moved');
const log: string[] = [];

before(async () => {
  if (skip) return;
  files = corpusFiles(40);
  mkdirSync(movedDir);
  const storage = new Set(allStorageSopClasses());
  dest = new DicomServer({
    policy: { aeTitles: ['DEST'], transferSyntaxesFor: (a) => (storage.has(a) ? ['*'] : undefined) },
    handler: new ServiceRegistry([new StorageScp({ directory: movedDir })]),
  });
  destPort = (await dest.listen(0)).port;
  archive = await Archive.open({
    dataDirectory: join(TMP, 'data'),
    aeTitle: 'ARCHIVE',
    moveDestinations: [{ aeTitle: 'DEST', host: '127.0.0.1', port: destPort }],
    log: (l) => log.push(l),
  });
  port = (await archive.listen(0)).port;
});

after(async () => {
  await archive?.close();
  await dest?.close();
  rmSync(TMP, { recursive: true, force: true });
});

const QR_CONTEXTS = Object.values(QR).map((abstractSyntax) => ({
  abstractSyntax,
  transferSyntaxes: ['1.2.840.10008.1.2.1'],
}));

function connect(
  contexts: { abstractSyntax: string; transferSyntaxes: string[] }[],
  extra = {},
): Promise<Association> {
  return Association.connect({
    host: '127.0.0.1',
    port,
    callingAeTitle: 'TESTSCU',
    calledAeTitle: 'ARCHIVE',
    contexts,
    ...extra,
  });
}

async function query(level: QueryLevel, keys: string[]): Promise<ReturnType<typeof identifierFrom>[]> {
  const a = await connect(QR_CONTEXTS);
  try {
    const r = await find(a, 'STUDY', identifierFrom(keys, level));
    assert.equal(r.status, 0);
    return r.matches;
  } finally {
    await a.release();
  }
}

test(
  'storing corpus files: each acknowledged only once it is a blob and indexed; C-ECHO',
  { skip },
  async () => {
    assert.ok(files.length >= 20, `${files.length} corpus files`);
    const infos = files.map((f) => ({ path: f.path, info: readPart10Info(f.path) }));
    const a = await connect(contextsFor(infos.map((x) => x.info)).slice(0, 128));
    const outcomes = await storeFiles(a, infos);
    await a.release();
    const failed = outcomes.filter((o) => o.error || (o.result && o.result.status !== 0));
    assert.deepEqual(
      failed.map((o) => `${o.path}: ${o.error?.message ?? o.result?.status}`),
      [],
    );
    const counts = await archive.index.counts();
    assert.equal(counts.instances, files.length);
    console.log(
      `# ${files.length} files stored: ${counts.studies} studies, ${counts.series} series, ` +
        `${new Set(files.map((f) => f.transferSyntaxUid)).size} transfer syntaxes`,
    );
    assert.equal(counts.studies, new Set(files.map((f) => f.studyInstanceUid)).size);
    assert.deepEqual(readdirSync(archive.blobs.tempDirectory), [], 'no temporary file left');
    // Every blob holds the data set exactly as sent.
    for (const f of files) {
      const key = (await archive.index.keyOf(f.sopInstanceUid))!;
      assert.ok(!key.includes(f.sopInstanceUid), 'the key is not built from the UID');
      assert.ok(datasetBytes(archive.blobs.localPath(key)).equals(datasetBytes(f.path)), f.path);
    }
    assert.equal(log.filter((l) => l.startsWith('C-STORE')).length, files.length, 'one log line per C-STORE');
    // The association's line comes once the server side has closed it.
    const released = (l: string) => /^association TESTSCU → ARCHIVE from 127\.0\.0\.1:\d+: released$/.test(l);
    for (let i = 0; i < 100 && !log.some(released); i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(log.some(released), log.join('\n'));
    const e = await connect([
      { abstractSyntax: '1.2.840.10008.1.1', transferSyntaxes: ['1.2.840.10008.1.2'] },
    ]);
    assert.equal(await echo(e), 0);
    await e.release();
    assert.ok(log.includes('C-ECHO from TESTSCU'));
  },
);

test(
  'C-FIND at STUDY, SERIES and IMAGE level returns the stored entities with their values',
  { skip },
  async () => {
    const studies = await query('STUDY', [
      'StudyInstanceUID',
      'PatientID',
      'StudyDate',
      'NumberOfStudyRelatedInstances',
    ]);
    const expected = new Map<string, CorpusFile[]>();
    for (const f of files) expected.set(f.studyInstanceUid, [...(expected.get(f.studyInstanceUid) ?? []), f]);
    assert.deepEqual(studies.map((d) => d.string('StudyInstanceUID')).sort(), [...expected.keys()].sort());
    for (const d of studies) {
      const group = expected.get(d.string('StudyInstanceUID')!)!;
      assert.equal(d.string('NumberOfStudyRelatedInstances'), String(group.length));
      // The study's values are those of its most recently stored instance.
      const last = group[group.length - 1]!;
      assert.equal(d.string('PatientID')?.trim() || undefined, last.patientId, last.path);
      assert.equal(d.string('StudyDate')?.trim() || undefined, last.studyDate, last.path);
    }
    const multi = [...expected.values()].sort((x, y) => y.length - x.length)[0]!;
    const series = await query('SERIES', [
      `StudyInstanceUID=${multi[0]!.studyInstanceUid}`,
      'SeriesInstanceUID',
      'Modality',
    ]);
    assert.deepEqual(
      series.map((d) => d.string('SeriesInstanceUID')).sort(),
      [...new Set(multi.map((f) => f.seriesInstanceUid))].sort(),
    );
    const images = await query('IMAGE', [
      `StudyInstanceUID=${multi[0]!.studyInstanceUid}`,
      `SeriesInstanceUID=${multi[0]!.seriesInstanceUid}`,
      'SOPInstanceUID',
      'SOPClassUID',
    ]);
    assert.deepEqual(
      images.map((d) => d.string('SOPInstanceUID')).sort(),
      multi
        .filter((f) => f.seriesInstanceUid === multi[0]!.seriesInstanceUid)
        .map((f) => f.sopInstanceUid)
        .sort(),
    );
    const one = files[0]!;
    const [image] = await query('IMAGE', [`SOPInstanceUID=${one.sopInstanceUid}`, 'SOPClassUID']);
    assert.equal(image!.string('SOPClassUID'), readPart10Info(one.path).sopClassUid);
    assert.ok(log.some((l) => /^C-FIND Study Root IMAGE from TESTSCU: 1 match\(es\)$/.test(l)));
  },
);

test('C-GET of every study returns every instance, data sets byte for byte', { skip }, async () => {
  const pairs = new Map<string, { abstractSyntax: string; transferSyntaxes: string[] }>();
  for (const f of files) {
    const i = readPart10Info(f.path);
    pairs.set(`${i.sopClassUid} ${i.transferSyntaxUid}`, {
      abstractSyntax: i.sopClassUid,
      transferSyntaxes: [i.transferSyntaxUid],
    });
  }
  const contexts = [
    { abstractSyntax: QR.StudyRootGet, transferSyntaxes: ['1.2.840.10008.1.2.1'] },
    ...pairs.values(),
  ];
  assert.ok(contexts.length <= 128);
  const roleSelections = [...new Set([...pairs.values()].map((p) => p.abstractSyntax))].map(
    (sopClassUid) => ({
      sopClassUid,
      scuRole: false,
      scpRole: true,
    }),
  );
  const gotDir = join(TMP, 'got');
  mkdirSync(gotDir);
  const a = await connect(contexts, { roleSelections });
  a.handler = new ServiceRegistry([new StorageScp({ directory: gotDir })]);
  let completed = 0;
  for (const study of new Set(files.map((f) => f.studyInstanceUid))) {
    const r = await get(a, 'STUDY', identifierFrom([`StudyInstanceUID=${study}`], 'STUDY'));
    assert.equal(r.status, 0, `C-GET ${study}`);
    completed += r.completed;
  }
  await a.release();
  assert.equal(completed, files.length);
  for (const f of files) {
    const got = join(gotDir, `${f.sopInstanceUid}.dcm`);
    assert.ok(datasetBytes(got).equals(datasetBytes(f.path)), f.path);
  }
});

test(
  'C-MOVE to a configured destination delivers byte for byte; an unknown one gets A801',
  { skip },
  async () => {
    const a = await connect(QR_CONTEXTS);
    const study = files[0]!.studyInstanceUid;
    const r = await move(a, 'STUDY', identifierFrom([`StudyInstanceUID=${study}`], 'STUDY'), 'DEST');
    const inStudy = files.filter((f) => f.studyInstanceUid === study);
    assert.deepEqual([r.status, r.completed, r.failed], [0, inStudy.length, 0]);
    const bad = await move(a, 'STUDY', identifierFrom([`StudyInstanceUID=${study}`], 'STUDY'), 'NOSUCHAE');
    assert.equal(bad.status, 0xa801);
    await a.release();
    for (const f of inStudy)
      assert.ok(datasetBytes(join(movedDir, `${f.sopInstanceUid}.dcm`)).equals(datasetBytes(f.path)), f.path);
  },
);

test('storing the same SOP Instance UID again replaces the instance', { skip }, async () => {
  const f = files[0]!;
  const before = await archive.index.counts();
  const oldKey = await archive.index.keyOf(f.sopInstanceUid);
  const dir = join(TMP, 'again');
  mkdirSync(dir);
  const path = writeInstance(dir, {
    PatientName: 'Replaced^Patient',
    PatientID: 'REPLACED',
    StudyInstanceUID: f.studyInstanceUid,
    SeriesInstanceUID: f.seriesInstanceUid,
    SOPInstanceUID: f.sopInstanceUid,
    Modality: 'OT',
  });
  const info = readPart10Info(path);
  const a = await connect(contextsFor([info]));
  const r = await storeFile(a, path, info);
  await a.release();
  assert.equal(r.status, 0);
  const [image] = await query('IMAGE', [`SOPInstanceUID=${f.sopInstanceUid}`, 'PatientID', 'PatientName']);
  assert.equal(image!.string('PatientName'), 'Replaced^Patient');
  assert.equal((await archive.index.counts()).instances, before.instances);
  const newKey = (await archive.index.keyOf(f.sopInstanceUid))!;
  assert.notEqual(newKey, oldKey);
  assert.equal(await archive.blobs.exists(oldKey!), false, 'the replaced blob is removed');
  assert.ok(datasetBytes(archive.blobs.localPath(newKey)).equals(datasetBytes(path)));
  assert.ok(log.some((l) => l.includes(`C-STORE ${f.sopInstanceUid} from TESTSCU: stored (replaced)`)));
});

test(
  'character sets: ISO 2022 names are stored decoded and found by their Unicode value',
  { skip },
  async () => {
    const dir = join(shared.TESTDATA, 'fo-dicom/FO-DICOM.Tests/Test Data/charset');
    const names = ['chrH31.dcm', 'chrH32.dcm', 'chrI2.dcm', 'chrGB2312.dcm', 'chrKoreanMulti.dcm'];
    const infos = names.map((n) => ({ path: join(dir, n), info: readPart10Info(join(dir, n)) }));
    const a = await connect(contextsFor(infos.map((x) => x.info)));
    const outcomes = await storeFiles(a, infos);
    await a.release();
    assert.deepEqual(
      outcomes.map((o) => o.result?.status),
      names.map(() => 0),
    );
    for (const { path, info } of infos) {
      const name = readDicomFileSync(path, { stopBeforePixelData: true }).dataset.string('PatientName')!;
      assert.match(name, /[^\x00-\x7f]/, `${path} has a non-ASCII name`);
      const ideographic = name.split('=')[1] || name;
      for (const key of [name, `*${[...ideographic][0]}*`, name.toUpperCase(), `?${name.slice(1)}`]) {
        const identifier = identifierFrom([`PatientName=${key}`, 'SOPInstanceUID'], 'IMAGE');
        identifier.set('SpecificCharacterSet', undefined, 'ISO_IR 192');
        const c = await connect(QR_CONTEXTS);
        const r = await find(c, 'STUDY', identifier);
        await c.release();
        const hit = r.matches.find((d) => d.string('SOPInstanceUID') === info.sopInstanceUid);
        assert.ok(hit, `${path}: PatientName=${key}`);
        assert.equal(hit.string('PatientName'), name);
        const names = r.matches.map((d) => d.string('PatientName') ?? '');
        assert.ok(
          names.every((n) => matchValue(key.toUpperCase(), [n.toUpperCase()], 'PN')),
          `only matching names: ${key} → ${names.join(', ')}`,
        );
      }
    }
  },
);
