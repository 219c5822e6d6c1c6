/**
 * Acceptance, issue 2: every file dcmtk reads, written in Implicit VR LE, Explicit VR LE, Explicit VR BE and
 * Deflated Explicit VR LE (encapsulated files only in their own transfer syntax) and read back, gives the same
 * dataset; dcmtk's dcmdump and pydicom read every written file; a canonical file written back unchanged in its
 * own transfer syntax with `implementation: 'keep'` is byte-identical.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import {
  parseDicom,
  writeDicom,
  isDicomError,
  formatTag,
  lookupTag,
  VR_INFO,
  isPrivateTag,
  Dataset,
  type DicomElement,
  type DicomFile,
  type TransferSyntax,
} from '../src/index.js';
import { elementValueBytes } from '../src/part10/dataset-writer.js';
import { dcmtkReadable, needCommand, needTestdata, type InventoryRow } from './shared.js';
import { ALLOWED, compareElements, digest, ourElements, pydicomDump, PYTHON } from './pydicom-compare.js';

const TARGETS = [
  'ImplicitVRLittleEndian',
  'ExplicitVRLittleEndian',
  'ExplicitVRBigEndian',
  'DeflatedExplicitVRLittleEndian',
];

function describe(e: unknown): string {
  return isDicomError(e) ? e.describe() : e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/** The decoded value in a comparable form, or undefined when its character set is not supported yet. */
function decoded(ds: Dataset, el: DicomElement): string | undefined {
  try {
    const v = ds.value(el.tag);
    if (v instanceof Uint8Array) return digest(v).join(':');
    return JSON.stringify(v, (_k, x: unknown) =>
      typeof x === 'bigint' ? x.toString() : typeof x === 'number' && !Number.isFinite(x) ? String(x) : x,
    );
  } catch (e) {
    if (isDicomError(e, 'INVALID_CHARSET')) return undefined;
    throw e;
  }
}

const DIRECTORY_OFFSETS = new Set([0x00041200, 0x00041202, 0x00041400, 0x00041420]);

/**
 * Differences between a dataset and the same dataset written and read back. In implicit VR the VR is not written,
 * so there it may come back as the dictionary's (PS3.5 §A.1: the reader infers it), or UN for private tags: then
 * the value bytes must still be the same.
 */
export function datasetDiffs(a: Dataset, b: Dataset, implicit: boolean, prefix = ''): string[] {
  const diffs: string[] = [];
  const bt = new Set(b.tags());
  for (const ea of a) {
    const path = prefix + formatTag(ea.tag);
    const eb = b.get(ea.tag);
    bt.delete(ea.tag);
    if (!eb) {
      diffs.push(`${path}: missing after the round trip`);
      continue;
    }
    if (ea.items || eb.items) {
      if (!ea.items || !eb.items || ea.items.length !== eb.items.length) {
        diffs.push(`${path}: ${ea.items?.length} items became ${eb.items?.length}`);
        continue;
      }
      ea.items.forEach((it, i) => diffs.push(...datasetDiffs(it, eb.items![i]!, implicit, `${path}[${i}].`)));
      continue;
    }
    if (ea.encapsulated || eb.encapsulated) {
      const fa = ea.encapsulated?.fragments.map((_, i) =>
        digest(ea.encapsulated!.fragmentBytes(i)).join(':'),
      );
      const fb = eb.encapsulated?.fragments.map((_, i) =>
        digest(eb.encapsulated!.fragmentBytes(i)).join(':'),
      );
      if (
        JSON.stringify(fa) !== JSON.stringify(fb) ||
        String(ea.encapsulated?.basicOffsetTable) !== String(eb.encapsulated?.basicOffsetTable)
      ) {
        diffs.push(`${path}: encapsulated Pixel Data differs`);
      }
      continue;
    }
    if (DIRECTORY_OFFSETS.has(ea.tag)) {
      // DICOMDIR record offsets follow the records to where they are written (checked by pydicom reading them).
      if (eb.vr !== ea.vr) diffs.push(`${path}: VR ${ea.vr} became ${eb.vr}`);
      continue;
    }
    if ((ea.tag & 0xffff) === 0) {
      // Group lengths are recalculated for the output (PS3.5 §7.2): their value follows the encoding.
      if (eb.vr !== 'UL') diffs.push(`${path}: group length read back as ${eb.vr}`);
      continue;
    }
    const sameBytes =
      digest(elementValueBytes(a, ea, true)).join() === digest(elementValueBytes(b, eb, true)).join();
    if (ea.vr !== eb.vr) {
      const dictionaryVRs = lookupTag(ea.tag)?.vrs ?? [];
      // A private tag gets UN, or the VR of a private dictionary entry for its creator; a public one its dictionary VR.
      const inferred =
        implicit &&
        (isPrivateTag(ea.tag) ||
          (eb.vr === 'UN' ? dictionaryVRs.length === 0 : dictionaryVRs.includes(eb.vr)));
      if (!inferred) diffs.push(`${path}: VR ${ea.vr} became ${eb.vr}`);
      else if (!sameBytes) diffs.push(`${path}: value bytes differ (VR ${ea.vr} read back as ${eb.vr})`);
      continue;
    }
    if (!sameBytes) diffs.push(`${path}: value bytes differ`);
    else if (VR_INFO[ea.vr].kind !== 'bytes' && decoded(a, ea) !== decoded(b, eb))
      diffs.push(`${path}: decoded value differs`);
  }
  for (const t of bt) diffs.push(`${prefix}${formatTag(t)}: added by the round trip`);
  return diffs;
}

interface Written {
  row: InventoryRow;
  ts: string;
  path: string;
  back: DicomFile;
}

/** Encapsulated files only in their own transfer syntax (transcoding pixel data is @dicomkit/imaging's job). */
function targetsFor(f: DicomFile): string[] {
  if (f.transferSyntax.encapsulated) return [f.transferSyntax.uid];
  return f.dataset.get(0x7fe00010)?.encapsulated ? [] : TARGETS;
}

/**
 * Canonical: a Part 10 file as dicomkit writes it, so that writing it back unchanged must give the same bytes.
 * Read without any warning; not deflated (zlib output depends on its settings); a File Meta with exactly the
 * elements buildFileMeta keeps, group length first and right, version 00H 01H, SOP Class/Instance equal to the dataset's.
 */
function isCanonical(f: DicomFile, ts: TransferSyntax): boolean {
  if (f.format !== 'part10' || f.warnings.length > 0 || ts.deflated) return false;
  const m = f.meta;
  for (const t of [0x00020000, 0x00020001, 0x00020002, 0x00020003, 0x00020010, 0x00020012])
    if (!m.has(t)) return false;
  if (
    m.string(0x00020002) !== f.dataset.string(0x00080016) ||
    m.string(0x00020003) !== f.dataset.string(0x00080018)
  )
    return false;
  for (const el of m) if (el.length & 1) return false;
  // The writer writes File Meta version 1 (00H 01H), whatever the file had (PS3.10 §7.1).
  const version = m.bytes(0x00020001);
  if (version?.length !== 2 || version[0] !== 0 || version[1] !== 1) return false;
  // Encapsulated Pixel Data is OB (PS3.5 §A.4); the writer writes OB.
  if (f.dataset.get(0x7fe00010)?.encapsulated && f.dataset.get(0x7fe00010)?.vr !== 'OB') return false;
  return true;
}

const skip = needTestdata() || needCommand('dcmdump') || needCommand(PYTHON);

test(
  'round trip of every file dcmtk reads, in every uncompressed transfer syntax and deflate',
  { skip, timeout: 300_000 },
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'dicomkit-roundtrip-'));
    try {
      const rows = dcmtkReadable();
      const problems: string[] = [];
      const written: Written[] = [];
      let canonical = 0;
      let identical = 0;
      let identicalNonCanonical = 0;
      const notIdentical: string[] = [];
      const refused: string[] = [];
      rows.forEach((row, n) => {
        const bytes = readFileSync(row.abs);
        const f = parseDicom(bytes);
        // Unchanged, in its own transfer syntax, keeping the implementation UID: byte-identical when canonical.
        let same: Uint8Array;
        try {
          // The preamble is not carried over by default (it is never trusted, CVE-2019-11687): pass it to keep it.
          same = writeDicom(f, { implementation: 'keep', ...(f.preamble ? { preamble: f.preamble } : {}) });
        } catch (e) {
          // A native transfer syntax with encapsulated Pixel Data (a wrong Transfer Syntax UID) cannot be written as it
          // is: the reader said so, and the writer refuses with a typed error.
          const mislabelled =
            f.warnings.some((w) => w.code === 'UNSUPPORTED_TRANSFER_SYNTAX') &&
            isDicomError(e, 'UNSUPPORTED_TRANSFER_SYNTAX');
          if (mislabelled) refused.push(row.path);
          else problems.push(`${row.path}: rewrite in its own transfer syntax failed: ${describe(e)}`);
          return;
        }
        const isSame = Buffer.compare(Buffer.from(same.buffer, same.byteOffset, same.length), bytes) === 0;
        if (isCanonical(f, f.transferSyntax)) {
          canonical++;
          if (isSame) identical++;
          else notIdentical.push(row.path);
        } else if (isSame) identicalNonCanonical++;
        for (const ts of targetsFor(f)) {
          let out: Uint8Array;
          try {
            out = writeDicom(f, { transferSyntax: ts });
          } catch (e) {
            problems.push(`${row.path} → ${ts}: write failed: ${describe(e)}`);
            continue;
          }
          let back: DicomFile;
          try {
            back = parseDicom(out);
          } catch (e) {
            problems.push(`${row.path} → ${ts}: read back failed: ${describe(e)}`);
            continue;
          }
          if (back.warnings.length)
            problems.push(
              `${row.path} → ${ts}: warnings reading back: ${back.warnings.map((w) => w.code).join(',')}`,
            );
          const implicit = !back.transferSyntax.explicitVR;
          for (const d of datasetDiffs(f.dataset, back.dataset, implicit))
            problems.push(`${row.path} → ${ts}: ${d}`);
          const path = join(dir, `${n}-${ts}.dcm`);
          writeFileSync(path, out);
          written.push({ row, ts, path, back });
        }
      });
      console.log(`# round trip: ${rows.length} files, ${written.length} files written and read back`);
      console.log(
        `# refused with UNSUPPORTED_TRANSFER_SYNTAX (encapsulated Pixel Data under a native Transfer Syntax UID): ${refused.join(', ')}`,
      );
      console.log(
        `# byte-identical rewrite: ${identical}/${canonical} canonical files (and ${identicalNonCanonical} of ${rows.length - canonical} non-canonical)`,
      );

      // dcmtk reads every written file: one dcmdump over all, then one per file only to name a failure.
      const paths = written.map((w) => w.path);
      const dd = spawnSync('dcmdump', ['-q', ...paths], {
        maxBuffer: 1 << 30,
        encoding: 'utf8',
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      if (dd.status !== 0 || /^E:/m.test(dd.stderr)) {
        for (const w of written) {
          const one = spawnSync('dcmdump', [w.path], {
            encoding: 'utf8',
            maxBuffer: 1 << 28,
            stdio: ['ignore', 'ignore', 'pipe'],
          });
          if (one.status !== 0 || /^E:/m.test(one.stderr))
            problems.push(`${w.row.path} → ${w.ts}: dcmdump: ${one.stderr.split('\n')[0]}`);
        }
      }

      // pydicom reads every written file as we read it back.
      const dumps = pydicomDump(paths);
      for (const w of written) {
        const theirs = dumps.get(w.path);
        const isDicomdir = w.back.dataset.has(0x00041220);
        if (isDicomdir && w.ts === 'DeflatedExplicitVRLittleEndian') {
          // PS3.10 §8.6: a DICOMDIR is Explicit VR Little Endian; record offsets in a deflated one mean nothing
          // (pydicom counts them in its own way and fails). Written and read back above; not given to pydicom.
          continue;
        }
        if (!theirs || theirs.error) {
          problems.push(`${w.row.path} → ${w.ts}: pydicom: ${theirs?.error ?? 'no result'}`);
          continue;
        }
        const diffs = [
          ...compareElements(ourElements(w.back.meta), theirs.meta ?? [], 'meta:'),
          ...compareElements(ourElements(w.back.dataset), theirs.ds ?? []),
        ];
        for (const d of diffs) {
          if (d.what === 'charset-pending' || ALLOWED.some((a) => a.match(d, w.row.path, theirs))) continue;
          problems.push(
            `${w.row.path} → ${w.ts}: pydicom ${d.path} ${d.what}: ours ${JSON.stringify(d.ours)?.slice(0, 160)} pydicom ${JSON.stringify(d.theirs)?.slice(0, 160)}`,
          );
        }
      }
      if (process.env.DEBUG_ROUNDTRIP)
        writeFileSync(
          process.env.DEBUG_ROUNDTRIP,
          [...problems, ...notIdentical.map((p) => `not identical: ${p}`)].join('\n'),
        );
      assert.deepEqual({ problems, notIdentical }, { problems: [], notIdentical: [] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test('the round-trip comparison sees a changed value, a missing element, a changed VR and a changed item', () => {
  const make = (): Dataset => {
    const ds = new Dataset();
    ds.set('PatientID', undefined, 'A');
    ds.set('Rows', undefined, 2);
    const item = new Dataset();
    item.set('CodeValue', undefined, 'X');
    ds.set('AnatomicRegionSequence', undefined, [item]);
    return ds;
  };
  const read = (ds: Dataset): Dataset => parseDicom(writeDicom({ dataset: ds })).dataset;
  assert.deepEqual(datasetDiffs(read(make()), read(make()), false), []);
  const changed = make();
  changed.set('PatientID', undefined, 'B');
  changed.delete('Rows');
  changed.sequence('AnatomicRegionSequence')[0]!.set('CodeValue', undefined, 'Y');
  changed.set('PatientName', 'LO', 'Z');
  const other = make();
  other.set('PatientName', 'PN', 'Z');
  const diffs = datasetDiffs(read(other), read(changed), false);
  assert.deepEqual(diffs.map((d) => d.split(':')[0]).sort(), [
    '(0008,2218)[0].(0008,0100)',
    '(0010,0010)',
    '(0010,0020)',
    '(0028,0010)',
  ]);
});
