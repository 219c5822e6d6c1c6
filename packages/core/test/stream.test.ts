/**
 * readDicomStream gives what parseDicom gives on the same bytes: every DICOM file of the corpus (those dcmtk
 * reads and those it rejects), fed in chunks of random sizes from 1 byte up (small files also byte by byte), with
 * the same elements, offsets, values, warnings and errors. Node streams (fs.createReadStream) work as sources.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import {
  parseDicom,
  readDicomStream,
  isDicomError,
  type Dataset,
  type DicomFile,
  type ReadOptions,
} from '../src/index.js';
import { inventory, needTestdata } from './shared.js';
import { ourElements } from './pydicom-compare.js';
import { prng } from './fuzz-lib.js';
import { readDicomFileSync } from '../src/node/index.js';

/** Everything a reader result says, as one comparable value. */
function summary(read: () => DicomFile): unknown {
  try {
    const f = read();
    const structure = (ds: Dataset): unknown[] =>
      [...ds].map((el) => [
        el.tag,
        el.vr,
        el.offset,
        el.length,
        el.undefinedLength,
        el.items?.map(structure),
        el.encapsulated?.fragments.map((x) => [x.offset, x.length]),
      ]);
    return {
      format: f.format,
      ts: f.transferSyntax.uid,
      stopped: f.stopped,
      preamble: f.preamble ? Buffer.from(f.preamble).toString('hex') : undefined,
      warnings: f.warnings,
      meta: [structure(f.meta), ourElements(f.meta)],
      dataset: [structure(f.dataset), ourElements(f.dataset)],
    };
  } catch (e) {
    if (isDicomError(e)) return { error: e.code, message: e.message, offset: e.offset, tagPath: e.tagPath };
    throw e;
  }
}

async function summaryAsync(read: () => Promise<DicomFile>): Promise<unknown> {
  let f: DicomFile;
  try {
    f = await read();
  } catch (e) {
    if (isDicomError(e)) return { error: e.code, message: e.message, offset: e.offset, tagPath: e.tagPath };
    throw e;
  }
  return summary(() => f);
}

/** Yields `bytes` in chunks whose sizes `size()` picks; counts how many were taken. */
function chunked(bytes: Uint8Array, size: () => number, taken = { n: 0 }): AsyncIterable<Uint8Array> {
  return {
    async *[Symbol.asyncIterator]() {
      for (let p = 0; p < bytes.length;) {
        const n = Math.max(1, Math.min(size(), bytes.length - p));
        taken.n++;
        yield bytes.slice(p, p + n);
        p += n;
        if (taken.n % 64 === 0) await new Promise((r) => setImmediate(r));
      }
    },
  };
}

test(
  'readDicomStream equals parseDicom on every corpus file, fed in random chunks',
  { skip: needTestdata(), timeout: 180_000 },
  async () => {
    const rows = inventory().filter((r) => r.kind === 'dicom' && !r.dup_of);
    const rnd = prng(7);
    // Mostly small chunks, sometimes large ones: log-uniform from 1 byte to 256 KiB.
    const size = (): number => Math.floor(Math.exp(rnd() * Math.log(256 * 1024)));
    const differ: string[] = [];
    let bytewise = 0;
    let total = 0;
    for (const row of rows) {
      const bytes = new Uint8Array(readFileSync(row.abs));
      const expected = summary(() => parseDicom(bytes));
      const ways: [string, () => AsyncIterable<Uint8Array>][] = [
        ['random chunks', () => chunked(bytes, size)],
      ];
      if (bytes.length <= 4096) ways.push(['1-byte chunks', () => chunked(bytes, () => 1)]);
      for (const [how, src] of ways) {
        total += bytes.length;
        if (how === '1-byte chunks') bytewise++;
        const got = await summaryAsync(() => readDicomStream(src()));
        try {
          assert.deepEqual(got, expected);
        } catch (e) {
          differ.push(`${row.path} (${how}): ${(e as Error).message.slice(0, 600)}`);
        }
      }
    }
    console.log(
      `# stream: ${rows.length} files (${bytewise} also byte by byte), ${(total / 2 ** 20).toFixed(1)} MiB streamed`,
    );
    assert.deepEqual(differ, []);
  },
);

test(
  'readDicomStream stops reading the stream where stopBeforePixelData stops',
  { skip: needTestdata() },
  async () => {
    const path = inventory().find((r) => r.path === 'pydicom-data/US1_UNCR.dcm')!.abs;
    const bytes = new Uint8Array(readFileSync(path));
    const options: ReadOptions = { stopBeforePixelData: true };
    const taken = { n: 0 };
    const got = await summaryAsync(() =>
      readDicomStream(
        chunked(bytes, () => 4096, taken),
        options,
      ),
    );
    assert.deepEqual(
      got,
      summary(() => parseDicom(bytes, options)),
    );
    const all = Math.ceil(bytes.length / 4096);
    assert.ok(taken.n <= 4, `took ${taken.n} of ${all} chunks`);
  },
);

test('readDicomStream reads Node streams', { skip: needTestdata() }, async () => {
  for (const name of [
    'pydicom-debian/test_files/MR_small_bigendian.dcm',
    'dicomParser/deflate/report_dfl',
    'pydicom-debian/test_files/JPEG2000.dcm',
  ]) {
    const row = inventory().find((r) => r.path === name)!;
    const expected = summary(() => parseDicom(new Uint8Array(readFileSync(row.abs))));
    assert.deepEqual(
      await summaryAsync(() => readDicomStream(createReadStream(row.abs, { highWaterMark: 1000 }))),
      expected,
      name,
    );
    assert.deepEqual(
      await summaryAsync(() => readDicomStream(Readable.from([readFileSync(row.abs)]))),
      expected,
      name,
    );
  }
  await assert.rejects(readDicomStream(Readable.from([])), (e) => isDicomError(e, 'NOT_DICOM'));
  await assert.rejects(readDicomStream(Readable.from(['text'])), (e) => isDicomError(e, 'IO_ERROR'));
});

test(
  'readDicomFileSync with small windows and bulk references equals parseDicom on every corpus file',
  { skip: needTestdata(), timeout: 120_000 },
  () => {
    const rows = inventory().filter((r) => r.kind === 'dicom' && !r.dup_of);
    const differ: string[] = [];
    let bulk = 0;
    for (const row of rows) {
      const expected = summary(() => parseDicom(new Uint8Array(readFileSync(row.abs))));
      // 1 KiB first read, values of 256 bytes or more left in the file.
      const got = summary(() => {
        const f = readDicomFileSync(row.abs, { chunkSize: 1024, bulkDataThreshold: 256 });
        for (const el of f.dataset) if (el.bulk) bulk++;
        return f;
      });
      try {
        assert.deepEqual(got, expected);
      } catch (e) {
        differ.push(`${row.path}: ${(e as Error).message.slice(0, 600)}`);
      }
    }
    console.log(`# file reader: ${rows.length} files, ${bulk} values left in their files`);
    assert.deepEqual(differ, []);
  },
);
