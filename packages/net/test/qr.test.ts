import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Dataset } from '@dicomkit/core';
import { readDicomFileSync } from '@dicomkit/core/node';
import {
  allStorageSopClasses,
  Association,
  DicomServer,
  FolderProvider,
  find,
  get,
  getContexts,
  identifierFrom,
  matchValue,
  matchIdentifier,
  responseKeys,
  move,
  QR,
  QueryRetrieveScp,
  readPart10Info,
  ServiceRegistry,
  StorageScp,
  type QueryRetrieveProvider,
} from '../src/index.js';

const shared = (await import(
  new URL('../../../core/dist/test/shared.js', import.meta.url).href
)) as typeof import('../../core/test/shared.js');

test('matching (PS3.4 §C.2.2.2): single value, universal, wildcard, UID list, ranges', () => {
  assert.ok(matchValue('', ['x'], 'PN'));
  assert.ok(matchValue('*', ['x'], 'PN'));
  assert.ok(matchValue('Doe^J*', ['Doe^John'], 'PN'));
  assert.ok(!matchValue('Doe^J*', ['Roe^John'], 'PN'));
  assert.ok(matchValue('D?e*', ['Doe'], 'PN'));
  assert.ok(!matchValue('doe', ['Doe'], 'PN'), 'case-sensitive');
  assert.ok(matchValue('1.2\\1.3', ['1.3'], 'UI'));
  assert.ok(!matchValue('1.2\\1.3', ['1.4'], 'UI'));
  assert.ok(matchValue('20200101-20201231', ['20200615'], 'DA'));
  assert.ok(!matchValue('20200101-20201231', ['20210101'], 'DA'));
  assert.ok(matchValue('-20200101', ['19991231'], 'DA'));
  assert.ok(matchValue('20200101-', ['20990101'], 'DA'));
  assert.ok(matchValue('1000-1200', ['113000.5'], 'TM'));
  assert.ok(!matchValue('1000-1200', ['130000'], 'TM'));
  assert.ok(matchValue('1000-1200', ['1130'], 'TM'));
  const rec = new Dataset();
  rec.set('PatientName', undefined, 'Doe^John');
  rec.set('StudyDate', undefined, '20200615');
  const q = identifierFrom(['PatientName=Doe*', 'StudyDate=2020-20201231', 'StudyInstanceUID']);
  assert.ok(matchIdentifier(q, rec));
  assert.ok(!matchIdentifier(identifierFrom(['PatientName=Roe*']), rec));
  assert.ok(!matchIdentifier(identifierFrom(['PatientID=X']), rec), 'a key the record lacks does not match');
});

test("sequence matching (PS3.4 §C.2.2.2.6): the key's item against each item of the record", () => {
  const code = (value: string, scheme: string, meaning: string): Dataset => {
    const item = new Dataset();
    item.set('CodeValue', undefined, value);
    item.set('CodingSchemeDesignator', undefined, scheme);
    item.set('CodeMeaning', undefined, meaning);
    return item;
  };
  const rec = new Dataset();
  rec.set('PatientName', undefined, 'Doe^John');
  rec.set('ProcedureCodeSequence', 'SQ', [
    code('CTCHEST', 'LOCAL', 'CT chest'),
    code('T-D3000', 'SRT', 'Chest'),
  ]);
  const query = (item: Record<string, string> | undefined): Dataset => {
    const q = new Dataset();
    q.set('PatientName', undefined, '');
    const items: Dataset[] = [];
    if (item) {
      const i = new Dataset();
      for (const [k, v] of Object.entries(item)) i.set(k, undefined, v);
      items.push(i);
    }
    q.set('ProcedureCodeSequence', 'SQ', items);
    return q;
  };
  // Matches when one item matches every key of the query item; empty keys in the item are universal.
  assert.ok(
    matchIdentifier(query({ CodeValue: 'T-D3000', CodingSchemeDesignator: 'SRT', CodeMeaning: '' }), rec),
  );
  assert.ok(matchIdentifier(query({ CodeMeaning: 'CT*' }), rec));
  assert.ok(
    !matchIdentifier(query({ CodeValue: 'T-D3000', CodingSchemeDesignator: 'LOCAL' }), rec),
    'keys from two items',
  );
  assert.ok(!matchIdentifier(query({ CodeValue: 'NOPE' }), rec));
  assert.ok(matchIdentifier(query(undefined), rec), 'no item: universal');
  assert.ok(matchIdentifier(query({ CodeValue: '' }), rec), 'only empty keys: universal');
  assert.ok(!matchIdentifier(query({ CodeValue: 'X' }), new Dataset()), 'the record has no such sequence');
  // The response carries the matching items, each with the query item's keys.
  const r = responseKeys(query({ CodeValue: 'T-D*', CodeMeaning: '' }), rec);
  const items = r.get('ProcedureCodeSequence')!.items!;
  assert.equal(items.length, 1);
  assert.equal(items[0]!.string('CodeValue'), 'T-D3000');
  assert.equal(items[0]!.string('CodeMeaning'), 'Chest');
  assert.equal(items[0]!.has('CodingSchemeDesignator'), false);
  assert.equal(r.string('PatientName'), 'Doe^John');
  // Universal: the whole sequence.
  assert.equal(responseKeys(query(undefined), rec).get('ProcedureCodeSequence')!.items!.length, 2);
});

let dir: string;
let recvDir: string;
let getDir: string;
let server: DicomServer;
let receiver: DicomServer;
let port: number;
const uids: { uid: string; study: string }[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dk-qr-'));
  recvDir = join(dir, 'moved');
  getDir = join(dir, 'got');
  const data = join(dir, 'data');
  for (const d of [recvDir, getDir, data]) mkdirSync(d);
  for (const r of shared.dcmtkReadable()) {
    if (
      uids.length >= 6 ||
      r.preamble_DICM !== 'Y' ||
      !['1.2.840.10008.1.2.1', '1.2.840.10008.1.2'].includes(r.ts_uid!) ||
      Number(r.size) > 2_000_000
    )
      continue;
    try {
      const info = readPart10Info(r.abs);
      const study = readDicomFileSync(r.abs, { stopBeforePixelData: true }).dataset.string(
        'StudyInstanceUID',
      );
      if (!study || uids.some((u) => u.uid === info.sopInstanceUid)) continue;
      copyFileSync(r.abs, join(data, `${info.sopInstanceUid}.dcm`));
      uids.push({ uid: info.sopInstanceUid, study });
    } catch {
      /* skip */
    }
  }
  const storage = new Set(allStorageSopClasses());
  receiver = new DicomServer({
    policy: { transferSyntaxesFor: (a) => (storage.has(a) ? ['*'] : undefined) },
    handler: new ServiceRegistry([new StorageScp({ directory: recvDir })]),
  });
  const rport = (await receiver.listen(0)).port;
  const qr = new Set<string>(Object.values(QR));
  server = new DicomServer({
    policy: {
      aeTitles: ['QRSCP'],
      transferSyntaxesFor: (a) =>
        qr.has(a)
          ? ['1.2.840.10008.1.2.1']
          : storage.has(a)
            ? ['1.2.840.10008.1.2.1', '1.2.840.10008.1.2']
            : undefined,
    },
    handler: new ServiceRegistry([
      new QueryRetrieveScp({
        provider: new FolderProvider(data),
        aeTitle: 'QRSCP',
        destinations: [{ aeTitle: 'RECV', host: '127.0.0.1', port: rport }],
      }),
    ]),
  });
  port = (await server.listen(0)).port;
});
after(async () => {
  await server?.close();
  await receiver?.close();
  rmSync(dir, { recursive: true, force: true });
});

function connect(
  contexts: { abstractSyntax: string; transferSyntaxes: string[] }[],
  extra = {},
): Promise<Association> {
  return Association.connect({
    host: '127.0.0.1',
    port,
    callingAeTitle: 'SCU',
    calledAeTitle: 'QRSCP',
    contexts,
    ...extra,
  });
}

test(
  'C-FIND Study Root, STUDY and IMAGE levels, against a folder',
  { skip: shared.needTestdata() },
  async () => {
    const a = await connect([
      { abstractSyntax: QR.StudyRootFind, transferSyntaxes: ['1.2.840.10008.1.2.1'] },
    ]);
    const studies = await find(
      a,
      'STUDY',
      identifierFrom(['StudyInstanceUID', 'PatientName', 'NumberOfStudyRelatedInstances'], 'STUDY'),
    );
    assert.equal(studies.status, 0);
    assert.deepEqual(
      studies.matches.map((m) => m.string('StudyInstanceUID')).sort(),
      [...new Set(uids.map((u) => u.study))].sort(),
    );
    for (const m of studies.matches) {
      assert.equal(m.string('QueryRetrieveLevel'), 'STUDY');
      assert.equal(
        m.number('NumberOfStudyRelatedInstances'),
        uids.filter((u) => u.study === m.string('StudyInstanceUID')).length,
      );
    }
    const one = uids[0]!;
    const images = await find(
      a,
      'STUDY',
      identifierFrom([`StudyInstanceUID=${one.study}`, 'SOPInstanceUID'], 'IMAGE'),
    );
    assert.deepEqual(
      images.matches.map((m) => m.string('SOPInstanceUID')).sort(),
      uids
        .filter((u) => u.study === one.study)
        .map((u) => u.uid)
        .sort(),
    );
    await a.release();
  },
);

test(
  'C-MOVE to a configured destination, A801 to another; C-GET on the same association',
  { skip: shared.needTestdata() },
  async () => {
    const one = uids[0]!;
    const expected = uids
      .filter((u) => u.study === one.study)
      .map((u) => `${u.uid}.dcm`)
      .sort();
    const a = await connect([
      { abstractSyntax: QR.StudyRootMove, transferSyntaxes: ['1.2.840.10008.1.2.1'] },
    ]);
    const progress: number[] = [];
    const r = await move(a, 'STUDY', identifierFrom([`StudyInstanceUID=${one.study}`], 'STUDY'), 'RECV', {
      onProgress: (p) => progress.push(p.remaining),
    });
    assert.deepEqual([r.status, r.completed, r.failed], [0, expected.length, 0]);
    assert.equal(
      progress.length,
      expected.length - 1,
      'a pending response after each sub-operation but the last',
    );
    assert.deepEqual(readdirSync(recvDir).sort(), expected);
    const bad = await move(
      a,
      'STUDY',
      identifierFrom([`StudyInstanceUID=${one.study}`], 'STUDY'),
      'NOSUCHAE',
    );
    assert.equal(bad.status, 0xa801);
    await a.release();

    const { contexts, roleSelections } = getContexts('STUDY');
    const g = await connect(contexts, { roleSelections });
    g.handler = new ServiceRegistry([new StorageScp({ directory: getDir })]);
    const got = await get(g, 'STUDY', identifierFrom([`StudyInstanceUID=${one.study}`], 'STUDY'));
    assert.deepEqual([got.status, got.completed, got.failed], [0, expected.length, 0]);
    await g.release();
    // After the release: the temporary files kept ready for more C-STOREs are gone too.
    assert.deepEqual(readdirSync(getDir).sort(), expected);
  },
);

test('C-CANCEL: a cancelled C-FIND ends with status Cancel (0xFE00)', async () => {
  const slow: QueryRetrieveProvider = {
    async *find() {
      for (let i = 0; i < 1000; i++) {
        await new Promise((r) => setTimeout(r, 5));
        const d = new Dataset();
        d.set('PatientID', undefined, String(i));
        yield d;
      }
    },
    retrieve: () => [],
  };
  const s = new DicomServer({
    policy: { transferSyntaxesFor: () => ['1.2.840.10008.1.2.1'] },
    handler: new ServiceRegistry([new QueryRetrieveScp({ provider: slow, aeTitle: 'X' })]),
  });
  const p = (await s.listen(0)).port;
  try {
    const a = await Association.connect({
      host: '127.0.0.1',
      port: p,
      callingAeTitle: 'SCU',
      calledAeTitle: 'X',
      contexts: [{ abstractSyntax: QR.PatientRootFind, transferSyntaxes: ['1.2.840.10008.1.2.1'] }],
    });
    const ctl = new AbortController();
    const r = await find(a, 'PATIENT', identifierFrom(['PatientID'], 'PATIENT'), {
      signal: ctl.signal,
      onMatch: () => ctl.abort(),
    });
    assert.equal(r.status, 0xfe00);
    assert.ok(r.matches.length < 20, `${r.matches.length} matches before the cancel took effect`);
    await a.release();
  } finally {
    await s.close();
  }
});
