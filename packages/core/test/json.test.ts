import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzTextReader } from './fuzz-lib.js';
import { readFileSync } from 'node:fs';
import {
  Dataset,
  DicomElement,
  EncapsulatedPixelData,
  parseDicom,
  writeDicom,
  toJson,
  fromJson,
  stringifyDicomJson,
  encodeBase64,
  decodeBase64,
  isDicomError,
  type DicomJson,
} from '../src/index.js';
import { dcmtkReadable, needTestdata } from './shared.js';

function sample(): Dataset {
  const ds = new Dataset();
  ds.set('SpecificCharacterSet', undefined, 'ISO_IR 192');
  ds.set('ImageType', undefined, ['ORIGINAL', '', 'AXIAL']);
  ds.set('PatientName', undefined, ['Yamada^Tarou=山田^太郎=やまだ^たろう', 'Doe^John']);
  ds.set('PatientID', undefined, 'ID1');
  ds.set('Rows', undefined, 512);
  ds.set('SliceThickness', 'DS', 1.25);
  ds.set('FrameIncrementPointer', undefined, [0x00181063]);
  ds.set('ReferencedSOPInstanceUID', undefined, []);
  ds.set(0x00091010, 'LO', 'ACME 1.0'); // private creator
  ds.set(0x00091001, 'UN', new Uint8Array([1, 2, 3, 4]));
  ds.set(0x00091002, 'SV', [-(2n ** 62n), 5n]);
  ds.set(0x00091003, 'UV', [2n ** 64n - 1n]);
  ds.set('RealWorldValueFirstValueMapped', 'SS', [-3]);
  const item = new Dataset();
  item.set('CodeValue', undefined, 'T-1');
  ds.set('AnatomicRegionSequence', undefined, [item, new Dataset()]);
  ds.set('PixelData', 'OW', new Uint8Array([1, 0, 2, 0, 3, 0, 4, 0]));
  return ds;
}

test('toJson maps each VR as PS3.18 Annex F says', () => {
  const j = toJson(sample());
  assert.deepEqual(j['00080008'], { vr: 'CS', Value: ['ORIGINAL', null, 'AXIAL'] });
  assert.deepEqual(j['00100010'], {
    vr: 'PN',
    Value: [
      { Alphabetic: 'Yamada^Tarou', Ideographic: '山田^太郎', Phonetic: 'やまだ^たろう' },
      { Alphabetic: 'Doe^John' },
    ],
  });
  assert.deepEqual(j['00280010'], { vr: 'US', Value: [512] });
  assert.deepEqual(j['00180050'], { vr: 'DS', Value: [1.25] });
  assert.deepEqual(j['00280009'], { vr: 'AT', Value: ['00181063'] });
  assert.deepEqual(j['00081155'], { vr: 'UI' });
  assert.deepEqual(j['00091010'], { vr: 'LO', Value: ['ACME 1.0'] });
  assert.deepEqual(j['00091001'], { vr: 'UN', InlineBinary: 'AQIDBA==' });
  assert.deepEqual(j['00091002'], { vr: 'SV', Value: ['-4611686018427387904', 5] });
  assert.deepEqual(j['00091003'], { vr: 'UV', Value: ['18446744073709551615'] });
  assert.deepEqual(j['00082218'], { vr: 'SQ', Value: [{ '00080100': { vr: 'SH', Value: ['T-1'] } }, {}] });
  assert.deepEqual(j['7FE00010'], { vr: 'OW', InlineBinary: 'AQACAAMABAA=' });
  // Attributes in ascending tag order in text, even for keys JavaScript sorts as integers.
  const text = stringifyDicomJson(j);
  const keys = [...text.matchAll(/"([0-9A-F]{8})":\{"vr"/g)].map((m) => m[1]!).filter((k) => k.length === 8);
  const top = keys.filter((k) => k in j);
  assert.deepEqual(top, [...top].sort());
  assert.deepEqual(JSON.parse(text), j);
});

test('IS and DS are numbers when exact and keep their text otherwise (PS3.18 Table F.2.3-1 note)', () => {
  const ds = new Dataset();
  const raw = (tag: number, vr: 'IS' | 'DS', text: string): void => {
    ds.add(new DicomElement(tag, vr, new TextEncoder().encode(text)));
  };
  raw(0x00180050, 'DS', '0.1\\1.00\\-0\\1e3 ');
  raw(0x00280030, 'DS', '0.12345678901234567890\\abc');
  raw(0x00200013, 'IS', '  0012\\\\99999999999999999999');
  const j = toJson(ds);
  assert.deepEqual(j['00180050']!.Value, [0.1, 1, 0, 1000]);
  assert.deepEqual(j['00280030']!.Value, ['0.12345678901234567890', 'abc']);
  assert.deepEqual(j['00200013']!.Value, [12, null, '99999999999999999999']);
  const back = fromJson(j);
  // A DS longer than 16 characters goes as a number and comes back in 16 characters, exactly.
  const long = new Dataset();
  long.add(new DicomElement(0x00281053, 'DS', new TextEncoder().encode('0.0000056120501942')));
  const lj = toJson(long);
  assert.deepEqual(lj['00281053']!.Value, [0.0000056120501942]);
  assert.deepEqual(fromJson(lj).strings('RescaleSlope'), ['5.6120501942e-6']);
  // FD negative zero keeps its sign through the JSON text.
  const z = new Dataset();
  z.set('RealWorldValueLUTData', 'FD', [-0, 1.5]);
  assert.ok(Object.is(fromJson(stringifyDicomJson(toJson(z))).numbers('RealWorldValueLUTData')[0], -0));
  assert.deepEqual(back.strings('PixelSpacing'), ['0.12345678901234567890', 'abc']);
  assert.deepEqual(back.numbers('SliceThickness'), [0.1, 1, 0, 1000]);
});

test('Part 10 → JSON → Part 10 keeps what the model carries', () => {
  const ds = sample();
  const json = toJson(ds);
  const back = parseDicom(
    writeDicom({ dataset: fromJson(json) }, { transferSyntax: 'ExplicitVRLittleEndian' }),
  ).dataset;
  assert.deepEqual(toJson(back), json);
  assert.equal(back.bigints(0x00091003)[0], 2n ** 64n - 1n);
  assert.equal(back.string('PatientName'), 'Yamada^Tarou=山田^太郎=やまだ^たろう');
});

test('encapsulated Pixel Data travels as InlineBinary of its Value Field and comes back as fragments', () => {
  const ds = new Dataset();
  const px = new EncapsulatedPixelData(new Uint32Array([0, 12]), [
    { bytes: new Uint8Array([0xff, 0xd8, 1, 2]), length: 4 },
    { bytes: new Uint8Array([0xff, 0xd8, 3, 4]), length: 4 },
  ]);
  ds.set('PixelData', 'OB', px);
  const j = toJson(ds);
  const bytes = decodeBase64(j['7FE00010']!.InlineBinary!);
  assert.equal(bytes.length, 8 + 8 + 2 * (8 + 4));
  const back = fromJson(j).get('PixelData')!;
  assert.ok(back.encapsulated);
  assert.deepEqual([...back.encapsulated.basicOffsetTable], [0, 12]);
  assert.deepEqual([...back.encapsulated.fragmentBytes(1)], [0xff, 0xd8, 3, 4]);
  // With a URI callback the fragments stay out of the JSON.
  const withUri = toJson(ds, { bulkDataUri: (_el, path) => `https://x/bulk/${encodeURIComponent(path)}` });
  assert.deepEqual(withUri['7FE00010'], { vr: 'OB', BulkDataURI: 'https://x/bulk/(7FE0%2C0010)' });
});

test('BulkDataURI: threshold, unfetched values keep their URI, resolveBulkData fetches', () => {
  const ds = new Dataset();
  ds.set(0x00091010, 'LO', 'ACME');
  ds.set(0x00091001, 'OB', new Uint8Array(2000));
  ds.set(0x00091002, 'OB', new Uint8Array(10));
  const seen: string[] = [];
  const j = toJson(ds, {
    bulkDataUri: (_el, path) => {
      seen.push(path);
      return `bulk/${path}`;
    },
  });
  assert.deepEqual(seen, ['(0009,1001)']);
  assert.equal(j['00091001']!.BulkDataURI, 'bulk/(0009,1001)');
  assert.ok(j['00091002']!.InlineBinary !== undefined);
  const unfetched = fromJson(j);
  assert.deepEqual(toJson(unfetched)['00091001'], { vr: 'OB', BulkDataURI: 'bulk/(0009,1001)' });
  assert.throws(
    () => writeDicom({ dataset: unfetched }),
    (e: unknown) => isDicomError(e, 'IO_ERROR') && /bulk\/\(0009,1001\)/.test(e.message),
  );
  const fetched = fromJson(j, {
    resolveBulkData: (uri) => (uri === 'bulk/(0009,1001)' ? new Uint8Array(2000).fill(7) : undefined),
  });
  assert.equal(fetched.bytes(0x00091001)![1999], 7);
});

test('base64 by hand matches Node and refuses what is not base64', () => {
  for (let n = 0; n < 40; n++) {
    const b = new Uint8Array(n).map((_, i) => (i * 37 + n) & 255);
    const text = encodeBase64(b);
    assert.equal(text, Buffer.from(b).toString('base64'));
    assert.deepEqual(decodeBase64(text), b);
  }
  assert.deepEqual(decodeBase64('AQID\nBA=='), new Uint8Array([1, 2, 3, 4]));
  for (const bad of ['A', 'AQI', 'AQ=D', 'A*ID', 'AQ===', 'AR==', '===='])
    assert.throws(() => decodeBase64(bad), Error, bad);
});

function rejects(json: unknown, pattern: RegExp, tagPath?: string): void {
  assert.throws(
    () => fromJson(json),
    (e: unknown) => {
      if (!isDicomError(e, 'INVALID_JSON')) return false;
      assert.match(e.message, pattern);
      if (tagPath !== undefined) assert.equal(e.tagPath, tagPath);
      return true;
    },
  );
}

test('fromJson refuses bad input with INVALID_JSON and the tag path', () => {
  rejects('{"00100010": ', /not JSON/);
  rejects([], /JSON object/);
  rejects({ '0010001': { vr: 'PN' } }, /not a tag/);
  rejects({ '00100010': { vr: 'XX' } }, /not a VR/, '(0010,0010)');
  rejects({ '00100010': { vr: 'PN', Value: ['Doe'] } }, /PN value is an object/, '(0010,0010)');
  rejects({ '00280010': { vr: 'US', Value: [70000] } }, /out of range/, '(0028,0010)');
  rejects({ '00280010': { vr: 'US', Value: ['12'] } }, /not a US integer/);
  rejects({ '00091002': { vr: 'SV', Value: [2 ** 60] } }, /not a safe integer/);
  rejects({ '00091002': { vr: 'UV', Value: ['18446744073709551616'] } }, /out of range/);
  rejects({ '00200013': { vr: 'IS', Value: [1e30] } }, /not an IS integer/);
  rejects({ '00180050': { vr: 'DS', Value: [1e400] } }, /numbers or strings/);
  rejects({ '7FE00010': { vr: 'OB', InlineBinary: 'AQ*D' } }, /invalid InlineBinary/, '(7FE0,0010)');
  rejects({ '7FE00010': { vr: 'OB', InlineBinary: 'AQID', BulkDataURI: 'x' } }, /at most one/);
  rejects({ '7FE00010': { vr: 'OB', Value: [1] } }, /InlineBinary or BulkDataURI/);
  rejects({ '00280009': { vr: 'AT', Value: ['0018106'] } }, /AT value/);
  rejects({ '00100020': { vr: 'LO', Value: ['a\\b'] } }, /backslash/);
  rejects(
    { '00082218': { vr: 'SQ', Value: [{ '00080100': { vr: 'SH', Value: [1] } }] } },
    /strings/,
    '(0008,2218)[0].(0008,0100)',
  );
});

test('fromJson caps nesting and survives 100,000-deep input', () => {
  let deep: DicomJson = {};
  for (let i = 0; i < 100; i++) deep = { '00082218': { vr: 'SQ', Value: [deep] } };
  rejects(deep, /nested deeper than 64/);
  const text = '{"00082218":{"vr":"SQ","Value":['.repeat(100_000) + '{}' + ']}}'.repeat(100_000);
  assert.throws(
    () => fromJson(text),
    (e: unknown) => isDicomError(e, 'INVALID_JSON'),
  );
  let ok: DicomJson = {};
  for (let i = 0; i < 10; i++) ok = { '00082218': { vr: 'SQ', Value: [ok] } };
  assert.equal(fromJson(ok, { maxDepth: 10 }).sequence('AnatomicRegionSequence').length, 1);
});

test(
  'every file dcmtk reads: Part 10 → JSON → Part 10 → JSON is the same JSON',
  { skip: needTestdata() },
  () => {
    const failures: string[] = [];
    let same = 0;
    let pendingCharsets = 0;
    for (const row of dcmtkReadable()) {
      let f;
      let json: DicomJson;
      try {
        f = parseDicom(readFileSync(row.abs));
        json = toJson(f.dataset);
      } catch (e) {
        if (isDicomError(e, 'INVALID_CHARSET')) pendingCharsets++;
        else if (isDicomError(e))
          continue; // the reader's own test reports files it cannot read
        else failures.push(`${row.path}: ${String(e)}`);
        continue;
      }
      try {
        // Encapsulated Pixel Data needs an encapsulated transfer syntax (GH1376 says native in a repeated meta group).
        const encapsulated = !!f.dataset.get('PixelData')?.encapsulated;
        const ts = encapsulated
          ? f.transferSyntax.encapsulated
            ? f.transferSyntax.uid
            : 'EncapsulatedUncompressedExplicitVRLittleEndian'
          : 'ExplicitVRLittleEndian';
        const back = parseDicom(
          writeDicom({ dataset: fromJson(JSON.parse(stringifyDicomJson(json))) }, { transferSyntax: ts }),
        ).dataset;
        assert.deepEqual(toJson(back), json);
        same++;
      } catch (e) {
        failures.push(`${row.path}: ${isDicomError(e) ? e.describe() : String(e).slice(0, 400)}`);
      }
    }
    console.log(
      `# JSON round trip: ${same} files identical, ${failures.length} failures, ${pendingCharsets} pending character sets`,
    );
    assert.deepEqual(failures, []);
  },
);

test('fuzz: mutated JSON gives a Dataset or a DicomError, nothing else', () => {
  const base = stringifyDicomJson(toJson(sample()));
  const pieces = [
    'null',
    '[]',
    '{}',
    '"x"',
    '-1',
    '1e999',
    '"AQ=="',
    '{"vr":"SQ","Value":[{}]}',
    '"00100010"',
    '\\u0000',
    '9007199254740993',
  ];
  const accepted = fuzzTextReader(base, pieces, 20261126, 3000, (t) => {
    const ds = fromJson(t);
    toJson(ds);
    parseDicom(writeDicom({ dataset: ds }));
  });
  assert.ok(accepted > 0 && accepted < 3000);
});
