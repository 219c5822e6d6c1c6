/**
 * The Native DICOM Model against dcmtk: fromXml reads what `dcm2xml -nat` writes for every file dcmtk reads,
 * and the dataset it gives equals the one read from the file (compared as DICOM JSON, with the same rules as
 * the dcm2json test). This checks our XML reader on a peer's documents, private creators included.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import {
  parseDicom,
  toJson,
  fromXml,
  isDicomError,
  parseEncapsulated,
  decodeBase64,
  encodeBase64,
  type DicomJson,
} from '../src/index.js';
import {
  compare,
  describe,
  READER_GAPS,
  RULES,
  sameBinary,
  type Difference,
  type Rule,
} from './dicom-json-compare.js';
import { isPrivateTag, swapBytes, VR_INFO, type DicomJsonAttribute } from '../src/index.js';

/** Differences that come from dcm2xml 3.6.7 itself, each checked against the bytes. */
const XML_RULES: Rule[] = [
  {
    name: 'dcm2xml-big-endian-binary',
    why: 'dcm2xml 3.6.7 writes OW/OF/OD/OL/OV InlineBinary big endian; we write little endian as dcm2json does (PS3.18 §F.2.7 applies PS3.5 byte order; DICOMweb metadata is little endian)',
    matches: (d) => {
      if (d.kind !== 'value' || !d.ours?.InlineBinary || !d.theirs?.InlineBinary) return false;
      const unit = VR_INFO[d.ours.vr].unitSize;
      if (unit < 2) return false;
      const swapped: DicomJsonAttribute = {
        vr: d.theirs.vr,
        InlineBinary: encodeBase64(swapBytes(decodeBase64(d.theirs.InlineBinary), unit)),
      };
      return sameBinary(d.ours, swapped);
    },
  },
  {
    name: 'dcm2xml-phonetic-copy',
    why: "dcm2xml 3.6.7 writes a PN's Ideographic group again as Phonetic when the Phonetic group is empty",
    matches: (d) => {
      if (d.kind !== 'value' || d.ours?.vr !== 'PN') return false;
      const o = (d.ours.Value ?? []) as Record<string, string>[];
      const t = (d.theirs?.Value ?? []) as Record<string, string>[];
      return (
        o.length === t.length &&
        o.every(
          (x, i) =>
            !x?.Phonetic &&
            t[i]?.Phonetic === t[i]?.Ideographic &&
            x?.Alphabetic === t[i]?.Alphabetic &&
            x?.Ideographic === t[i]?.Ideographic,
        )
      );
    },
  },
  {
    name: 'dcm2xml-adds-charset',
    why: 'dcm2xml +U8 adds (0008,0005) "ISO_IR 192" where the source had none; PS3.18 §F.2.2 Note 3 keeps the source\'s',
    matches: (d) => d.tag === 0x00080005 && d.kind === 'missing' && d.theirs?.Value?.[0] === 'ISO_IR 192',
  },
];

/** Removes every private element, at every level (dcm2xml cannot write private elements whose creator it does not find). */
function withoutPrivate(json: DicomJson): void {
  for (const k of Object.keys(json)) {
    if (isPrivateTag(parseInt(k, 16) >>> 0)) delete json[k];
    else for (const v of json[k]!.vr === 'SQ' ? (json[k]!.Value ?? []) : []) withoutPrivate(v as DicomJson);
  }
}
import { dcmtkReadable, needCommand, needTestdata } from './shared.js';

test(
  'fromXml reads what dcm2xml -nat writes, and it equals the file',
  { skip: needTestdata() || needCommand('dcm2xml') },
  () => {
    const rows = dcmtkReadable();
    let identical = 0;
    let explained = 0;
    let encapsulated = 0;
    const byRule = new Map<string, number>();
    const unexplained: string[] = [];
    const dcmtkFailed: string[] = [];
    let charsetPending = 0;
    let privateDropped = 0;
    for (const row of rows) {
      if (READER_GAPS[row.path]) continue;
      let ours: DicomJson;
      try {
        ours = toJson(parseDicom(readFileSync(row.abs)).dataset);
      } catch (e) {
        if (isDicomError(e, 'INVALID_CHARSET')) charsetPending++;
        else unexplained.push(`${row.path}: toJson failed: ${isDicomError(e) ? e.describe() : String(e)}`);
        continue;
      }
      // +U8: UTF-8 text (our reader reads UTF-8 only); +Eb: binary values inline as base64.
      const r = spawnSync('dcm2xml', ['-nat', '+U8', '+Eb', row.abs], {
        encoding: 'utf8',
        maxBuffer: 1 << 30,
      });
      if (r.status !== 0) {
        dcmtkFailed.push(
          `${row.path}: ${
            r.stderr
              .trim()
              .split('\n')
              .filter((l) => !l.startsWith('W:'))[0] ?? `exit ${r.status}`
          }`,
        );
        continue;
      }
      let theirs: DicomJson;
      try {
        theirs = toJson(fromXml(r.stdout));
      } catch (e) {
        unexplained.push(
          `${row.path}: fromXml failed on dcm2xml's output: ${isDicomError(e) ? e.describe() : String(e)}`,
        );
        continue;
      }
      if (/Cannot write private creator/.test(r.stderr)) {
        withoutPrivate(ours);
        withoutPrivate(theirs);
        privateDropped++;
      }
      const px = ours['7FE00010']?.InlineBinary;
      if (px && parseEncapsulated(decodeBase64(px)) && theirs['7FE00010']?.InlineBinary === undefined) {
        // dcm2xml 3.6.7 writes an empty InlineBinary for encapsulated Pixel Data; ours is its Value Field.
        delete ours['7FE00010'];
        delete theirs['7FE00010'];
        encapsulated++;
      }
      const diffs: Difference[] = [];
      compare(ours, theirs, '', diffs);
      if (diffs.length === 0) {
        identical++;
        continue;
      }
      let fileExplained = true;
      for (const d of diffs) {
        const rule = [...RULES, ...XML_RULES].find((x) => x.matches(d));
        if (rule) byRule.set(rule.name, (byRule.get(rule.name) ?? 0) + 1);
        else {
          fileExplained = false;
          unexplained.push(`${row.path}: ${describe(d)}`);
        }
      }
      if (fileExplained) explained++;
    }
    console.log(
      `# dcm2xml -nat: ${identical}/${rows.length} identical, ${explained} with explained differences, ` +
        `${Object.keys(READER_GAPS).length} reader gaps, ${charsetPending} pending character sets, ${dcmtkFailed.length} dcm2xml failures, ` +
        `${unexplained.length} unexplained differences; ${encapsulated} without encapsulated Pixel Data (dcm2xml leaves it empty), ${privateDropped} without private elements (dcm2xml lost their creators)`,
    );
    for (const [name, n] of byRule)
      console.log(`#   ${name}: ${n} — ${[...RULES, ...XML_RULES].find((x) => x.name === name)!.why}`);
    for (const f of dcmtkFailed) console.log(`#   dcm2xml failed: ${f}`);
    for (const u of unexplained) console.log(`# U ${u}`);
    assert.deepEqual(unexplained.slice(0, 40), []);
    assert.ok(identical + explained > rows.length / 2, 'most files compared');
  },
);
