import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Dataset, writeDicom } from '@dicomkit/core';
import { runCli } from './cli.js';

const dir = mkdtempSync(join(tmpdir(), 'dicomkit-dump-'));
const file = join(dir, 'a.dcm');
const ds = new Dataset();
ds.set('SOPClassUID', undefined, '1.2.840.10008.5.1.4.1.1.7');
ds.set('SOPInstanceUID', undefined, '1.2.3');
ds.set('PatientName', undefined, 'Doe^Jane');
const item = new Dataset();
item.set('CodeValue', undefined, 'X1');
ds.set('AnatomicRegionSequence', undefined, [item]);
writeFileSync(file, writeDicom({ dataset: ds }));

test('dump prints the meta, the dataset and nested items', () => {
  const r = runCli(['dump', file]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /\(0002,0010\) UI \[1\.2\.840\.10008\.1\.2\.1\]/);
  assert.match(r.stdout, /\(0010,0010\) PN \[Doe\^Jane\] +# +8, 1 PatientName/);
  assert.match(r.stdout, /\(0008,2218\) SQ \(Sequence with explicit length #=1\)/);
  assert.match(r.stdout, /^ {4}\(0008,0100\) SH \[X1\]/m);
});

test('dump --no-meta leaves the File Meta out', () => {
  const r = runCli(['dump', '--no-meta', file]);
  assert.equal(r.status, 0);
  assert.doesNotMatch(r.stdout, /\(0002,0010\)/);
});

test('bad input: exit 1, one line naming the problem, no stack trace', () => {
  const bad = join(dir, 'bad.dcm');
  const bytes = writeDicom({ dataset: ds }).slice();
  // Make the item inside the sequence end in the middle of its element.
  const at = Buffer.from(bytes).indexOf(Buffer.from([0xfe, 0xff, 0x00, 0xe0]));
  new DataView(bytes.buffer).setUint32(at + 4, 4, true);
  writeFileSync(bad, bytes);
  const r = runCli(['dump', bad]);
  assert.equal(r.status, 1);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.match(r.stderr, /^dicomkit: .*bad\.dcm: [A-Z_]+ at byte \d+/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});

test('a truncated file: the elements read, the problem as a warning on stderr, exit 0', () => {
  const cut = join(dir, 'cut.dcm');
  const bytes = writeDicom({ dataset: ds });
  writeFileSync(cut, bytes.subarray(0, bytes.length - 5));
  const r = runCli(['dump', cut]);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /AnatomicRegionSequence/);
  assert.match(r.stderr, /warning: TRUNCATED/);
});

test('a missing file: exit 1, one line', () => {
  const r = runCli(['dump', join(dir, 'missing.dcm')]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^dicomkit: .*missing\.dcm: IO_ERROR/);
});
