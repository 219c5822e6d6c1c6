/**
 * Lazy bulk data from files: the header of a 1 GiB multi-frame file is read without reading its Pixel Data,
 * which stays in the file as a reference (offset, length) from which single frames are read on demand.
 * The file is sparse (header written, then ftruncate to the full size), so the test costs no disk and no time.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Dataset, writeDicom, readBulkRange, isDicomError } from '../src/index.js';
import { readDicomFile, readDicomFileSync } from '../src/node/index.js';

const ROWS = 1024;
const COLUMNS = 1024;
const FRAMES = 512;
const FRAME_SIZE = ROWS * COLUMNS * 2;
const PIXELS = FRAME_SIZE * FRAMES; // 1 GiB

/** Writes the sparse file; returns its path and where the Pixel Data value starts. */
function makeSparseMultiframe(dir: string): { path: string; valueOffset: number } {
  const ds = new Dataset();
  ds.set('SOPClassUID', undefined, '1.2.840.10008.5.1.4.1.1.7.3');
  ds.set('SOPInstanceUID', undefined, '2.25.1234567890');
  ds.set('Rows', undefined, ROWS);
  ds.set('Columns', undefined, COLUMNS);
  ds.set('NumberOfFrames', undefined, FRAMES);
  ds.set('SamplesPerPixel', undefined, 1);
  ds.set('PhotometricInterpretation', undefined, 'MONOCHROME2');
  ds.set('BitsAllocated', undefined, 16);
  ds.set('BitsStored', undefined, 16);
  ds.set('HighBit', undefined, 15);
  ds.set('PixelRepresentation', undefined, 0);
  const header = writeDicom({ dataset: ds }, { transferSyntax: 'ExplicitVRLittleEndian' });
  // (7FE0,0010) OW, 2 reserved bytes, a 4-byte length: the value itself is left to ftruncate (zeros, sparse).
  const px = new Uint8Array(12);
  const dv = new DataView(px.buffer);
  dv.setUint16(0, 0x7fe0, true);
  dv.setUint16(2, 0x0010, true);
  px[4] = 0x4f;
  px[5] = 0x57;
  dv.setUint32(8, PIXELS, true);
  const path = join(dir, 'multiframe-1gib.dcm');
  const fd = openSync(path, 'w');
  writeSync(fd, header);
  writeSync(fd, px);
  const valueOffset = header.length + 12;
  ftruncateSync(fd, valueOffset + PIXELS);
  // A marker at the start of a few frames: the frame number, little endian.
  for (const f of [0, 1, 255, FRAMES - 1]) {
    const m = new Uint8Array(4);
    new DataView(m.buffer).setUint32(0, f + 1000, true);
    writeSync(fd, m, 0, 4, valueOffset + f * FRAME_SIZE);
  }
  closeSync(fd);
  return { path, valueOffset };
}

test('the header of a 1 GiB multi-frame file is read without its Pixel Data, and frames are read by offset', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dicomkit-bulk-'));
  try {
    const { path, valueOffset } = makeSparseMultiframe(dir);
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    const t0 = performance.now();
    const f = await readDicomFile(path);
    const ms = performance.now() - t0;
    const grew = process.memoryUsage().rss - rssBefore;
    console.log(
      `# 1 GiB multi-frame: header read in ${ms.toFixed(1)} ms, RSS grew ${(grew / 2 ** 20).toFixed(1)} MiB`,
    );
    assert.ok(grew < 50 * 2 ** 20, `RSS grew ${grew} bytes`);
    assert.equal(f.dataset.number('NumberOfFrames'), FRAMES);
    const el = f.dataset.get('PixelData')!;
    assert.equal(el.raw, undefined, 'Pixel Data is not in memory');
    assert.ok(el.bulk, 'Pixel Data is a bulk reference');
    assert.equal(el.bulk.offset, valueOffset);
    assert.equal(el.bulk.length, PIXELS);
    assert.equal(el.length, PIXELS);
    for (const frame of [0, 1, 255, FRAMES - 1]) {
      const bytes = readBulkRange(el.bulk, frame * FRAME_SIZE, FRAME_SIZE);
      assert.equal(bytes.length, FRAME_SIZE);
      assert.equal(new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true), frame + 1000);
    }
    // A range of frames at once, and ranges outside the value refused with a typed error.
    const two = readBulkRange(el.bulk, 0, 2 * FRAME_SIZE);
    assert.equal(new DataView(two.buffer, two.byteOffset + FRAME_SIZE, 4).getUint32(0, true), 1001);
    assert.throws(
      () => readBulkRange(el.bulk!, PIXELS - 10, 20),
      (e) => isDicomError(e, 'INVALID_VALUE'),
    );
    assert.throws(
      () => readBulkRange(el.bulk!, -1, 2),
      (e) => isDicomError(e, 'INVALID_VALUE'),
    );
    // Stopping before the Pixel Data leaves it out altogether.
    const head = readDicomFileSync(path, { stopBeforePixelData: true });
    assert.equal(head.stopped, true);
    assert.equal(head.dataset.has('PixelData'), false);
    assert.equal(head.dataset.number('Rows'), ROWS);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
