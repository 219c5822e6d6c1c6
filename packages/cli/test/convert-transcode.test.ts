import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDicom } from '@dicomkit/core';
import { runCli } from './cli.js';
import { needCommand, needTestdata, TESTDATA } from '@dicomkit/core/test/shared';

const dir = mkdtempSync(join(tmpdir(), 'dicomkit-transcode-'));
const pixels = (path: string): Buffer =>
  Buffer.from(parseDicom(readFileSync(path)).dataset.bytes('PixelData')!);

for (const ts of ['JPEGLSLossless', 'RLELossless', 'JPEG2000Lossless', 'JPEGLosslessSV1']) {
  test(
    `convert -t ${ts} and back: the same pixels, and GDCM decodes our file to them`,
    { skip: needTestdata() || needCommand('gdcmconv') },
    () => {
      const src = join(TESTDATA, 'pydicom-debian/test_files/MR_small.dcm');
      const enc = join(dir, `${ts}.dcm`);
      const back = join(dir, `${ts}-back.dcm`);
      let r = runCli(['convert', src, enc, '-t', ts]);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(parseDicom(readFileSync(enc)).transferSyntax.keyword, ts);
      r = runCli(['convert', enc, back, '-t', 'ExplicitVRLittleEndian']);
      assert.equal(r.status, 0, r.stderr);
      assert.ok(pixels(back).equals(pixels(src)));
      const gdcm = join(dir, `${ts}-gdcm.dcm`);
      const g = spawnSync('gdcmconv', ['--raw', enc, gdcm]);
      assert.equal(g.status, 0, String(g.stderr));
      assert.ok(pixels(gdcm).equals(pixels(src)), 'GDCM decodes our file to the original pixels');
    },
  );
}

test('convert to a syntax with no encoder: exit 1, one line', { skip: needTestdata() }, () => {
  const r = runCli([
    'convert',
    join(TESTDATA, 'pydicom-debian/test_files/MR_small.dcm'),
    join(dir, 'x.dcm'),
    '-t',
    'JPEGExtended12Bit',
  ]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^dicomkit: .*UNSUPPORTED_TRANSFER_SYNTAX/);
  assert.equal(r.stderr.trim().split('\n').length, 1);
});

test('convert --threads 2 writes the same multi-frame file as --threads 1', { skip: needTestdata() }, () => {
  const src = join(TESTDATA, 'pydicom-data/emri_small_jpeg_ls_lossless.dcm'); // 10 frames
  const outs = ['1', '2'].map((n) => {
    const out = join(dir, `threads-${n}.dcm`);
    const r = runCli(['convert', src, out, '-t', 'JPEG2000Lossless', '--threads', n]);
    assert.equal(r.status, 0, r.stderr);
    return readFileSync(out);
  });
  assert.ok(outs[0]!.equals(outs[1]!));
  assert.equal(parseDicom(outs[1]!).dataset.string('NumberOfFrames'), '10');
});

test(
  'convert -t JPEGLossless --predictor 7: SOS says predictor 7, dcmdjpeg gives the pixels back; misuse is one line',
  { skip: needTestdata() || needCommand('dcmdjpeg') },
  () => {
    const src = join(TESTDATA, 'pydicom-debian/test_files/MR_small.dcm');
    const enc = join(dir, 'p7.dcm');
    let r = runCli(['convert', src, enc, '-t', 'JPEGLossless', '--predictor', '7']);
    assert.equal(r.status, 0, r.stderr);
    const f = parseDicom(readFileSync(enc));
    assert.equal(f.transferSyntax.uid, '1.2.840.10008.1.2.4.57');
    const frame = f.dataset.get('PixelData')!.encapsulated!.fragments[0]!.bytes!;
    const sos = Buffer.from(frame).indexOf(Buffer.from([0xff, 0xda]));
    assert.equal(frame[sos + 4 + 1 + 2 * frame[sos + 4]!], 7, 'Ss (predictor) in the scan header');
    const out = join(dir, 'p7-dcmtk.dcm');
    const d = spawnSync('dcmdjpeg', [enc, out]);
    assert.equal(d.status, 0, String(d.stderr));
    assert.ok(pixels(out).equals(pixels(src)));
    for (const args of [
      ['-t', 'JPEGLosslessSV1', '--predictor', '7'],
      ['-t', 'JPEGLossless', '--predictor', '9'],
    ]) {
      r = runCli(['convert', src, join(dir, 'bad.dcm'), ...args]);
      assert.equal(r.status, 1);
      assert.match(r.stderr, /^dicomkit: .*predictor/);
      assert.equal(r.stderr.trim().split('\n').length, 1);
    }
  },
);

test(
  'convert --native: JPEG 2000 and HTJ2K decoded by the native codecs give the same file as WASM',
  { skip: needTestdata() },
  () => {
    for (const src of ['pydicom-data/US1_J2KR.dcm', 'pydicom-data/HTJ2KLossless_08_RGB.dcm']) {
      const wasm = join(dir, 'wasm.dcm');
      const native = join(dir, 'native.dcm');
      let r = runCli(['convert', join(TESTDATA, src), wasm, '-t', 'ExplicitVRLittleEndian']);
      assert.equal(r.status, 0, r.stderr);
      r = runCli(['convert', join(TESTDATA, src), native, '-t', 'ExplicitVRLittleEndian', '--native']);
      if (r.status !== 0 && /not built/.test(r.stderr)) {
        console.log(`# SKIP native codecs not built: ${r.stderr.trim()}`);
        return;
      }
      assert.equal(r.status, 0, r.stderr);
      assert.ok(readFileSync(native).equals(readFileSync(wasm)), src);
    }
  },
);
