/**
 * JPEG lossless (ITU-T T.81 Annex H, Process 14; 1.2.840.10008.1.2.4.57 and .70), decoder and encoder:
 * - the ISO 10918-2 conformance streams O1 (8-bit, 4 interleaved components with sampling factors, restarts) and
 *   O2 (16-bit, one scan per component, predictor 7) against the reference samples D16.SRC;
 * - every corpus file whose frames are SOF3 against gdcmconv --raw, bit for bit;
 * - our encoder → our decoder on every corpus native frame it can encode, every predictor in turn;
 * - our encoded files decoded by dcmtk (dcmdjpeg) and GDCM (gdcmconv --raw) on real and synthetic images
 *   (8/12/16 bits, signed, RGB, YBR_FULL, palette, multi-frame, the SSSS = 16 difference);
 * - restart intervals written by us, decoded by both peers.
 * Synthetic streams, quirks and bad input are in jpeg-lossless-streams.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Dataset,
  EncapsulatedPixelData,
  isDicomError,
  parseDicom,
  writeDicom,
  type DicomFile,
} from '@dicomkit/core';
import { readDicomFileSync } from '@dicomkit/core/node';
import {
  decodeJpegLossless,
  encapsulatedFrameBytes,
  encodeJpegLossless,
  getFrame,
  getNativeFrame,
  pixelDescription,
  storedValues,
  transcode,
  type PixelArray,
} from '../src/index.js';
import { readJpegHeader } from '../src/codecs/jpeg-markers.js';
import { inventory, needCommand, needTestdata, TESTDATA } from '@dicomkit/core/test/shared';
import { noise } from './helpers.js';

const P14 = join(TESTDATA, 'pylibjpeg-data/jpg/10918/p14');

async function stored(f: Pick<DicomFile, 'dataset' | 'transferSyntax'>): Promise<PixelArray[]> {
  const out: PixelArray[] = [];
  const n = pixelDescription(f.dataset).numberOfFrames;
  for (let i = 0; i < n; i++) {
    const fr = await getFrame(f.dataset, f.transferSyntax, i);
    out.push(storedValues(fr.pixels, fr.description));
  }
  return out;
}

/** The index of the first sample that differs, or -1. */
function firstDifference(a: PixelArray[], b: PixelArray[]): string | undefined {
  if (a.length !== b.length) return `${a.length} frames vs ${b.length}`;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.length !== y.length) return `frame ${i + 1}: ${x.length} samples vs ${y.length}`;
    for (let k = 0; k < x.length; k++)
      if (x[k] !== y[k]) return `frame ${i + 1} sample ${k}: ${x[k]} vs ${y[k]}`;
  }
  return undefined;
}

test(
  'ISO 10918-2 conformance: O2 component D equals D16.SRC; O1 equals O2 >> 8 in all four components',
  { skip: needTestdata() },
  () => {
    const o1 = decodeJpegLossless(readFileSync(join(P14, 'O1.JPG')));
    const o2 = decodeJpegLossless(readFileSync(join(P14, 'O2.JPG')));
    assert.deepEqual(
      o1.components.map((c) => [c.id, c.h, c.v, c.width, c.height]),
      [
        [200, 1, 1, 85, 65],
        [150, 1, 2, 85, 129],
        [100, 3, 1, 255, 65],
        [50, 1, 4, 85, 257],
      ],
    );
    assert.equal(o1.precision, 8);
    assert.equal(o2.precision, 16);
    assert.equal(o2.predictor, 7);
    // D16.SRC: the 16-bit reference samples of component D, big endian, row by row.
    const ref = readFileSync(join(P14, 'D16.SRC'));
    const d = o2.components[3]!;
    assert.equal(ref.length, d.width * d.height * 2);
    let n = 0;
    for (let y = 0; y < d.height; y++)
      for (let x = 0; x < d.width; x++, n++)
        assert.equal(d.samples[y * d.stride + x], ref.readUInt16BE(2 * n), `D16 sample ${n}`);
    // The 16-bit test data was made from the 8-bit data (T.83): every O1 sample is its O2 sample >> 8.
    for (let k = 0; k < 4; k++) {
      const a = o1.components[k]!;
      const b = o2.components[k]!;
      for (let y = 0; y < a.height; y++)
        for (let x = 0; x < a.width; x++) {
          const i = y * a.stride + x;
          if (a.samples[i]! << 8 !== b.samples[y * b.stride + x])
            assert.fail(`component ${k} (${x},${y}): O1 ${a.samples[i]}, O2 ${b.samples[y * b.stride + x]}`);
        }
    }
  },
);

test(
  'every corpus file with SOF3 frames (.4.57, .4.70 and mislabelled) equals gdcmconv --raw bit for bit',
  { skip: needTestdata() || needCommand('gdcmconv') },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dicomkit-jll-'));
    const equal: string[] = [];
    const failures: string[] = [];
    let byUid = 0;
    try {
      for (const row of inventory()) {
        if (!row.pixel_data.includes('encapsulated') || row.dup_of !== '') continue;
        let f: DicomFile;
        try {
          f = readDicomFileSync(row.abs);
          const h = readJpegHeader(encapsulatedFrameBytes(f.dataset, 0));
          if (!h || h.process !== 3) continue;
        } catch {
          continue;
        }
        if (/4\.(57|70)$/.test(row.ts_uid)) byUid++;
        const out = join(dir, 'ref.dcm');
        const g = spawnSync('gdcmconv', ['--raw', row.abs, out]);
        if (g.status !== 0) {
          failures.push(`${row.path}: gdcmconv failed`);
          continue;
        }
        const ref = readDicomFileSync(out);
        const ours: PixelArray[] = [];
        const theirs: PixelArray[] = [];
        for (let i = 0; i < pixelDescription(f.dataset).numberOfFrames; i++) {
          ours.push((await getFrame(f.dataset, f.transferSyntax, i)).pixels);
          theirs.push(getNativeFrame(ref.dataset, i).pixels);
        }
        const diff = firstDifference(ours, theirs);
        if (diff) failures.push(`${row.path}: ${diff}`);
        else equal.push(row.path);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    console.log(`# ${equal.length} files of SOF3 frames equal GDCM (${byUid} labelled .4.57/.4.70)`);
    assert.deepEqual(failures, []);
    assert.ok(equal.length >= 12 && byUid >= 11, `only ${equal.length} files`);
  },
);

test(
  'our encoder → our decoder gives back every corpus native frame it can encode (predictors 1–7 in turn)',
  { skip: needTestdata() },
  async () => {
    let files = 0;
    let frames = 0;
    const refused = new Map<string, number>();
    const failures: string[] = [];
    const kinds = new Set<string>();
    for (const row of inventory()) {
      if (row.pixel_data !== 'PixelData:native' || row.dup_of !== '') continue;
      let f: DicomFile;
      let original: PixelArray[];
      try {
        f = readDicomFileSync(row.abs);
        original = await stored(f);
      } catch {
        continue; // unreadable natives are covered in frames.test.ts
      }
      const predictor = (files % 7) + 1;
      let back: DicomFile;
      try {
        back = parseDicom(writeDicom(await transcode(f, 'JPEGLossless', { predictor })));
      } catch (e) {
        assert.ok(isDicomError(e), `${row.path}: ${String(e)}`);
        refused.set(e.code, (refused.get(e.code) ?? 0) + 1);
        continue;
      }
      const diff = firstDifference(await stored(back), original);
      if (diff) failures.push(`${row.path} (predictor ${predictor}): ${diff}`);
      files++;
      frames += original.length;
      const d = pixelDescription(f.dataset);
      kinds.add(`${d.bitsStored}${d.pixelRepresentation ? 's' : 'u'}×${d.samplesPerPixel}`);
    }
    console.log(
      `# ${files} files (${frames} frames; ${[...kinds].sort().join(' ')}) round-trip; refused: ${[...refused].map(([c, n]) => `${c} ${n}`).join(', ')}`,
    );
    assert.deepEqual(failures, []);
    assert.ok(files >= 80 && frames >= 250, `only ${files} files, ${frames} frames`);
  },
);

/** A copy of `template` with other pixels: rows × columns × samples of `bits` stored in `allocated`. */
function synthetic(
  template: DicomFile,
  o: { rows: number; cols: number; allocated: number; bits: number; signed: boolean; values: number[] },
): DicomFile {
  const ds = new Dataset();
  for (const el of template.dataset) if (el.tag < 0x00280000 || el.tag > 0x0028ffff) ds.add(el);
  ds.delete(0x7fe00010);
  ds.set('SamplesPerPixel', 'US', 1);
  ds.set('PhotometricInterpretation', 'CS', 'MONOCHROME2');
  ds.set('Rows', 'US', o.rows);
  ds.set('Columns', 'US', o.cols);
  ds.set('BitsAllocated', 'US', o.allocated);
  ds.set('BitsStored', 'US', o.bits);
  ds.set('HighBit', 'US', o.bits - 1);
  ds.set('PixelRepresentation', 'US', o.signed ? 1 : 0);
  const n = o.rows * o.cols;
  const bytes = new Uint8Array(n * (o.allocated / 8) + ((n * (o.allocated / 8)) % 2));
  const view = new DataView(bytes.buffer);
  const mask = o.allocated === 8 ? 0xff : 0xffff;
  for (let i = 0; i < n; i++) {
    const v = o.values[i % o.values.length]! & mask;
    if (o.allocated === 8) bytes[i] = v;
    else view.setUint16(2 * i, v, true);
  }
  ds.set('PixelData', o.allocated === 8 ? 'OB' : 'OW', bytes);
  return { ...template, dataset: ds };
}

test(
  'our JPEG lossless files decode in dcmtk (dcmdjpeg) and GDCM (gdcmconv --raw) to the original stored values',
  { skip: needTestdata() || needCommand('dcmdjpeg') || needCommand('gdcmconv') },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dicomkit-jll-peers-'));
    const template = readDicomFileSync(join(TESTDATA, 'pydicom-debian/test_files/MR_small.dcm'));
    const cases: [string, DicomFile, string, number][] = [];
    const real: [string, string, number][] = [
      ['pydicom-debian/test_files/MR_small.dcm', 'JPEGLosslessSV1', 1], // 16-bit signed
      ['dicomParser/CT1_UNC.explicit_big_endian.dcm', 'JPEGLossless', 4], // 16-bit signed, big endian
      ['pydicom-data/US1_UNCR.dcm', 'JPEGLosslessSV1', 1], // RGB 8-bit
      ['pydicom-data/SC_ybr_full_uncompressed.dcm', 'JPEGLossless', 7], // YBR_FULL stays YBR_FULL
      ['pydicom-data/SC_rgb_expb_16bit_2frame.dcm', 'JPEGLossless', 5], // RGB 16-bit, 2 frames, big endian
      ['pydicom-data/emri_small.dcm', 'JPEGLossless', 6], // 12 of 16 bits, 10 frames
      ['pydicom-data/OBXXXX1A.dcm', 'JPEGLossless', 2], // PALETTE COLOR 8-bit
      ['pydicom-data/gdcm-US-ALOKA-16.dcm', 'JPEGLossless', 3], // PALETTE COLOR 16-bit
      ['pydicom-debian/test_files/dicomdirtests/77654033/CR2/6247', 'JPEGLosslessSV1', 1], // MONOCHROME1 12-bit
      ['highdicom/sm_image_grayscale.dcm', 'JPEGLosslessSV1', 1], // 25 frames
    ];
    for (const [path, target, predictor] of real)
      cases.push([path, readDicomFileSync(join(TESTDATA, path)), target, predictor]);
    const n = 48 * 40;
    // Differences of ±32768 (SSSS = 16) with every predictor's worst case: alternating 0 and 65535 / 32768.
    const extremes = noise(n, 0, 3, 7).map((v) => [0, 65535, 32768, 1][v]!);
    for (let psv = 1; psv <= 7; psv++)
      cases.push([
        `16-bit extremes, predictor ${psv}`,
        synthetic(template, { rows: 40, cols: 48, allocated: 16, bits: 16, signed: false, values: extremes }),
        'JPEGLossless',
        psv,
      ]);
    cases.push([
      '12-bit signed noise',
      synthetic(template, {
        rows: 40,
        cols: 48,
        allocated: 16,
        bits: 12,
        signed: true,
        values: noise(n, -2048, 2047, 3),
      }),
      'JPEGLossless',
      4,
    ]);
    cases.push([
      '16-bit signed noise',
      synthetic(template, {
        rows: 40,
        cols: 48,
        allocated: 16,
        bits: 16,
        signed: true,
        values: noise(n, -32768, 32767, 5),
      }),
      'JPEGLosslessSV1',
      1,
    ]);
    cases.push([
      '8-bit noise',
      synthetic(template, {
        rows: 40,
        cols: 48,
        allocated: 8,
        bits: 8,
        signed: false,
        values: noise(n, 0, 255, 9),
      }),
      'JPEGLossless',
      7,
    ]);
    const checked: string[] = [];
    try {
      for (const [what, f, target, predictor] of cases) {
        const original = await stored(f);
        const enc = await transcode(f, target, target === 'JPEGLossless' ? { predictor } : {});
        // Photometric Interpretation and Lossy Image Compression stay as they were.
        assert.equal(
          enc.dataset.string('PhotometricInterpretation'),
          f.dataset.string('PhotometricInterpretation'),
          what,
        );
        assert.equal(
          enc.dataset.string('LossyImageCompression'),
          f.dataset.string('LossyImageCompression'),
          what,
        );
        const bytes = writeDicom(enc);
        const ours = parseDicom(bytes);
        assert.equal(firstDifference(await stored(ours), original), undefined, `${what}: our decoder`);
        writeFileSync(join(dir, 'in.dcm'), bytes);
        // dcmdjpeg converts YBR_FULL to RGB unless told not to (+cn), as it does for every JPEG.
        const ybr = f.dataset.string('PhotometricInterpretation') === 'YBR_FULL';
        for (const [cmd, args] of [
          ['dcmdjpeg', ybr ? ['+cn'] : []],
          ['gdcmconv', ['--raw']],
        ] as const) {
          // GDCM 3.0.21 decodes it but refuses to write a 2-frame Secondary Capture ("Problem with NumberOfDimensions
          // and MediaStorage"), whatever the transfer syntax: dcmtk alone checks this one.
          if (cmd === 'gdcmconv' && what.endsWith('SC_rgb_expb_16bit_2frame.dcm')) continue;
          const r = spawnSync(cmd, [...args, join(dir, 'in.dcm'), join(dir, 'out.dcm')], {
            encoding: 'utf8',
          });
          assert.equal(r.status, 0, `${cmd} cannot decode our ${target} of ${what}: ${r.stderr}`);
          const theirs = readDicomFileSync(join(dir, 'out.dcm'));
          assert.equal(
            firstDifference(await stored(theirs), original),
            undefined,
            `${cmd} decodes our ${target} (predictor ${predictor}) of ${what} to other values`,
          );
          checked.push(`${cmd}:${what}`);
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    console.log(`# ${cases.length} images, ${checked.length} peer decodes equal the original`);
    assert.equal(checked.length, cases.length * 2 - 1);
  },
);

test(
  'restart intervals (every line, every 2 lines): ours, dcmdjpeg and gdcmconv agree; other intervals are refused',
  { skip: needTestdata() || needCommand('dcmdjpeg') || needCommand('gdcmconv') },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dicomkit-jll-rst-'));
    const checked: string[] = [];
    try {
      for (const path of ['pydicom-debian/test_files/MR_small.dcm', 'pydicom-data/US1_UNCR.dcm']) {
        const f = readDicomFileSync(join(TESTDATA, path));
        const d = pixelDescription(f.dataset);
        const original = await stored(f);
        const pixels = (await getFrame(f.dataset, f.transferSyntax, 0)).pixels;
        const bits = Uint16Array.from(pixels, (v) => Number(v) & (2 ** d.bitsStored - 1));
        // libjpeg (dcmtk: "must be an integer multiple of the number of MCUs in an MCU_row") takes whole lines only.
        for (const bad of [7, 1, d.columns + 1])
          assert.throws(
            () =>
              encodeJpegLossless(bits, {
                width: d.columns,
                height: d.rows,
                components: d.samplesPerPixel,
                precision: d.bitsStored,
                predictor: 1,
                restartInterval: bad,
              }),
            (e: unknown) => isDicomError(e, 'INVALID_VALUE'),
          );
        for (const ri of [d.columns, 2 * d.columns]) {
          const out = await transcode(f, 'JPEGLossless', { predictor: 7 });
          const jpeg = encodeJpegLossless(bits, {
            width: d.columns,
            height: d.rows,
            components: d.samplesPerPixel,
            precision: d.bitsStored,
            predictor: 7,
            restartInterval: ri,
          });
          const padded = jpeg.length % 2 ? Buffer.concat([jpeg, Buffer.from([0])]) : jpeg;
          out.dataset.set(
            'PixelData',
            'OB',
            new EncapsulatedPixelData(new Uint32Array(1), [{ bytes: padded, length: padded.length }]),
          );
          const bytes = writeDicom(out);
          const what = `${path} with a restart every ${ri} pixels`;
          assert.equal(
            firstDifference(await stored(parseDicom(bytes)), original),
            undefined,
            `ours: ${what}`,
          );
          writeFileSync(join(dir, 'in.dcm'), bytes);
          for (const [cmd, args] of [
            ['dcmdjpeg', []],
            ['gdcmconv', ['--raw']],
          ] as const) {
            const r = spawnSync(cmd, [...args, join(dir, 'in.dcm'), join(dir, 'out.dcm')], {
              encoding: 'utf8',
            });
            assert.equal(r.status, 0, `${cmd}: ${what}: ${r.stderr}`);
            const diff = firstDifference(await stored(readDicomFileSync(join(dir, 'out.dcm'))), original);
            assert.equal(diff, undefined, `${cmd}: ${what}`);
            checked.push(`${cmd} ${ri}`);
          }
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    assert.equal(checked.length, 8);
  },
);
