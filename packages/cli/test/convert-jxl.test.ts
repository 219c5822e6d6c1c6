/** `dicomkit convert -t JPEGXLLossless / JPEGXL [--distance d]`: the pixels come back, and the dataset says what happened. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDicom } from '@dicomkit/core';
import { runCli } from './cli.js';
import { needTestdata, TESTDATA } from '@dicomkit/core/test/shared';

const dir = mkdtempSync(join(tmpdir(), 'dicomkit-jxl-'));
const pixels = (path: string): Buffer =>
  Buffer.from(parseDicom(readFileSync(path)).dataset.bytes('PixelData')!);

test(
  'convert -t JPEGXLLossless (multi-frame, 12-bit, in worker threads) and back: the same pixels',
  { skip: needTestdata() },
  () => {
    const src = join(TESTDATA, 'pydicom-data/emri_small.dcm'); // 10 frames, 12 of 16 bits
    const enc = join(dir, 'jxl.dcm');
    const back = join(dir, 'jxl-back.dcm');
    let r = runCli(['convert', src, enc, '-t', 'JPEGXLLossless', '--threads', '2']);
    assert.equal(r.status, 0, r.stderr);
    const ds = parseDicom(readFileSync(enc));
    assert.equal(ds.transferSyntax.keyword, 'JPEGXLLossless');
    assert.equal(ds.dataset.string('PhotometricInterpretation'), 'MONOCHROME2');
    assert.notEqual(ds.dataset.string('LossyImageCompression'), '01');
    r = runCli(['convert', enc, back, '-t', 'ExplicitVRLittleEndian']);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(pixels(back).equals(pixels(src)));
  },
);

test(
  'convert -t JPEGXL --distance 2: XYB colour, lossy attributes, smaller than distance 0.5',
  { skip: needTestdata() },
  () => {
    const src = join(TESTDATA, 'pydicom-data/US1_UNCR.dcm'); // RGB 8-bit
    const sizes = ['2', '0.5'].map((d) => {
      const out = join(dir, `jxl-d${d}.dcm`);
      const r = runCli(['convert', src, out, '-t', 'JPEGXL', '--distance', d]);
      assert.equal(r.status, 0, r.stderr);
      const f = parseDicom(readFileSync(out));
      assert.equal(f.transferSyntax.keyword, 'JPEGXL');
      assert.equal(f.dataset.string('PhotometricInterpretation'), 'XYB');
      assert.equal(f.dataset.string('LossyImageCompression'), '01');
      assert.match(f.dataset.string('LossyImageCompressionMethod') ?? '', /ISO_18181_1$/);
      return readFileSync(out).length;
    });
    assert.ok(
      sizes[0]! < sizes[1]!,
      `distance 2 (${sizes[0]} bytes) should be smaller than 0.5 (${sizes[1]})`,
    );
    const back = join(dir, 'jxl-lossy-back.dcm');
    const r = runCli(['convert', join(dir, 'jxl-d2.dcm'), back, '-t', 'ExplicitVRLittleEndian']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(parseDicom(readFileSync(back)).dataset.string('PhotometricInterpretation'), 'RGB');
  },
);

test(
  'convert --distance: only for JPEGXL, 0..25; signed input refused; exit 1, one line',
  { skip: needTestdata() },
  () => {
    const us = join(TESTDATA, 'pydicom-data/US1_UNCR.dcm');
    for (const args of [
      ['-t', 'JPEGXLLossless', '--distance', '1'],
      ['-t', 'JPEGXL', '--distance', '30'],
    ]) {
      const r = runCli(['convert', us, join(dir, 'bad.dcm'), ...args]);
      assert.equal(r.status, 1, args.join(' '));
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
    // Not a number: commander's usage error (with the command's help after it).
    const nan = runCli(['convert', us, join(dir, 'bad.dcm'), '-t', 'JPEGXL', '--distance', 'x']);
    assert.equal(nan.status, 1);
    assert.match(nan.stderr, /--distance must be a number/);
    const signed = join(TESTDATA, 'pydicom-debian/test_files/MR_small.dcm');
    const r = runCli(['convert', signed, join(dir, 'signed.dcm'), '-t', 'JPEGXLLossless']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^dicomkit: .*UNSUPPORTED_TRANSFER_SYNTAX/);
  },
);
