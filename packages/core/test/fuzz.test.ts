/**
 * Fuzzing the reader (acceptance, issue 2, and ../shared/ROBUSTNESS.md items 1–10 and 12 that concern files):
 * a seeded PRNG mutates real files (bit flips, truncation, length fields set to 0xFFFFFFFF / odd / huge, runs of
 * 00/FF, duplicated pieces) for a bounded number of iterations; plus hostile inputs built from nothing (100,000-deep
 * nesting, a deflate bomb, lengths past the end). Asserted: only DicomError is ever thrown, every input finishes
 * (a watchdog stops a hung worker and names the input), and no input makes the reader allocate more than a small
 * multiple of its size. FUZZ_SEED and FUZZ_ITERATIONS change the run (the seed is printed).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { constants, createDeflateRaw } from 'node:zlib';
import {
  parseDicom,
  writeDicom,
  isDicomError,
  Dataset,
  EncapsulatedPixelData,
  type DicomFile,
} from '../src/index.js';
import { dcmtkReadable, needTestdata } from './shared.js';
import { deepNesting, deepNestingDefined, exercise, explicitElement, part10Header } from './fuzz-lib.js';
import type { FuzzJob, FuzzMessage } from './fuzz-worker.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261126);
const ITERATIONS = Number(process.env.FUZZ_ITERATIONS ?? 40_000);
/** No report from the worker for this long means the current input hangs. */
const WATCHDOG_MS = 10_000;

function code(f: () => unknown): string {
  try {
    f();
    return 'ok';
  } catch (e) {
    if (isDicomError(e)) return e.code;
    throw e;
  }
}

function concat(...parts: (Uint8Array | number[])[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts.map((p) => (p instanceof Uint8Array ? p : Uint8Array.from(p)))));
}

function le32(v: number): number[] {
  return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
}

const EVRLE = '1.2.840.10008.1.2.1';

// First, so that the peak RSS it measures is its own.
test('ROBUSTNESS 9: a deflate bomb is stopped at the inflate cap, not inflated', async () => {
  // 256 MiB of zeros deflate to about 250 KiB: a ratio of ~1000.
  const chunks: Buffer[] = [];
  const d = createDeflateRaw({ level: constants.Z_BEST_COMPRESSION });
  d.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise((r) => d.on('end', r));
  const zeros = Buffer.alloc(1 << 20);
  for (let i = 0; i < 256; i++) d.write(zeros);
  d.end();
  await ended;
  const deflated = Buffer.concat(chunks);
  const file = concat(part10Header('1.2.840.10008.1.2.1.99'), deflated);
  const rssBefore = process.resourceUsage().maxRSS;
  assert.equal(
    code(() => parseDicom(file)),
    'DEFLATE_ERROR',
  );
  const grewKiB = process.resourceUsage().maxRSS - rssBefore;
  console.log(
    `# deflate bomb: ${file.length} bytes (256 MiB inflated) refused; peak RSS grew ${(grewKiB / 1024).toFixed(1)} MiB`,
  );
  // The default cap is 32× the compressed size + 8 MiB (here ~16 MiB): the peak stays near it.
  assert.ok(grewKiB < 96 * 1024, `peak RSS grew ${grewKiB} KiB`);
  // With a cap the caller sets, it is the caller's bound.
  assert.equal(
    code(() => parseDicom(file, { maxInflatedSize: 1 << 20 })),
    'DEFLATE_ERROR',
  );
});

test(
  'mutated corpus files: only DicomError, no hang, bounded memory',
  { skip: needTestdata(), timeout: 240_000 },
  async () => {
    // Every distinct file dcmtk reads, up to 512 KiB (mutating the big ones adds time, not cases).
    const seen = new Set<string>();
    const paths: string[] = [];
    for (const r of dcmtkReadable()) {
      if (statSync(r.abs).size > 512 * 1024) continue;
      const h = createHash('sha1').update(readFileSync(r.abs)).digest('hex');
      if (seen.has(h)) continue;
      seen.add(h);
      paths.push(r.abs);
    }
    const job: FuzzJob = { paths, seed: SEED, iterations: ITERATIONS };
    const worker = new Worker(fileURLToPath(new URL('./fuzz-worker.js', import.meta.url)), {
      workerData: job,
      resourceLimits: { maxOldGenerationSizeMb: 512 },
    });
    const problems: string[] = [];
    let last: Extract<FuzzMessage, { type: 'next' }> | undefined;
    const done = await new Promise<Extract<FuzzMessage, { type: 'done' }> | undefined>((resolve) => {
      let timer = setTimeout(onHang, WATCHDOG_MS);
      function onHang(): void {
        problems.push(`hang: no progress for ${WATCHDOG_MS} ms at ${JSON.stringify(last)} (seed ${SEED})`);
        void worker.terminate();
        resolve(undefined);
      }
      worker.on('message', (m: FuzzMessage) => {
        clearTimeout(timer);
        timer = setTimeout(onHang, WATCHDOG_MS);
        if (m.type === 'next') last = m;
        else if (m.type === 'problem') problems.push(m.message);
        else {
          clearTimeout(timer);
          resolve(m);
        }
      });
      worker.on('error', (e) => {
        clearTimeout(timer);
        problems.push(`worker died at ${JSON.stringify(last)}: ${e.stack ?? String(e)}`);
        resolve(undefined);
      });
    });
    await worker.terminate();
    if (done) {
      console.log(
        `# fuzz: seed ${SEED}, ${ITERATIONS} mutations of ${paths.length} files: ${JSON.stringify(done.kinds)}`,
      );
      console.log(
        `# fuzz outcomes: ${JSON.stringify(done.outcomes)}; ArrayBuffer growth at most ${(done.maxGrowthBytes / 1024).toFixed(0)} KiB, ${done.maxGrowthRatio.toFixed(2)}× for inputs ≥ 64 KiB`,
      );
    }
    assert.deepEqual(problems.slice(0, 20), []);
    assert.ok(done, 'the fuzz worker finished');
  },
);

test('ROBUSTNESS 3: 100,000-deep nested sequences end in NESTING_TOO_DEEP, without recursion trouble', () => {
  for (const [name, bytes] of [
    ['explicit, undefined lengths', deepNesting(100_000, true)],
    ['implicit, undefined lengths', deepNesting(100_000, false)],
    ['explicit, defined lengths', deepNestingDefined(100_000)],
  ] as const) {
    assert.equal(
      code(() => parseDicom(bytes)),
      'NESTING_TOO_DEEP',
      name,
    );
    // Within the limit they are read (the cap is an option).
    assert.equal(
      code(() => parseDicom(deepNesting(50, true))),
      'ok',
    );
  }
  const deep = parseDicom(deepNestingDefined(60));
  let d: Dataset | undefined = deep.dataset;
  let n = 0;
  while (d && d.size) {
    d = d.sequence(0x00081115)[0];
    n++;
  }
  assert.equal(n, 60);
});

test('ROBUSTNESS 1: a length larger than what remains allocates nothing (264-byte file declaring 0xFFFFFFF0 bytes)', () => {
  const file = concat(part10Header(EVRLE), explicitElement(0x00280010, 'US', [2, 0]), [
    0xe0,
    0x7f,
    0x10,
    0x00,
    0x4f,
    0x57,
    0,
    0,
    ...le32(0xfffffff0),
  ]);
  const before = process.memoryUsage().arrayBuffers;
  const f = parseDicom(file);
  assert.ok(process.memoryUsage().arrayBuffers - before < 1 << 20);
  assert.ok(f.warnings.some((w) => w.code === 'TRUNCATED' && /4294967280/.test(w.message)));
  assert.equal(f.dataset.has('PixelData'), false);
  assert.equal(
    code(() => parseDicom(file, { strict: true })),
    'VALUE_TOO_LONG',
  );
  // Inside a sequence item the same length is an error (what follows cannot be trusted).
  const nested = concat(
    part10Header(EVRLE),
    [
      0x08,
      0x00,
      0x15,
      0x11,
      0x53,
      0x51,
      0,
      0,
      ...le32(0xffffffff),
      0xfe,
      0xff,
      0x00,
      0xe0,
      ...le32(0xffffffff),
    ],
    [0x10, 0x00, 0x10, 0x00, 0x50, 0x4e, 0xff, 0xff],
  );
  assert.equal(
    code(() => parseDicom(nested)),
    'VALUE_TOO_LONG',
  );
});

test('ROBUSTNESS 2: undefined length on a VR that forbids it is an error; an odd length a warning', () => {
  const undef = concat(
    part10Header(EVRLE),
    [0x28, 0x00, 0x10, 0x00, 0x4f, 0x42, 0, 0, ...le32(0xffffffff)],
    explicitElement(0x00280011, 'US', [2, 0]),
  );
  // OB (0028,0010) of undefined length is neither a sequence nor Pixel Data.
  assert.equal(
    code(() => parseDicom(undef)),
    'INVALID_LENGTH',
  );
  const odd = concat(part10Header(EVRLE), explicitElement(0x00100010, 'PN', Array.from(Buffer.from('Doe'))));
  const f = parseDicom(odd);
  assert.deepEqual(
    f.warnings.map((w) => w.code),
    ['ODD_LENGTH'],
  );
  assert.equal(f.dataset.string('PatientName'), 'Doe');
});

test('ROBUSTNESS 4: missing delimiters and items longer than their parent', () => {
  const seq = [0x08, 0x00, 0x15, 0x11, 0x53, 0x51, 0, 0];
  const item = (len: number): number[] => [0xfe, 0xff, 0x00, 0xe0, ...le32(len)];
  const value = explicitElement(0x00080050, 'SH', Array.from(Buffer.from('A1')));
  // Undefined-length sequence and item, the input ends without either delimiter: read, with a warning.
  const f1 = parseDicom(concat(part10Header(EVRLE), seq, le32(0xffffffff), item(0xffffffff), value));
  assert.equal(f1.dataset.sequence(0x00081115)[0]!.string('AccessionNumber'), 'A1');
  assert.ok(f1.warnings.some((w) => w.code === 'INVALID_ITEM'));
  // An item of defined length longer than its sequence of defined length: read to the sequence's end, warned.
  const f2 = parseDicom(
    concat(
      part10Header(EVRLE),
      seq,
      le32(8 + value.length),
      item(value.length + 40),
      value,
      explicitElement(0x00100020, 'LO', Array.from(Buffer.from('ID'))),
    ),
  );
  assert.equal(f2.dataset.string('PatientID'), 'ID');
  assert.ok(f2.warnings.some((w) => w.code === 'VALUE_TOO_LONG'));
  // An element running past the end of its item is an error.
  assert.equal(
    code(() =>
      parseDicom(concat(part10Header(EVRLE), seq, le32(8 + value.length), item(value.length - 2), value)),
    ),
    'VALUE_TOO_LONG',
  );
  // A Sequence Delimitation Item in a dataset is an error; a stray Item Delimitation Item a warning.
  assert.equal(
    code(() => parseDicom(concat(part10Header(EVRLE), [0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0], value))),
    'INVALID_ITEM',
  );
  const f3 = parseDicom(concat(part10Header(EVRLE), [0xfe, 0xff, 0x0d, 0xe0, 0, 0, 0, 0], value));
  assert.ok(f3.warnings.some((w) => w.code === 'INVALID_ITEM'));
  assert.equal(f3.dataset.string('AccessionNumber'), 'A1');
});

test('ROBUSTNESS 5: unknown VRs, implicit elements in explicit data, a VR the dictionary disagrees with', () => {
  const zz = concat(
    part10Header(EVRLE),
    [0x09, 0x00, 0x10, 0x10, 0x5a, 0x5a, 0, 0, ...le32(2), 1, 2],
    explicitElement(0x00100020, 'LO', Array.from(Buffer.from('ID'))),
  );
  const f1 = parseDicom(zz);
  assert.equal(f1.dataset.get(0x00091010)!.vr, 'UN');
  assert.equal(f1.dataset.string('PatientID'), 'ID');
  assert.ok(f1.warnings.some((w) => w.code === 'VR_MISMATCH'));
  // An implicit VR element in explicit data (4-byte length where the VR should be).
  const imp = concat(
    part10Header(EVRLE),
    explicitElement(0x00100010, 'PN', Array.from(Buffer.from('Doe^J '))),
    [0x10, 0x00, 0x20, 0x00, ...le32(2), 0x49, 0x44],
    explicitElement(0x00100030, 'DA', Array.from(Buffer.from('20200101'))),
  );
  const f2 = parseDicom(imp);
  assert.equal(f2.dataset.string('PatientID'), 'ID');
  assert.equal(f2.dataset.string('PatientBirthDate'), '20200101');
  assert.ok(f2.warnings.some((w) => w.code === 'IMPLICIT_IN_EXPLICIT'));
  // A VR that is not the dictionary's is kept as written (explicit VR is authoritative).
  const f3 = parseDicom(concat(part10Header(EVRLE), explicitElement(0x00280010, 'SS', [2, 0])));
  assert.equal(f3.dataset.get('Rows')!.vr, 'SS');
  assert.equal(f3.dataset.number('Rows'), 2);
});

test('ROBUSTNESS 6: no preamble, no DICM, a wrong group length, no Transfer Syntax UID', () => {
  const ds = explicitElement(0x00100020, 'LO', Array.from(Buffer.from('ID')));
  const header = part10Header(EVRLE);
  // No preamble: "DICM" first.
  const f1 = parseDicom(concat(header.subarray(128), ds));
  assert.equal(f1.format, 'no-preamble');
  assert.equal(f1.dataset.string('PatientID'), 'ID');
  // No preamble and no DICM: a bare dataset, its encoding detected.
  const f2 = parseDicom(concat(ds));
  assert.equal(f2.format, 'no-meta');
  assert.equal(f2.dataset.string('PatientID'), 'ID');
  // A File Meta group length that is wrong: warned, read as it is.
  const wrong = concat(header, ds);
  new DataView(wrong.buffer).setUint32(132 + 8, 9999, true);
  const f3 = parseDicom(wrong);
  assert.ok(f3.warnings.some((w) => w.code === 'GROUP_LENGTH'));
  assert.equal(f3.dataset.string('PatientID'), 'ID');
  // No Transfer Syntax UID: warned, detected from the data.
  const noTs = concat(
    [...new Array(128).fill(0), 0x44, 0x49, 0x43, 0x4d],
    explicitElement(0x00020001, 'OB', [0, 1]),
    ds,
  );
  const f4 = parseDicom(noTs);
  assert.ok(f4.warnings.some((w) => w.code === 'INVALID_FILE_META'));
  assert.equal(f4.transferSyntax.uid, EVRLE);
  assert.equal(f4.dataset.string('PatientID'), 'ID');
  // Not DICOM at all.
  assert.equal(
    code(() => parseDicom(Uint8Array.from(Buffer.from('%PDF-1.4 not a DICOM file at all, just text.')))),
    'NOT_DICOM',
  );
  assert.equal(
    code(() => parseDicom(new Uint8Array(0))),
    'NOT_DICOM',
  );
});

test('ROBUSTNESS 8: offset-table entries out of range and empty fragments', () => {
  const px = new EncapsulatedPixelData(Uint32Array.from([0, 999_999]), [
    { bytes: Uint8Array.from([0xff, 0xd8, 1, 2]), length: 4 },
    { length: 0, bytes: new Uint8Array(0) },
  ]);
  assert.equal(
    code(() => px.frame(1, 2)),
    'INVALID_VALUE',
  );
  assert.equal(
    code(() => px.frame(5, 2)),
    'INVALID_VALUE',
  );
  const noBot = new EncapsulatedPixelData(new Uint32Array(0), [
    { length: 0, bytes: new Uint8Array(0) },
    { bytes: Uint8Array.from([1, 2]), length: 2 },
  ]);
  assert.equal(
    code(() => noBot.frame(0, 3)),
    'INVALID_VALUE',
  );
  // A Basic Offset Table whose length is not a multiple of 4 is an error.
  const file = concat(part10Header('1.2.840.10008.1.2.4.50'), [
    0xe0,
    0x7f,
    0x10,
    0x00,
    0x4f,
    0x42,
    0,
    0,
    ...le32(0xffffffff),
    0xfe,
    0xff,
    0x00,
    0xe0,
    ...le32(3),
    1,
    2,
    3,
  ]);
  assert.equal(
    code(() => parseDicom(file)),
    'INVALID_LENGTH',
  );
});

test('ROBUSTNESS 12: the preamble is returned, never used, and not written back unless asked', () => {
  const header = part10Header(EVRLE);
  header.set(Buffer.from('MZ\x90\x00 an executable header'), 0);
  const file = concat(
    header,
    explicitElement(0x00080016, 'UI', Array.from(Buffer.from('1.2.840.10008.5.1.4.1.1.7\0'))),
    explicitElement(0x00100020, 'LO', Array.from(Buffer.from('ID'))),
  );
  const f: DicomFile = parseDicom(file);
  assert.equal(Buffer.from(f.preamble!.subarray(0, 2)).toString(), 'MZ');
  const out = writeDicom(f);
  assert.ok(out.subarray(0, 128).every((b) => b === 0));
  assert.equal(exercise(out), 'ok');
});
