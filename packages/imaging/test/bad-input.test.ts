/**
 * Bad pixel data (ROBUSTNESS.md 7–9): typed DicomErrors, bounded memory, and codecs that keep working afterwards.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateRawSync } from 'node:zlib';
import { Dataset, EncapsulatedPixelData, isDicomError, type DicomErrorCode } from '@dicomkit/core';
import { readDicomFileSync } from '@dicomkit/core/node';
import { getFrame, encapsulatedFrameBytes, encodeRle } from '../src/index.js';
import { needTestdata, TESTDATA } from '@dicomkit/core/test/shared';
import { join } from 'node:path';

function image(
  o: {
    rows?: number;
    cols?: number;
    bits?: number;
    stored?: number;
    high?: number;
    spp?: number;
    frames?: number;
  } = {},
): Dataset {
  const ds = new Dataset();
  const rows = o.rows ?? 4;
  const cols = o.cols ?? 4;
  const bits = o.bits ?? 16;
  ds.set('Rows', 'US', rows);
  ds.set('Columns', 'US', cols);
  ds.set('BitsAllocated', 'US', bits);
  ds.set('BitsStored', 'US', o.stored ?? bits);
  ds.set('HighBit', 'US', o.high ?? (o.stored ?? bits) - 1);
  ds.set('SamplesPerPixel', 'US', o.spp ?? 1);
  ds.set('PixelRepresentation', 'US', 0);
  ds.set('PhotometricInterpretation', 'CS', (o.spp ?? 1) === 3 ? 'RGB' : 'MONOCHROME2');
  if (o.frames) ds.set('NumberOfFrames', 'IS', o.frames);
  return ds;
}

function encapsulated(ds: Dataset, ...frames: Uint8Array[]): Dataset {
  ds.set(
    'PixelData',
    'OB',
    new EncapsulatedPixelData(
      new Uint32Array(0),
      frames.map((b) => ({ bytes: b, length: b.length })),
    ),
  );
  return ds;
}

async function rejects(p: Promise<unknown>, code: DicomErrorCode): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(isDicomError(e), `not a DicomError: ${String(e)}`);
    assert.equal(e.code, code, e.message);
    return true;
  });
}

test('pixel description out of range: Bits Stored, High Bit, Bits Allocated, dimensions', async () => {
  const native = (ds: Dataset) => {
    ds.set('PixelData', 'OW', new Uint8Array(32));
    return getFrame(ds, '1.2.840.10008.1.2.1', 0);
  };
  await rejects(native(image({ stored: 17 })), 'INVALID_VALUE');
  await rejects(native(image({ stored: 12, high: 16 })), 'INVALID_VALUE');
  await rejects(native(image({ stored: 12, high: 10 })), 'INVALID_VALUE');
  await rejects(native(image({ bits: 12 })), 'INVALID_VALUE');
  await rejects(native(image({ rows: 0 })), 'INVALID_VALUE');
  await rejects(native(image({ spp: 2 })), 'INVALID_VALUE');
});

test('native pixel data shorter than the frames it declares, and frame numbers out of range', async () => {
  const ds = image({ frames: 3 });
  ds.set('PixelData', 'OW', new Uint8Array(32 * 2 + 10));
  assert.equal((await getFrame(ds, '1.2.840.10008.1.2.1', 1)).pixels.length, 16);
  await rejects(getFrame(ds, '1.2.840.10008.1.2.1', 2), 'TRUNCATED');
  await rejects(getFrame(ds, '1.2.840.10008.1.2.1', 3), 'INVALID_VALUE');
  await rejects(getFrame(ds, '1.2.840.10008.1.2.1', -1), 'INVALID_VALUE');
});

test('a frame too large to decode is refused before anything is allocated', async () => {
  const ds = encapsulated(image({ rows: 65535, cols: 65535, spp: 3 }), new Uint8Array(100));
  await rejects(getFrame(ds, '1.2.840.10008.1.2.5', 0), 'VALUE_TOO_LONG');
});

test('RLE: wrong segment count, offsets out of range, short segments, truncated header', async () => {
  const d = image();
  const good = encodeRle(new Uint16Array(16).fill(7), {
    rows: 4,
    columns: 4,
    samplesPerPixel: 1,
    bitsAllocated: 16,
    bitsStored: 16,
    highBit: 15,
    pixelRepresentation: 0,
    planarConfiguration: 0,
    photometricInterpretation: 'MONOCHROME2',
    numberOfFrames: 1,
    pixelDataTag: 0x7fe00010,
    float: false,
  });
  assert.deepEqual(
    Array.from((await getFrame(encapsulated(image(), good), '1.2.840.10008.1.2.5', 0)).pixels),
    new Array(16).fill(7),
  );
  const wrongCount = good.slice();
  wrongCount[0] = 3;
  await rejects(getFrame(encapsulated(image(), wrongCount), '1.2.840.10008.1.2.5', 0), 'INVALID_VALUE');
  const badOffset = good.slice();
  new DataView(badOffset.buffer).setUint32(8, 100000, true);
  await rejects(getFrame(encapsulated(image(), badOffset), '1.2.840.10008.1.2.5', 0), 'INVALID_VALUE');
  await rejects(
    getFrame(encapsulated(image(), good.subarray(0, good.length - 4)), '1.2.840.10008.1.2.5', 0),
    'TRUNCATED',
  );
  await rejects(getFrame(encapsulated(d, good.subarray(0, 20)), '1.2.840.10008.1.2.5', 0), 'TRUNCATED');
  // A replicate run longer than the frame is cut at the frame's size (no overrun).
  const overrun = new Uint8Array(64 + 4);
  new DataView(overrun.buffer).setUint32(0, 2, true);
  new DataView(overrun.buffer).setUint32(4, 64, true);
  new DataView(overrun.buffer).setUint32(8, 66, true);
  overrun.set([129, 1, 129, 2], 64); // 128 copies each: far more than 16 pixels
  assert.deepEqual(
    Array.from((await getFrame(encapsulated(image(), overrun), '1.2.840.10008.1.2.5', 0)).pixels),
    new Array(16).fill(0x0102),
  );
});

test('Deflated Image Frame Compression: a deflate bomb stops at the frame size', async () => {
  const bomb = deflateRawSync(new Uint8Array(50 * 1024 * 1024));
  await rejects(getFrame(encapsulated(image(), bomb), '1.2.840.10008.1.2.8.1', 0), 'DEFLATE_ERROR');
  await rejects(
    getFrame(encapsulated(image(), new Uint8Array([1, 2, 3, 4])), '1.2.840.10008.1.2.8.1', 0),
    'DEFLATE_ERROR',
  );
  await rejects(
    getFrame(encapsulated(image(), deflateRawSync(new Uint8Array(10))), '1.2.840.10008.1.2.8.1', 0),
    'TRUNCATED',
  );
});

test(
  'truncated and corrupted codestreams give DicomErrors and the codecs keep working',
  { skip: needTestdata() },
  async () => {
    const cases: [string, string][] = [
      ['pydicom-debian/test_files/MR_small_jpeg_ls_lossless.dcm', 'JPEG-LS'],
      ['pydicom-data/693_J2KR.dcm', 'JPEG 2000'],
      ['pydicom-data/HTJ2KLossless_08_RGB.dcm', 'HTJ2K'],
      ['pydicom-debian/test_files/SC_rgb_jpeg_gdcm.dcm', 'JPEG lossless'],
      ['pydicom-debian/test_files/SC_rgb_jpeg_dcmtk.dcm', 'JPEG baseline'],
      ['dcm4che/dcm4che-test-data/src/main/resources/will-jxl.dcm', 'JPEG XL'],
    ];
    for (const [path, name] of cases) {
      const f = readDicomFileSync(join(TESTDATA, path));
      const good = await getFrame(f.dataset, f.transferSyntax, 0);
      const bytes = encapsulatedFrameBytes(f.dataset, 0);
      const mutants = [
        bytes.subarray(0, Math.floor(bytes.length / 3)),
        bytes.subarray(0, 10),
        new Uint8Array(bytes.length).fill(0xff),
        Uint8Array.from(bytes, (b, i) => (i > 200 && i % 7 === 0 ? b ^ 0x5a : b)),
      ];
      for (const m of mutants) {
        const ds = new Dataset();
        for (const el of f.dataset) if (el.tag !== 0x7fe00010) ds.add(el);
        encapsulated(ds, m);
        try {
          const fr = await getFrame(ds, f.transferSyntax, 0);
          // Some decoders conceal errors in a damaged stream: then the frame must still have the declared size.
          assert.equal(
            fr.pixels.length,
            good.pixels.length,
            `${name}: a damaged stream decoded to the wrong size`,
          );
        } catch (e) {
          assert.ok(isDicomError(e), `${name}: ${String(e)}`);
        }
      }
      const again = await getFrame(f.dataset, f.transferSyntax, 0);
      assert.deepEqual(again.pixels, good.pixels, `${name} decodes differently after bad input`);
    }
  },
);

test('a codestream that disagrees with Rows/Columns is refused', { skip: needTestdata() }, async () => {
  const f = readDicomFileSync(join(TESTDATA, 'pydicom-debian/test_files/MR_small_jpeg_ls_lossless.dcm'));
  const ds = new Dataset();
  for (const el of f.dataset) ds.add(el);
  ds.set('Rows', 'US', 32);
  await rejects(getFrame(ds, f.transferSyntax, 0), 'INVALID_VALUE');
});
