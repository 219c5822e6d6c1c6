import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  closeSync,
  ftruncateSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { concatChunks, Dataset, parseDicom, writeDicom, writeDicomStream } from '../src/index.js';
import { readDicomFileSync, writeDicomFileSync } from '../src/node/index.js';
import { dcmtkReadable, needTestdata } from './shared.js';

test(
  'writeDicomStream gives the same bytes as writeDicom on corpus files, read lazily from disk',
  { skip: needTestdata() },
  () => {
    let compared = 0;
    for (const row of dcmtkReadable().slice(0, 120)) {
      const lazy = readDicomFileSync(row.abs, { bulkDataThreshold: 1024 });
      const eager = parseDicom(readFileSync(row.abs));
      if (lazy.transferSyntax.deflated) continue;
      let b: Uint8Array;
      try {
        b = writeDicom(eager, { implementation: 'keep' });
      } catch (e) {
        // What cannot be written eagerly (e.g. encapsulated data under a native transfer syntax) fails the same way.
        assert.throws(() => [...writeDicomStream(lazy, { implementation: 'keep' })], {
          code: (e as { code: string }).code,
        });
        continue;
      }
      const a = concatChunks([...writeDicomStream(lazy, { implementation: 'keep', pieceSize: 4096 })]);
      assert.deepEqual(Buffer.from(a).equals(Buffer.from(b)), true, row.path);
      compared++;
    }
    assert.ok(compared > 100, `compared ${compared}`);
  },
);

test('writing a 256 MiB Pixel Data read lazily keeps memory flat (streaming writer)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dicomkit-stream-'));
  try {
    const src = join(dir, 'big.dcm');
    const ds = new Dataset();
    ds.set('SOPClassUID', undefined, '1.2.840.10008.5.1.4.1.1.4');
    ds.set('SOPInstanceUID', undefined, '1.2.3.4');
    ds.set('Rows', undefined, 512);
    ds.set('Columns', undefined, 512);
    const head = writeDicom({ dataset: ds });
    const pixelBytes = 256 * 1024 * 1024;
    const hdr = Buffer.alloc(12);
    hdr.writeUInt16LE(0x7fe0, 0);
    hdr.writeUInt16LE(0x0010, 2);
    hdr.write('OW', 4, 'latin1');
    hdr.writeUInt32LE(pixelBytes, 8);
    let fd = openSync(src, 'w');
    writeSync(fd, head);
    writeSync(fd, hdr);
    // A recognisable pattern at the start and the end of the value; the rest is sparse zeros.
    writeSync(fd, Buffer.from('BEGIN!'), 0, 6, head.length + 12);
    writeSync(fd, Buffer.from('END!'), 0, 4, head.length + 12 + pixelBytes - 4);
    ftruncateSync(fd, head.length + 12 + pixelBytes);
    closeSync(fd);

    const f = readDicomFileSync(src);
    assert.equal(f.dataset.get('PixelData')!.bulk?.length, pixelBytes);
    const out = join(dir, 'copy.dcm');
    const before = process.memoryUsage();
    writeDicomFileSync(out, f, { transferSyntax: 'ExplicitVRLittleEndian' });
    const after = process.memoryUsage();
    const grownMB = (after.rss - before.rss) / 2 ** 20;
    const externalMB = (after.arrayBuffers - before.arrayBuffers) / 2 ** 20;
    assert.ok(grownMB < 32, `RSS grew ${grownMB.toFixed(1)} MB writing a 256 MiB value`);
    assert.ok(externalMB < 16, `buffers grew ${externalMB.toFixed(1)} MB`);
    assert.equal(statSync(out).size, statSync(src).size);
    const copy = readDicomFileSync(out);
    const px = copy.dataset.get('PixelData')!.bulk!;
    fd = openSync(out, 'r');
    const b = Buffer.alloc(6);
    readSync(fd, b, 0, 6, px.offset);
    assert.equal(b.toString('latin1'), 'BEGIN!');
    readSync(fd, b, 0, 4, px.offset + pixelBytes - 4);
    assert.equal(b.subarray(0, 4).toString('latin1'), 'END!');
    closeSync(fd);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
