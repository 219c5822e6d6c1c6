import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Dataset, parseDicom, writeDicom, DicomError, isDicomError } from '../src/index.js';
import { dcmtkReadable, needTestdata } from './shared.js';

function sample(): Dataset {
  const ds = new Dataset();
  ds.set('SOPClassUID', undefined, '1.2.840.10008.5.1.4.1.1.7');
  ds.set('SOPInstanceUID', undefined, '1.2.3.4.5');
  ds.set('PatientName', undefined, 'Doe^John');
  ds.set('PatientID', undefined, 'ID1');
  ds.set('Rows', undefined, 2);
  ds.set('Columns', undefined, 2);
  ds.set('SliceThickness', undefined, 1.25);
  ds.set('InstanceNumber', undefined, 7);
  const item = new Dataset();
  item.set('CodeValue', undefined, 'T-1');
  ds.set('AnatomicRegionSequence', undefined, [item]);
  ds.set('PixelData', 'OW', new Uint8Array([1, 0, 2, 0, 3, 0, 4, 0]));
  return ds;
}

for (const ts of [
  'ImplicitVRLittleEndian',
  'ExplicitVRLittleEndian',
  'ExplicitVRBigEndian',
  'DeflatedExplicitVRLittleEndian',
]) {
  test(`write and read back a dataset in ${ts}`, () => {
    const bytes = writeDicom({ dataset: sample() }, { transferSyntax: ts });
    const f = parseDicom(bytes);
    assert.equal(f.transferSyntax.keyword, ts);
    assert.equal(f.dataset.string('PatientName'), 'Doe^John');
    assert.equal(f.dataset.number('Rows'), 2);
    assert.equal(f.dataset.number('SliceThickness'), 1.25);
    assert.equal(f.dataset.sequence('AnatomicRegionSequence')[0]!.string('CodeValue'), 'T-1');
    assert.deepEqual([...f.dataset.bytes('PixelData')!], [1, 0, 2, 0, 3, 0, 4, 0]);
    assert.deepEqual(f.warnings, []);
  });
}

test('truncated input gives a typed error with an offset, or a warning', () => {
  const bytes = writeDicom({ dataset: sample() }, { transferSyntax: 'ExplicitVRLittleEndian' });
  const f = parseDicom(bytes.subarray(0, bytes.length - 3));
  assert.ok(f.warnings.some((w) => w.code === 'TRUNCATED'));
  assert.throws(
    () => parseDicom(bytes.subarray(0, bytes.length - 3), { strict: true }),
    (e: unknown) => isDicomError(e) && e instanceof DicomError && typeof e.offset === 'number',
  );
});

test('every file dcmtk reads is read', { skip: needTestdata() }, () => {
  const failures: string[] = [];
  for (const row of dcmtkReadable()) {
    try {
      const f = parseDicom(readFileSync(row.abs));
      for (const el of f.dataset) f.dataset.value(el.tag);
    } catch (e) {
      failures.push(`${row.path}: ${isDicomError(e) ? e.describe() : String(e)}`);
    }
  }
  assert.deepEqual(failures, []);
});
