/**
 * Acceptance, issue 2: the files dcmtk rejects (inventory dcmdump_rc ≠ 0, DICOM or not) end as a dataset with
 * warnings or as a typed DicomError; none crashes, hangs, or allocates more than a small multiple of its size.
 * Plus the cases dcmtk reads and we once failed on, each with what we now make of it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDicom, isDicomError, type DicomFile } from '../src/index.js';
import { readDicomFileSync } from '../src/node/index.js';
import { inventory, needTestdata, TESTDATA } from './shared.js';

const skip = needTestdata();

type Outcome = { file: DicomFile } | { error: string };

/** Parses and decodes every value; a DicomError is an outcome, anything else is a crash and propagates. */
function outcome(read: () => DicomFile): Outcome {
  try {
    const file = read();
    for (const el of file.dataset) {
      try {
        file.dataset.value(el.tag);
      } catch (e) {
        if (!isDicomError(e)) throw e;
      }
    }
    return { file };
  } catch (e) {
    if (isDicomError(e)) return { error: e.code };
    throw e;
  }
}

/** Files dcmtk rejects that we read without a warning, and why that is right. */
const READ_CLEANLY: Record<string, string> = {
  'dcm4che/dcm4che-test-data/src/main/resources/no_preamble_dicm_in_data':
    'an Explicit VR LE dataset without preamble or File Meta whose data holds "DICM" at byte 128; dcmtk takes that ' +
    'for the prefix and reads garbage. The first bytes are a valid (0008,0005) CS element and no (0002,xxxx) follows ' +
    'the "DICM", so it is read as a bare dataset (PS3.10 §7.1: a File Meta group follows the prefix).',
};

test(
  'files dcmtk rejects end as a dataset with warnings or a typed error',
  { skip, timeout: 120_000 },
  () => {
    const rows = inventory().filter((r) => r.dcmdump_rc !== '0');
    const problems: string[] = [];
    const counts = { warnings: 0, errors: 0, clean: 0 };
    let maxGrowth = 0;
    let worst = '';
    for (const row of rows) {
      const bytes = readFileSync(row.abs);
      for (const [how, read] of [
        ['memory', () => parseDicom(bytes)],
        ['file', () => readDicomFileSync(row.abs)],
      ] as const) {
        const before = process.memoryUsage().arrayBuffers;
        let o: Outcome;
        try {
          o = outcome(read);
        } catch (e) {
          problems.push(`${row.path} (${how}): crashed: ${e instanceof Error ? e.stack : String(e)}`);
          continue;
        }
        const growth = process.memoryUsage().arrayBuffers - before;
        if (growth / Math.max(bytes.length, 1) > maxGrowth) {
          maxGrowth = growth / Math.max(bytes.length, 1);
          worst = `${row.path} (${how}, ${bytes.length} bytes)`;
        }
        // Reading from memory makes views (no copies); from a file, one read of at most the file's size.
        if (growth > 4 * bytes.length + (1 << 20))
          problems.push(
            `${row.path} (${how}): ${growth} bytes of ArrayBuffers for a ${bytes.length}-byte input`,
          );
        if (how === 'file') continue;
        if ('error' in o) counts.errors++;
        else if (o.file.warnings.length > 0) counts.warnings++;
        else if (READ_CLEANLY[row.path]) counts.clean++;
        else
          problems.push(
            `${row.path}: read without any warning (${o.file.dataset.size} elements) although dcmtk rejects it`,
          );
      }
    }
    console.log(
      `# ${rows.length} files dcmtk rejects: ${counts.warnings} read with warnings, ${counts.errors} typed errors, ${counts.clean} read cleanly (explained); ArrayBuffer growth at most ${maxGrowth.toFixed(2)}× the input (${worst})`,
    );
    assert.deepEqual(problems, []);
  },
);

test('DICOMDIR-nooffset (its last record runs past its sequence) reads as dcmtk reads it', { skip }, () => {
  const f = parseDicom(
    readFileSync(join(TESTDATA, 'pydicom-debian/test_files/dicomdirtests/DICOMDIR-nooffset')),
  );
  const records = f.dataset.sequence('DirectoryRecordSequence');
  assert.equal(records.length, 52);
  assert.equal(records[51]!.string('ReferencedFileID'), '98892003');
  assert.deepEqual(records[51]!.strings('ReferencedFileID'), ['98892003', 'MR700', '4648']);
  assert.ok(f.warnings.some((w) => w.code === 'VALUE_TOO_LONG' && w.tagPath === '(0004,1220)[51]'));
  assert.throws(
    () =>
      parseDicom(readFileSync(join(TESTDATA, 'pydicom-debian/test_files/dicomdirtests/DICOMDIR-nooffset')), {
        strict: true,
      }),
    (e) => isDicomError(e, 'VALUE_TOO_LONG'),
  );
});

test(
  'Tag-0040-A170-VR-CS.dcm: an implicit VR element the dictionary calls SQ that holds text is read as UN',
  { skip },
  () => {
    const f = parseDicom(
      readFileSync(join(TESTDATA, 'dcm4che/dcm4che-test-data/src/main/resources/Tag-0040-A170-VR-CS.dcm')),
    );
    const w = f.warnings.find((x) => x.code === 'VR_MISMATCH');
    assert.ok(w, 'a VR_MISMATCH warning');
    assert.match(w.tagPath ?? '', /\(0040,A170\)$/);
    const item = f.dataset.sequence(0x0040a020)[0]!.sequence(0x0040a730)[0]!;
    const el = item.get(0x0040a170)!;
    assert.equal(el.vr, 'UN');
    assert.ok(el.length > 0);
  },
);

test(
  'the 3 GB truncated dcm4che file gives its header and a TRUNCATED warning, and allocates nothing for the pixels',
  { skip },
  () => {
    const path = join(TESTDATA, 'dcm4che/dcm4che-test-data/src/main/resources/3gb-bulk-data-truncated');
    const before = process.memoryUsage().arrayBuffers;
    const f = readDicomFileSync(path);
    assert.ok(process.memoryUsage().arrayBuffers - before < 4 << 20);
    assert.equal(f.dataset.number('Rows'), 32768);
    assert.ok(!f.dataset.has('PixelData'));
    const w = f.warnings.find((x) => x.code === 'TRUNCATED');
    assert.ok(w);
    assert.match(w.message, /3221225472/);
    assert.throws(
      () => readDicomFileSync(path, { strict: true }),
      (e) => isDicomError(e, 'VALUE_TOO_LONG'),
    );
  },
);
