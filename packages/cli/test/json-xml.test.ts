/**
 * The json, xml and convert commands, run as a user runs them: the built CLI in a child process.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import {
  Dataset,
  EncapsulatedPixelData,
  fromJson,
  fromXml,
  parseDicom,
  toJson,
  writeDicom,
  type DicomJson,
} from '@dicomkit/core';

// The core's test helpers (packages/core/test/shared.ts) compile into core's dist, which a relative import from
// here cannot reach both at compile time and at run time: the two used here, restated.
const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const TESTDATA = join(process.env.DICOMKIT_SHARED ?? resolve(REPO_ROOT, '../shared'), 'testdata');
function needTestdata(): string | false {
  if (existsSync(join(TESTDATA, 'inventory.tsv'))) return false;
  console.log(`# SKIP ../shared/testdata not found at ${TESTDATA}: skipped`);
  return 'no testdata';
}
function needCommand(cmd: string): string | false {
  if (spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0) return false;
  console.log(`# SKIP ${cmd} is not installed: skipped`);
  return `${cmd} is not installed`;
}

const MAIN = join(REPO_ROOT, 'packages/cli/dist/src/main.js');

function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Exit status 1 and one line on stderr, no stack trace. */
function assertOneLineFailure(r: { status: number | null; stderr: string }, pattern: RegExp): void {
  assert.equal(r.status, 1, r.stderr);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, /^dicomkit: /);
  assert.match(lines[0]!, pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
}

function sampleFile(dir: string): string {
  const ds = new Dataset();
  ds.set('SOPClassUID', undefined, '1.2.840.10008.5.1.4.1.1.7');
  ds.set('SOPInstanceUID', undefined, '1.2.3.4.5');
  ds.set('PatientName', undefined, 'Doe^John');
  ds.set('Rows', undefined, 2);
  ds.set('Columns', undefined, 2);
  ds.set(0x00090010, 'LO', 'ACME');
  ds.set(0x00091001, 'DS', ['1.50']);
  ds.set(
    'PixelData',
    'OW',
    new Uint8Array(2048).map((_, i) => i & 255),
  );
  const p = join(dir, 'sample.dcm');
  writeFileSync(p, writeDicom({ dataset: ds }, { transferSyntax: 'ExplicitVRLittleEndian' }));
  return p;
}

test('dicomkit json prints DICOM JSON; --bulk-uri names large values; --indent 0 is one line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dicomkit-cli-json-'));
  try {
    const file = sampleFile(dir);
    const r = run('json', file);
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout) as DicomJson;
    assert.deepEqual(j['00100010'], { vr: 'PN', Value: [{ Alphabetic: 'Doe^John' }] });
    assert.deepEqual(j['00091001'], { vr: 'DS', Value: [1.5] });
    assert.equal(readFileSync(file).length > 2048, true);
    assert.ok(j['7FE00010']!.InlineBinary);
    assert.match(r.stdout, /^\{\n {2}"00080016": \{\n {4}"vr": "UI",/);
    const b = run('json', file, '--bulk-uri', 'https://pacs.example/bulk', '--indent', '0');
    assert.equal(b.status, 0, b.stderr);
    assert.equal(b.stdout.trimEnd().split('\n').length, 1);
    assert.deepEqual((JSON.parse(b.stdout) as DicomJson)['7FE00010'], {
      vr: 'OW',
      BulkDataURI: 'https://pacs.example/bulk/7FE00010',
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test(
  'dicomkit json agrees with dcm2json on a real file',
  { skip: needTestdata() || needCommand('dcm2json') },
  () => {
    const file = join(TESTDATA, 'pydicom-debian/test_files/MR_small.dcm');
    const ours = JSON.parse(run('json', file).stdout) as DicomJson;
    const theirs = JSON.parse(spawnSync('dcm2json', [file], { encoding: 'utf8' }).stdout) as DicomJson;
    assert.deepEqual(Object.keys(ours).sort(), Object.keys(theirs).sort());
    for (const k of Object.keys(ours)) assert.equal(ours[k]!.vr, theirs[k]!.vr, k);
    assert.deepEqual(ours['00100010'], theirs['00100010']);
    assert.equal(ours['7FE00010']!.InlineBinary, theirs['7FE00010']!.InlineBinary);
  },
);

test('dicomkit xml prints the Native DICOM Model', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dicomkit-cli-xml-'));
  try {
    const file = sampleFile(dir);
    const r = run('xml', file);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<NativeDicomModel /);
    assert.match(
      r.stdout,
      /<DicomAttribute tag="00090001" vr="DS" privateCreator="ACME"><Value number="1">1.50<\/Value>/,
    );
    assert.deepEqual(toJson(fromXml(r.stdout)), toJson(parseDicom(readFileSync(file)).dataset));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('dicomkit convert: DICOM → JSON → XML → DICOM (big endian) keeps the dataset, and dcmdump reads the result', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dicomkit-cli-convert-'));
  try {
    const file = sampleFile(dir);
    const json = join(dir, 'a.json');
    const xml = join(dir, 'b.xml');
    const out = join(dir, 'c.dcm');
    for (const [a, b, ...rest] of [
      [file, json],
      [json, xml],
      [xml, out, '--transfer-syntax', 'ExplicitVRBigEndian'],
    ] as string[][]) {
      const r = run('convert', a!, b!, ...rest);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, '');
    }
    const back = parseDicom(readFileSync(out));
    assert.equal(back.transferSyntax.keyword, 'ExplicitVRBigEndian');
    assert.deepEqual(toJson(back.dataset), toJson(parseDicom(readFileSync(file)).dataset));
    assert.deepEqual(toJson(fromJson(readFileSync(json, 'utf8'))), toJson(back.dataset));
    if (!needCommand('dcmdump')) {
      const d = spawnSync('dcmdump', [out], { encoding: 'utf8' });
      assert.equal(d.status, 0, d.stderr);
      assert.match(d.stdout, /\(0010,0010\) PN \[Doe\^John\]/);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('dicomkit convert: compressed Pixel Data that cannot be decoded fails in one line; the same syntax copies fragments', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dicomkit-cli-transcode-'));
  try {
    const ds = new Dataset();
    ds.set('SOPClassUID', undefined, '1.2.840.10008.5.1.4.1.1.7');
    ds.set('SOPInstanceUID', undefined, '1.2.3');
    ds.set(
      'PixelData',
      'OB',
      new EncapsulatedPixelData(new Uint32Array(0), [
        { bytes: new Uint8Array([0xff, 0xd8, 0xff, 0xd9]), length: 4 },
      ]),
    );
    const file = join(dir, 'jpeg.dcm');
    writeFileSync(file, writeDicom({ dataset: ds }, { transferSyntax: 'JPEGBaseline8Bit' }));
    assertOneLineFailure(
      run('convert', file, join(dir, 'out.dcm'), '-t', 'ExplicitVRLittleEndian'),
      /jpeg\.dcm: INVALID_VALUE/,
    );
    // Same transfer syntax: no transcoding, the fragments are written as they are.
    const same = run('convert', file, join(dir, 'same.dcm'));
    assert.equal(same.status, 0, same.stderr);
    assert.equal(
      parseDicom(readFileSync(join(dir, 'same.dcm'))).dataset.get('PixelData')!.encapsulated!.fragments
        .length,
      1,
    );
    // JSON carries the fragments but not the transfer syntax: it must be named.
    const json = join(dir, 'jpeg.json');
    assert.equal(run('convert', file, json).status, 0);
    assertOneLineFailure(run('convert', json, join(dir, 'x.dcm')), /--transfer-syntax/);
    const named = run('convert', json, join(dir, 'y.dcm'), '-t', '1.2.840.10008.1.2.4.50');
    assert.equal(named.status, 0, named.stderr);
    assert.deepEqual(
      [
        ...parseDicom(readFileSync(join(dir, 'y.dcm')))
          .dataset.get('PixelData')!
          .encapsulated!.fragmentBytes(0),
      ],
      [0xff, 0xd8, 0xff, 0xd9],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad input: exit status 1, one line, no stack trace', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dicomkit-cli-bad-'));
  try {
    const empty = join(dir, 'empty.dcm');
    writeFileSync(empty, '');
    const badJson = join(dir, 'bad.json');
    writeFileSync(badJson, '{"00100010":{"vr":"PN","Value":["Doe"]}}');
    const notJson = join(dir, 'not.json');
    writeFileSync(notJson, '{"00100010": ');
    const badXml = join(dir, 'bad.xml');
    writeFileSync(
      badXml,
      '<NativeDicomModel><DicomAttribute tag="00280010" vr="US"><Value number="1">x</Value></DicomAttribute></NativeDicomModel>',
    );
    assertOneLineFailure(run('json', join(dir, 'missing.dcm')), /ENOENT/);
    assertOneLineFailure(run('json', empty), /NOT_DICOM/);
    assertOneLineFailure(run('xml', empty), /NOT_DICOM/);
    assertOneLineFailure(run('convert', badJson, join(dir, 'o.dcm')), /INVALID_JSON in \(0010,0010\)/);
    assertOneLineFailure(run('convert', notJson, join(dir, 'o.xml')), /INVALID_JSON/);
    assertOneLineFailure(
      run('convert', badXml, join(dir, 'o.json')),
      /INVALID_XML at byte \d+ in \(0028,0010\)/,
    );
    assertOneLineFailure(run('convert', join(dir, 'missing.json'), join(dir, 'o.dcm')), /ENOENT/);
    const json = join(dir, 'ok.json');
    writeFileSync(json, '{}');
    assertOneLineFailure(
      run('convert', json, join(dir, 'o.dcm'), '-t', 'NoSuchSyntax'),
      /unknown transfer syntax/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
