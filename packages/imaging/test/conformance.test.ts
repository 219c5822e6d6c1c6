/**
 * The ISO conformance codestreams in pylibjpeg-data/jpg (not DICOM; their reference images are not in the corpus):
 * checks that need no reference. ISO 14495-1 (JPEG-LS) Annex E: TEST8 coded in the three interleave modes and with
 * non-default parameters decodes; near-lossless (NEAR=3) streams stay within 3 of the lossless ones.
 * ISO 15444: 693.j2k equals the frame of 693_J2KR.dcm; the lossy HTJ2K Bretagne1 is close to the lossless one.
 * The same streams against native reference decoders (CharLS, OpenJPEG, OpenJPH): reference-decoders.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readDicomFileSync } from '@dicomkit/core/node';
import { getCodec, getFrame, TS, type PixelArray, type PixelDescription } from '../src/index.js';
import { j2kDescription, jlsDescription } from './codestream-description.js';
import { needTestdata, TESTDATA } from '@dicomkit/core/test/shared';
import { psnr } from './helpers.js';

const JPG = join(TESTDATA, 'pylibjpeg-data/jpg');

async function decodeFile(
  path: string,
  uid: string,
  describeIt: (b: Uint8Array) => PixelDescription,
): Promise<PixelArray> {
  const bytes = new Uint8Array(readFileSync(path));
  const codec = await getCodec(uid);
  return (await codec.decode(bytes, describeIt(bytes))).pixels;
}

function maxDiff(a: PixelArray, b: PixelArray): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(Number(a[i]) - Number(b[i])));
  return m;
}

test(
  'JPEG-LS conformance streams: interleave modes agree, near-lossless within NEAR',
  { skip: needTestdata() },
  async () => {
    const jls = (name: string) =>
      decodeFile(
        join(JPG, '14495', name.includes('E3') ? 'JNL' : 'JLS', name),
        TS.JPEGLSLossless,
        jlsDescription,
      );
    const c0 = await jls('T8C0E0.JLS');
    assert.equal(c0.length, 256 * 256 * 3);
    for (const name of ['T8C1E0.JLS', 'T8C2E0.JLS']) assert.equal(maxDiff(await jls(name), c0), 0, name);
    for (const name of ['T8C0E3.JLS', 'T8C1E3.JLS', 'T8C2E3.JLS'])
      assert.ok(maxDiff(await jls(name), c0) <= 3, name);
    const g16 = await jls('T16E0.JLS');
    assert.ok(maxDiff(await jls('T16E3.JLS'), g16) <= 3, 'T16E3');
    // Non-default T1=T2=T3=9, RESET=31 (an LSE segment): a 128×128 grey image, lossless and NEAR=3.
    const nd = await jls('T8NDE0.JLS');
    assert.equal(nd.length, 128 * 128);
    assert.ok(maxDiff(await jls('T8NDE3.JLS'), nd) <= 3, 'T8NDE3');
  },
);

test('JPEG 2000 and HTJ2K conformance streams', { skip: needTestdata() }, async () => {
  const raw = await decodeFile(join(JPG, '15444/2KLS/693.j2k'), TS.JPEG2000Lossless, j2kDescription);
  const dcm = readDicomFileSync(join(TESTDATA, 'pydicom-data/693_J2KR.dcm'));
  const frame = await getFrame(dcm.dataset, dcm.transferSyntax, 0);
  assert.equal(maxDiff(raw, frame.pixels), 0);
  const ht = await decodeFile(join(JPG, '15444/HTJ2K/Bretagne1_ht.j2k'), TS.HTJ2KLossless, j2kDescription);
  const lossy = await decodeFile(join(JPG, '15444/HTJ2K/Bretagne1_ht_lossy.j2k'), TS.HTJ2K, j2kDescription);
  const p = psnr(lossy, ht, 255);
  console.log(`# HTJ2K Bretagne1 lossy vs lossless: ${p.toFixed(1)} dB`);
  assert.ok(p > 30);
});
