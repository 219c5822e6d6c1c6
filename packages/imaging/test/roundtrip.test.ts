/**
 * Encoders and transcoding: every lossless encoder → our decoder gives the original stored values; our encoded
 * files decode in GDCM (gdcmconv --raw) and dcmtk (dcmdrle, dcmdjpls) to the same values; lossy encoders stay
 * within a stated PSNR and record Lossy Image Compression, Ratio and Method.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDicom, writeDicom, type DicomFile } from '@dicomkit/core';
import { readDicomFileSync } from '@dicomkit/core/node';
import { getFrame, pixelDescription, storedValues, transcode, type PixelArray } from '../src/index.js';
import { needCommand, needTestdata, TESTDATA } from '@dicomkit/core/test/shared';
import { psnr } from './helpers.js';

const SOURCES = [
  'pydicom-debian/test_files/MR_small.dcm', // 16-bit signed
  'dicomParser/CT1_UNC.explicit_big_endian.dcm', // 16-bit signed, big endian source
  'pydicom-data/US1_UNCR.dcm', // RGB 8-bit
  'pydicom-data/emri_small.dcm', // 10 frames, 12 of 16 bits
  'pydicom-data/OBXXXX1A.dcm', // PALETTE COLOR 8-bit
];
const LOSSLESS = [
  'RLELossless',
  'JPEGLSLossless',
  'JPEG2000Lossless',
  'HTJ2KLossless',
  'DeflatedImageFrameCompression',
  'EncapsulatedUncompressedExplicitVRLittleEndian',
];
/** Which reference tool decodes which of our outputs (GDCM cannot decode HTJ2K or Deflated Image Frame Compression). */
const PEERS: Record<string, [string, string[]][]> = {
  RLELossless: [
    ['gdcmconv', ['--raw']],
    ['dcmdrle', []],
  ],
  JPEGLSLossless: [
    ['gdcmconv', ['--raw']],
    ['dcmdjpls', []],
  ],
  JPEG2000Lossless: [['gdcmconv', ['--raw']]],
};

async function stored(f: Pick<DicomFile, 'dataset' | 'transferSyntax'>): Promise<PixelArray[]> {
  const out: PixelArray[] = [];
  const n = pixelDescription(f.dataset).numberOfFrames;
  for (let i = 0; i < n; i++) {
    const fr = await getFrame(f.dataset, f.transferSyntax, i);
    out.push(storedValues(fr.pixels, fr.description));
  }
  return out;
}

function sameFrames(a: PixelArray[], b: PixelArray[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.length !== y.length) return false;
    for (let k = 0; k < x.length; k++) if (x[k] !== y[k]) return false;
  }
  return true;
}

test(
  'lossless encoders round-trip and decode identically in GDCM and dcmtk',
  { skip: needTestdata() },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dicomkit-rt-'));
    const peerChecks: string[] = [];
    try {
      for (const src of SOURCES) {
        const f = readDicomFileSync(join(TESTDATA, src));
        const original = await stored(f);
        for (const target of LOSSLESS) {
          const out = await transcode(f, target);
          const bytes = writeDicom(out);
          const back = parseDicom(bytes);
          assert.equal(back.transferSyntax.keyword, target);
          assert.ok(sameFrames(await stored(back), original), `${src} → ${target}: pixels differ`);
          // Back to native from our own encoding.
          const native = parseDicom(writeDicom(await transcode(back, 'ExplicitVRLittleEndian')));
          assert.ok(sameFrames(await stored(native), original), `${src} → ${target} → native: pixels differ`);
          for (const [cmd, args] of PEERS[target] ?? []) {
            if (needCommand(cmd)) continue;
            const inPath = join(dir, 'in.dcm');
            const outPath = join(dir, 'out.dcm');
            writeFileSync(inPath, bytes);
            const r = spawnSync(cmd, [...args, inPath, outPath], { encoding: 'utf8' });
            assert.equal(r.status, 0, `${cmd} cannot decode our ${target} of ${src}: ${r.stderr}`);
            const theirs = readDicomFileSync(outPath);
            assert.ok(
              sameFrames(await stored(theirs), original),
              `${cmd} decodes our ${target} of ${src} to other pixels`,
            );
            peerChecks.push(`${cmd}:${target}`);
          }
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    console.log(
      `# ${SOURCES.length} files × ${LOSSLESS.length} lossless encoders round-trip; ${peerChecks.length} peer decodes equal`,
    );
    if (!needCommand('gdcmconv') && !needCommand('dcmdjpls'))
      assert.equal(peerChecks.length, SOURCES.length * 5);
  },
);

test(
  '1-bit frames round-trip through Deflated Image Frame Compression and back to native',
  { skip: needTestdata() },
  async () => {
    const f = readDicomFileSync(join(TESTDATA, 'pydicom-data/liver_nonbyte_aligned.dcm'));
    const original = await stored(f);
    for (const target of [
      'DeflatedImageFrameCompression',
      'EncapsulatedUncompressedExplicitVRLittleEndian',
    ]) {
      const back = parseDicom(writeDicom(await transcode(f, target)));
      assert.ok(sameFrames(await stored(back), original), target);
      const native = parseDicom(writeDicom(await transcode(back, 'ExplicitVRLittleEndian')));
      assert.ok(sameFrames(await stored(native), original), `${target} → native`);
    }
  },
);

test(
  'lossy encoders stay within their PSNR and record Lossy Image Compression',
  { skip: needTestdata() },
  async () => {
    const cases: [string, string, number][] = [
      ['pydicom-data/US1_UNCR.dcm', 'JPEGBaseline8Bit', 30],
      ['pydicom-data/US1_UNCR.dcm', 'JPEGLSNearLossless', 45],
      ['pydicom-data/US1_UNCR.dcm', 'JPEG2000', 35],
      ['pydicom-data/emri_small.dcm', 'JPEGLSNearLossless', 60],
      ['pydicom-data/emri_small.dcm', 'JPEG2000', 50],
      ['pydicom-data/emri_small.dcm', 'HTJ2K', 40],
    ];
    const report: string[] = [];
    for (const [src, target, min] of cases) {
      const f = readDicomFileSync(join(TESTDATA, src));
      const d = pixelDescription(f.dataset);
      const original = await stored(f);
      const back = parseDicom(writeDicom(await transcode(f, target)));
      const got = await stored(back);
      let worst = Infinity;
      for (let i = 0; i < got.length; i++)
        worst = Math.min(worst, psnr(got[i]!, original[i]!, 2 ** d.bitsStored - 1));
      report.push(`${target} ${src.split('/').pop()} ${worst.toFixed(1)} dB`);
      assert.ok(worst >= min, `${src} → ${target}: PSNR ${worst.toFixed(1)} dB < ${min}`);
      assert.equal(back.dataset.string('LossyImageCompression'), '01');
      assert.ok(back.dataset.strings('LossyImageCompressionMethod').length >= 1);
      assert.equal(
        back.dataset.strings('LossyImageCompressionMethod').length,
        back.dataset.strings('LossyImageCompressionRatio').length,
      );
    }
    console.log(`# ${report.join('; ')}`);
  },
);

test(
  'transcoding updates Photometric Interpretation and Planar Configuration',
  { skip: needTestdata() },
  async () => {
    // JPEG 2000 lossless of RGB uses the reversible colour transform: YBR_RCT (PS3.5 §8.2.4).
    const rgb = readDicomFileSync(join(TESTDATA, 'pydicom-data/US1_UNCR.dcm'));
    const j2k = await transcode(rgb, 'JPEG2000Lossless');
    assert.equal(j2k.dataset.string('PhotometricInterpretation'), 'YBR_RCT');
    // JPEG Baseline colour is YCbCr: YBR_FULL (PS3.5 §8.2.1).
    assert.equal(
      (await transcode(rgb, 'JPEGBaseline8Bit')).dataset.string('PhotometricInterpretation'),
      'YBR_FULL',
    );
    // Decompressing YBR_RCT gives RGB again, colour-by-pixel.
    const native = await transcode(parseDicom(writeDicom(j2k)), 'ExplicitVRLittleEndian');
    assert.equal(native.dataset.string('PhotometricInterpretation'), 'RGB');
    assert.equal(native.dataset.number('PlanarConfiguration'), 0);
    // A planar-configuration-1 source encodes colour-by-pixel.
    const planar = readDicomFileSync(join(TESTDATA, 'pydicom-data/US1_UNCR.dcm'));
    if (planar.dataset.number('PlanarConfiguration') === 1)
      assert.equal((await transcode(planar, 'RLELossless')).dataset.number('PlanarConfiguration'), 0);
    // Offset table: one entry per frame.
    const multi = await transcode(
      readDicomFileSync(join(TESTDATA, 'pydicom-data/emri_small.dcm')),
      'RLELossless',
    );
    assert.equal(multi.dataset.get('PixelData')!.encapsulated!.basicOffsetTable.length, 10);
  },
);
