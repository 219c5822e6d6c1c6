/**
 * Acceptance, issue 2: dciodvfy (dicom3tools) accepts the files dicomkit writes. Every file dcmtk reads is written
 * in its own transfer syntax and, when native, in Explicit VR Little Endian; dciodvfy checks the original and the
 * written file. The written file must have no encoding message (File Meta, group lengths, value lengths, padding,
 * VRs, delimitation: see dciodvfy-compare.ts) that the original did not have, none at all about the File Meta and
 * group lengths (the writer makes them), and no more errors than the original.
 * A Secondary Capture built from nothing with Dataset.set is written in three transfer syntaxes and must get
 * no encoding message at all.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Dataset, parseDicom, writeDicom, isDicomError, type DicomFile } from '../src/index.js';
import { dcmtkReadable, needCommand, needTestdata } from './shared.js';
import {
  classify,
  dciodvfy,
  dciodvfyAll,
  errorCount,
  isAlwaysOurs,
  metaCopyAsDataset,
  newMessages,
  parseOutput,
  type Report,
} from './dciodvfy-compare.js';

const EXPLICIT_LE = '1.2.840.10008.1.2.1';
const skip = needTestdata() || needCommand('dciodvfy');

interface Written {
  source: string;
  original: string;
  ts: string;
  path: string;
}

/** Own transfer syntax, and Explicit VR LE for native data; none for dciodvfy's blind spot (deflate, see below). */
function targetsFor(f: DicomFile): string[] {
  const own = f.transferSyntax.uid;
  if (f.transferSyntax.encapsulated) return [own];
  // dicom3tools cannot inflate: a deflated file is checked as it is written in Explicit VR LE.
  const out = f.transferSyntax.deflated ? [] : [own];
  if (own !== EXPLICIT_LE) out.push(EXPLICIT_LE);
  return out;
}

/** Counts a message with its numbers and values blanked, for the summary. */
function tally(counts: Map<string, number>, text: string): void {
  const key = text.replace(/0x[0-9a-f]+/g, 'N').replace(/<[^>]*>/g, '<>');
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

const show = (r: Report): string => `${errorCount(r)} errors${r.aborted ? ', aborted' : ''}`;

test(
  'dciodvfy finds no new encoding problem and no more errors in every file dcmtk reads, written back',
  { skip, timeout: 180_000 },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dicomkit-dciodvfy-'));
    try {
      const rows = dcmtkReadable();
      const written: Written[] = [];
      const refused: string[] = [];
      const problems: string[] = [];
      const deflated = new Set<string>();
      rows.forEach((row, n) => {
        const f = parseDicom(readFileSync(row.abs));
        if (f.transferSyntax.deflated) deflated.add(row.abs);
        for (const ts of targetsFor(f)) {
          let out: Uint8Array;
          try {
            out = writeDicom(f, { transferSyntax: ts });
          } catch (e) {
            // Encapsulated Pixel Data under a native Transfer Syntax UID: refused with a typed error (round-trip.test.ts).
            if (isDicomError(e, 'UNSUPPORTED_TRANSFER_SYNTAX')) refused.push(row.path);
            else problems.push(`${row.path} → ${ts}: write failed: ${String(e)}`);
            continue;
          }
          const path = join(dir, `${n}-${ts}.dcm`);
          writeFileSync(path, out);
          written.push({ source: row.path, original: row.abs, ts, path });
        }
      });
      const reports = await dciodvfyAll([...rows.map((r) => r.abs), ...written.map((w) => w.path)]);

      let compared = 0;
      let noNewErrors = 0;
      let fewerErrors = 0;
      const abortedOriginal = new Set<string>();
      const partlyRead = new Set<string>();
      const encodingFixed = new Map<string, number>();
      const encodingKept = new Map<string, number>();
      for (const w of written) {
        const o = reports.get(w.original)!;
        const r = reports.get(w.path)!;
        const label = `${w.source} → ${w.ts}`;
        if (o.aborted) abortedOriginal.add(w.source);
        if (r.aborted && !o.aborted) {
          problems.push(`${label}: dciodvfy aborted on the written file, not on the original`);
          continue;
        }
        // Encoding: nothing the original did not have (in a deflated original dciodvfy reads only the File Meta), and
        // nothing at all about the File Meta and group lengths, which the writer makes itself.
        const added = newMessages(o, r);
        for (const m of added)
          if (m.kind === 'encoding') problems.push(`${label}: new encoding ${m.severity}: ${m.text}`);
        for (const m of r.messages)
          if (m.kind === 'encoding' && isAlwaysOurs(m.text) && !added.includes(m))
            problems.push(`${label}: encoding ${m.severity} kept from the original: ${m.text}`);
        for (const m of newMessages(r, o))
          if (m.kind === 'encoding' && !deflated.has(w.original)) tally(encodingFixed, m.text);
        for (const m of r.messages)
          if (m.kind === 'encoding' && !added.includes(m)) tally(encodingKept, m.text);
        // Content: comparable when dciodvfy read the whole original and the whole written file.
        if (o.aborted || r.aborted || deflated.has(w.original) || o.partlyRead || r.partlyRead) {
          if (!o.aborted && !deflated.has(w.original)) partlyRead.add(w.source);
          continue;
        }
        compared++;
        if (errorCount(r) > errorCount(o)) {
          problems.push(
            `${label}: ${show(r)}, the original ${show(o)}: ${newMessages(o, r)
              .filter((m) => m.severity === 'Error')
              .map((m) => m.text)
              .join(' | ')}`,
          );
        } else {
          noNewErrors++;
          if (errorCount(r) < errorCount(o)) fewerErrors++;
        }
      }
      console.log(
        `# dciodvfy: ${rows.length} files dcmtk reads, ${written.length} written (${refused.length} refused: ${refused.join(', ')})`,
      );
      console.log(
        `# dciodvfy: ${compared} written files compared with their original: ${noNewErrors} with no more errors (${fewerErrors} with fewer)`,
      );
      console.log(
        `# dciodvfy: not comparable: ${abortedOriginal.size} originals on which dciodvfy aborts (${[...abortedOriginal].join(', ')}); ${deflated.size} deflated originals (dicom3tools cannot inflate); ${partlyRead.size} that dciodvfy reads only in part (${[...partlyRead].join(', ')})`,
      );
      console.log(
        `# dciodvfy: encoding messages of the originals gone in the written files: ${[...encodingFixed].map(([t, n]) => `${n}× ${t}`).join(' | ')}`,
      );
      console.log(
        `# dciodvfy: encoding messages inherited from the originals (values kept as they were): ${[...encodingKept].map(([t, n]) => `${n}× ${t}`).join(' | ')}`,
      );
      assert.deepEqual(problems, []);
      assert.ok(compared > 200, `only ${compared} files could be compared`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

/** A UID under the 2.25 root (PS3.5 §B.2): a random 128-bit number as a decimal integer. */
function newUid(): string {
  return `2.25.${BigInt(`0x${randomBytes(16).toString('hex')}`)}`;
}

/** A minimal Secondary Capture Image (PS3.3 §A.8.1), every Type 1 and 2 attribute set, odd-length values on purpose. */
function secondaryCapture(): Dataset {
  const ds = new Dataset();
  ds.set('SpecificCharacterSet', undefined, 'ISO_IR 100');
  ds.set('ImageType', undefined, ['DERIVED', 'SECONDARY']);
  ds.set('SOPClassUID', undefined, '1.2.840.10008.5.1.4.1.1.7');
  ds.set('SOPInstanceUID', undefined, newUid());
  ds.set('StudyDate', undefined, '20240102');
  ds.set('StudyTime', undefined, '101112');
  ds.set('AccessionNumber', undefined, 'A1'); // even
  ds.set('Modality', undefined, 'OT');
  ds.set('ConversionType', undefined, 'WSD');
  ds.set('ReferringPhysicianName', undefined, 'Doe^Jane^^Dr'); // even
  ds.set('PatientName', undefined, 'Müller^Jörg'); // odd in ISO_IR 100: padded with a space
  ds.set('PatientID', undefined, 'ABC'); // odd: padded with a space
  ds.set('PatientBirthDate', undefined, '19700101');
  ds.set('PatientSex', undefined, 'O');
  ds.set('StudyInstanceUID', undefined, '1.2.3'); // odd: padded with NUL (PS3.5 §9.1)
  ds.set('SeriesInstanceUID', undefined, newUid());
  ds.set('StudyID', undefined, '7');
  ds.set('SeriesNumber', undefined, 1);
  ds.set('Laterality', undefined, []); // Type 2C: empty (dciodvfy asks for it whenever it is absent)
  ds.set('InstanceNumber', undefined, 1);
  ds.set('PatientOrientation', undefined, ['A', 'F']);
  ds.set('SamplesPerPixel', undefined, 1);
  ds.set('PhotometricInterpretation', undefined, 'MONOCHROME2');
  ds.set('Rows', undefined, 3);
  ds.set('Columns', undefined, 3);
  ds.set('BitsAllocated', undefined, 8);
  ds.set('BitsStored', undefined, 8);
  ds.set('HighBit', undefined, 7);
  ds.set('PixelRepresentation', undefined, 0);
  ds.set('PixelData', 'OB', new Uint8Array([0, 32, 64, 96, 128, 160, 192, 224, 255])); // 9 bytes: padded with 0
  return ds;
}

test(
  'a Secondary Capture built with Dataset.set gets no encoding message from dciodvfy in any transfer syntax',
  { skip: needCommand('dciodvfy') },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dicomkit-dciodvfy-sc-'));
    try {
      const ds = secondaryCapture();
      // The padding itself (PS3.5 §6.2): a space after text, NUL after a UID, 00H after OB.
      const back = parseDicom(writeDicom({ dataset: ds })).dataset;
      assert.deepEqual([...back.get('PatientID')!.raw!], [...Buffer.from('ABC ')]);
      assert.deepEqual([...back.get('StudyInstanceUID')!.raw!], [...Buffer.from('1.2.3\0')]);
      assert.deepEqual([...back.get('PixelData')!.raw!].slice(8), [255, 0]);
      for (const ts of ['ExplicitVRLittleEndian', 'ImplicitVRLittleEndian', 'ExplicitVRBigEndian']) {
        const path = join(dir, `${ts}.dcm`);
        writeFileSync(path, writeDicom({ dataset: ds }, { transferSyntax: ts }));
        const r = await dciodvfy(path);
        assert.equal(r.aborted, false, ts);
        assert.deepEqual(
          r.messages.filter((m) => m.kind === 'encoding').map((m) => m.text),
          [],
          ts,
        );
        // Nothing else either: the object is complete, so dciodvfy finds no error at all.
        assert.deepEqual(
          r.messages.filter((m) => m.severity === 'Error').map((m) => m.text),
          [],
          ts,
        );
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test('dciodvfy messages are sorted into encoding and content', () => {
  const encoding = [
    'Warning - Bad group length - Group 0x8 specified as 0x216 actually 0x26e',
    'Warning - Bad FileMetaInformationVersion Attribute - wrong VR, length or not 0x00,0x01',
    'Error - Missing attribute Type 1 Required Element=<MediaStorageSOPClassUID> Module=<FileMetaInformation>',
    'Error - MediaStorageSOPInstanceUID different from SOPInstanceUID',
    'Error - Illegal root for UID - "999.999" in (0x0002,0x0012) Implementation Class UID',
    "Error - Value invalid for this VR - (0x0002,0x0013) SH Implementation Version Name  SH - Trailing character invalid for this VR = '' (0)",
    "Error - Value invalid for this VR - (0x0008,0x0050) SH Accession Number  SH - Trailing character invalid for this VR = '' (0)",
    "Error - Value invalid for this VR - (0x0020,0x000d) UI Study Instance UID  UI - Trailing character invalid for this VR = ' ' (0x20)",
    '(0x58ed,0x6edd)  ?  - Error - Bad Value Length - not a multiple of 2 - VL is 0x1e1646db should be 0x1e1646dc',
    '(0x0028,0x0120) XS Pixel Padding Value Error - Tag read failed - Implicit VR encoding even though supposed to be explicit',
    'Error - Invalid Value Representation - Pixel Data - VR = OB, Explicit VR, Bits Allocated = 16 exceeds 8',
    'Error - Undefined value length of other byte/word element is illegal in non-encapsulated transfer syntax',
    '(0x0004,0x1220) SQ Directory Record Sequence  - Error - Bad Explicit Value Length for Sequence Item - actual length 0xe0 not equal to specified length 0xf8',
    'Warning - UnexpectedSequenceDelimiterInFixedLengthSequence',
  ];
  const content = [
    'Error - Missing attribute Type 2C Conditional Element=<Laterality> Module=<GeneralSeries>',
    'Error - Information Object Not found',
    "Error - Value invalid for this VR - (0x0008,0x0020) DA Study Date  DA [1] = <2004.01.02> - Character invalid for this VR = '.' (0x2e)",
    'Error - Illegal root for UID - "9.99.999.9999" in (0x0002,0x0003) Media Storage SOP Instance UID',
    'Error - MediaStorageSOPInstanceUID but missing SOPInstanceUID and not a directory',
    '(0x2005,0x1003)  ?  - Warning - Unrecognized tag - explicit value representation is UN',
    "Warning - Value dubious for this VR - (0x0010,0x0010) PN Patient's Name  PN [1] = <Anonymous> - Retired Person Name form",
  ];
  assert.deepEqual(
    encoding.filter((t) => classify(metaCopyAsDataset(t)) !== 'encoding'),
    [],
  );
  assert.deepEqual(
    content.filter((t) => classify(metaCopyAsDataset(t)) !== 'content'),
    [],
  );
  // The File Meta copy of a bad SOP Instance UID is the same message as the dataset element's.
  assert.equal(
    metaCopyAsDataset(
      'Error - Illegal root for UID - "9.99" in (0x0002,0x0003) Media Storage SOP Instance UID',
    ),
    'Error - Illegal root for UID - "9.99" in (0x0008,0x0018) SOP Instance UID',
  );
  const o = parseOutput('MRImage\nError - A\nWarning - B\nError - A\n', false);
  const w = parseOutput('Error - A\nError - C\nWarning - Bad group length - Group 0x8\n', false);
  assert.deepEqual(
    newMessages(o, w).map((m) => `${m.kind} ${m.text}`),
    ['content Error - C', 'encoding Warning - Bad group length - Group 0x8'],
  );
  assert.equal(errorCount(o), 2);
  assert.equal(parseOutput('Error - Dicom dataset read failed\n', false).partlyRead, true);
  // A Media Storage SOP Instance UID the writer could not copy, because the dataset has none, is the object's fault.
  const missing =
    'Error - Missing attribute Type 1 Required Element=<MediaStorageSOPInstanceUID> Module=<FileMetaInformation>';
  assert.equal(parseOutput(`${missing}\n`, false).messages[0]!.kind, 'encoding');
  const both = parseOutput(
    `${missing}\nError - Missing attribute Type 1 Required Element=<SOPInstanceUID> Module=<SOPCommon>\n`,
    false,
  );
  assert.deepEqual(
    both.messages.map((m) => m.kind),
    ['content', 'content'],
  );
  assert.equal(
    isAlwaysOurs('Warning - Bad group length - Group 0x8 specified as 0x216 actually 0x26e'),
    true,
  );
  assert.equal(
    isAlwaysOurs('Error - Missing attribute Type 2C Conditional Element=<Laterality> Module=<GeneralSeries>'),
    false,
  );
});
