/**
 * The data dictionary (generated from pydicom-derived/dicom_dict.json, edition 2024d) against two independent
 * sources: fo-dicom's "DICOM Dictionary.xml" (2024c) and innolitics' attributes.json (2024b). Every difference
 * (tag present in one only; keyword, VR, VM or retired status) must fall in a reviewed category below, and each
 * category's size is asserted, so a new difference (or a regenerated dictionary) fails until it is reviewed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import {
  allAttributes,
  lookupKeyword,
  lookupPrivate,
  lookupTag,
  lookupUid,
  lookupUidKeyword,
  parseDicom,
  tagForKeyword,
  uidsOfType,
  knownPrivateCreators,
} from '../src/index.js';
import { needCommand, needTestdata, SHARED, TESTDATA } from './shared.js';

const STD = join(SHARED, 'dicom-standard');

function needStandard(): string | false {
  if (
    existsSync(join(STD, 'innolitics/attributes.json')) &&
    existsSync(join(STD, 'fo-dicom/DICOM Dictionary.xml'))
  )
    return false;
  const msg = `../shared/dicom-standard not found at ${STD}: skipped`;
  console.log(`# SKIP ${msg}`);
  return msg;
}

interface Row {
  keyword: string;
  vr: string;
  vm: string;
  retired: boolean;
}

const hex8 = (n: number): string => n.toString(16).toUpperCase().padStart(8, '0');

/** Our dictionary keyed as "GGGGEEEE", with X for the free digits of repeating groups ("60XX3000"). */
function ours(): Map<string, Row> {
  const m = new Map<string, Row>();
  for (const e of allAttributes()) {
    let k = hex8(e.tag);
    if (e.mask !== undefined) {
      const mask = hex8(e.mask);
      k = [...k].map((c, i) => (mask[i] === '0' ? 'X' : c)).join('');
    }
    m.set(k, { keyword: e.keyword, vr: e.vrs.join('|'), vm: e.vm, retired: e.retired });
  }
  return m;
}

function foDicom(): Map<string, Row> {
  const xml = readFileSync(join(STD, 'fo-dicom/DICOM Dictionary.xml'), 'utf8');
  const m = new Map<string, Row>();
  for (const [, attrs] of xml.matchAll(/<tag ([^>]*)>/g)) {
    const a = Object.fromEntries([...attrs!.matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1]!, x[2]!]));
    m.set((a.group! + a.element!).toUpperCase(), {
      keyword: a.keyword ?? '',
      vr: (a.vr ?? '').replace(/\//g, '|'),
      vm: a.vm ?? '',
      retired: a.retired === 'true',
    });
  }
  return m;
}

function innolitics(): Map<string, Row> {
  const rows = JSON.parse(readFileSync(join(STD, 'innolitics/attributes.json'), 'utf8')) as {
    tag: string;
    keyword: string;
    valueRepresentation: string;
    valueMultiplicity: string;
    retired: string;
  }[];
  const m = new Map<string, Row>();
  for (const a of rows)
    m.set(a.tag.replace(/[(),]/g, '').toUpperCase(), {
      keyword: a.keyword,
      vr: a.valueRepresentation.replace(/ or /g, '|'),
      vm: a.valueMultiplicity,
      retired: a.retired === 'Y',
    });
  return m;
}

type Kind = 'only-ours' | 'only-theirs' | 'keyword' | 'vr' | 'vm' | 'retired';
interface Difference {
  kind: Kind;
  tag: string;
  ours: Row | undefined;
  theirs: Row | undefined;
}

function diff(a: Map<string, Row>, b: Map<string, Row>): Difference[] {
  const out: Difference[] = [];
  for (const [tag, r] of a) {
    const t = b.get(tag);
    if (!t) {
      out.push({ kind: 'only-ours', tag, ours: r, theirs: undefined });
      continue;
    }
    for (const f of ['keyword', 'vr', 'vm', 'retired'] as const)
      if (r[f] !== t[f]) out.push({ kind: f, tag, ours: r, theirs: t });
  }
  for (const [tag, t] of b)
    if (!a.has(tag)) out.push({ kind: 'only-theirs', tag, ours: undefined, theirs: t });
  return out;
}

/** Elements new in PS3.6 2024d (absent from fo-dicom's 2024c): the thermography block (0014,60xx) and these. */
const NEW_IN_2024D = new Set(['0008114C', '00221627', '00221629', '00660005', '30020136']);
const isNewIn2024d = (t: string): boolean =>
  NEW_IN_2024D.has(t) || (t.startsWith('00146') && parseInt(t.slice(4), 16) <= 0x60ff);
/** Elements new in PS3.6 2024c (absent from innolitics' 2024b). */
const NEW_IN_2024C = new Set(['00102161', '300A0054', '300A079F', '300A07A0', '300A07A1']);
/** Keywords renamed in 2024d (CP-2395): the older editions lack "Sequence". */
const RENAMED_IN_2024D = new Set(['003A0320', '003A0325']);
/** Elements whose VM the standard writes "1-n or 1"; pydicom keeps "1-n". */
const VM_1N_OR_1 = new Set(['00281200', '00283006']);
/** (0006,0001) Current Frame Functional Groups Sequence is in PS3.6 Table 9-1 (DICOM-RTV), which pydicom's generator does not read. */
const RTV_PAYLOAD = '00060001';

interface Category {
  readonly why: string;
  readonly count: number;
  readonly match: (d: Difference) => boolean;
}

const noKeywordRetired = (d: Difference): boolean =>
  d.ours !== undefined && d.ours.keyword === '' && d.ours.retired;

const FO_DICOM_CATEGORIES: Category[] = [
  {
    why: 'edition: new in 2024d, fo-dicom is 2024c',
    count: 97,
    match: (d) => d.kind === 'only-ours' && isNewIn2024d(d.tag),
  },
  {
    why: 'retired elements the standard lists without keyword, VR or VM: fo-dicom leaves them out',
    count: 7,
    match: (d) => d.kind === 'only-ours' && noKeywordRetired(d),
  },
  {
    why: 'PS3.6 Table 9-1 (DICOM-RTV) element, not read by pydicom’s generator',
    count: 1,
    match: (d) => d.kind === 'only-theirs' && d.tag === RTV_PAYLOAD,
  },
  {
    why: 'keyword renamed in 2024d (…Sequence)',
    count: 2,
    match: (d) => d.kind === 'keyword' && RENAMED_IN_2024D.has(d.tag),
  },
  {
    why: 'VM "1-n or 1" as the standard writes it; pydicom keeps "1-n"',
    count: 2,
    match: (d) => d.kind === 'vm' && VM_1N_OR_1.has(d.tag) && d.theirs?.vm === '1-n or 1',
  },
  {
    why: 'retired command elements (PS3.7 Annex E): fo-dicom marks none of group 0000 retired',
    count: 22,
    match: (d) => d.kind === 'retired' && d.tag.startsWith('0000') && d.ours!.retired && !d.theirs!.retired,
  },
];

const INNOLITICS_CATEGORIES: Category[] = [
  {
    why: 'command elements (group 0000, PS3.7 Annex E): innolitics has no PS3.7',
    count: 46,
    match: (d) => d.kind === 'only-ours' && d.tag.startsWith('0000'),
  },
  {
    why: 'edition: new in 2024c or 2024d, innolitics is 2024b',
    count: 102,
    match: (d) => d.kind === 'only-ours' && (isNewIn2024d(d.tag) || NEW_IN_2024C.has(d.tag)),
  },
  {
    why: 'retired element without keyword that innolitics leaves out',
    count: 1,
    match: (d) => d.kind === 'only-ours' && noKeywordRetired(d),
  },
  {
    why: 'PS3.6 Table 9-1 (DICOM-RTV) element, not read by pydicom’s generator',
    count: 1,
    match: (d) => d.kind === 'only-theirs' && d.tag === RTV_PAYLOAD,
  },
  {
    why: 'keyword renamed in 2024d (…Sequence)',
    count: 2,
    match: (d) => d.kind === 'keyword' && RENAMED_IN_2024D.has(d.tag),
  },
  {
    why: 'item and delimitation tags have no VR: innolitics writes "See Note 2", we have none',
    count: 3,
    match: (d) =>
      d.kind === 'vr' && d.tag.startsWith('FFFE') && d.theirs!.vr === 'See Note 2' && d.ours!.vr === '',
  },
  {
    why: 'retired elements without keyword: pydicom gives them VR OB and VM 1, the standard (and innolitics) none',
    count: 6,
    match: (d) =>
      (d.kind === 'vr' || d.kind === 'vm') &&
      noKeywordRetired(d) &&
      (d.theirs!.vr === '' || d.theirs!.vm === ''),
  },
  {
    why: 'VM "1-n or 1" as the standard writes it; pydicom keeps "1-n"',
    count: 2,
    match: (d) => d.kind === 'vm' && VM_1N_OR_1.has(d.tag) && d.theirs?.vm === '1-n or 1',
  },
];

function review(name: string, diffs: Difference[], categories: Category[]): void {
  const counts = categories.map(() => 0);
  const unexplained: string[] = [];
  for (const d of diffs) {
    const i = categories.findIndex((c) => c.match(d));
    if (i < 0)
      unexplained.push(
        `${d.kind} ${d.tag}: ours ${JSON.stringify(d.ours)} theirs ${JSON.stringify(d.theirs)}`,
      );
    else counts[i]!++;
  }
  assert.deepEqual(unexplained, [], `${name}: differences no category explains`);
  categories.forEach((c, i) => assert.equal(counts[i], c.count, `${name}: ${c.why}`));
}

test('the dictionary agrees with fo-dicom’s, but for reviewed differences', { skip: needStandard() }, () => {
  const ourRows = ours();
  assert.equal(
    ourRows.size,
    5189 + 88,
    'attributes and repeating-group entries of pydicom-derived/dicom_dict.json',
  );
  const fo = foDicom();
  assert.equal(fo.size, 5174);
  review('fo-dicom 2024c', diff(ourRows, fo), FO_DICOM_CATEGORIES);
});

test('the dictionary agrees with innolitics’, but for reviewed differences', { skip: needStandard() }, () => {
  const inn = innolitics();
  assert.equal(inn.size, 5129);
  review('innolitics 2024b', diff(ours(), inn), INNOLITICS_CATEGORIES);
});

test('lookups by tag and keyword find every entry (Maps: O(1))', () => {
  let n = 0;
  for (const e of allAttributes()) {
    if (e.mask === undefined) assert.equal(lookupTag(e.tag), e);
    // A repeater's base tag can be an element of its own: (0028,04x0) at x = 0 is (0028,0400) TransformLabel.
    else
      assert.equal(
        lookupTag(e.tag)?.keyword,
        allAttributes().find((a) => a.tag === e.tag && a.mask === undefined)?.keyword ?? e.keyword,
      );
    if (e.keyword) {
      assert.equal(lookupKeyword(e.keyword)?.keyword, e.keyword);
      assert.equal(tagForKeyword(e.keyword), lookupKeyword(e.keyword)!.tag);
    }
    n++;
  }
  assert.equal(n, 5277);
  assert.equal(lookupTag(0x00100010)?.keyword, 'PatientName');
  assert.deepEqual(lookupTag(0x00100010)?.vrs, ['PN']);
  assert.deepEqual(lookupTag(0x7fe00010)?.vrs, ['OB', 'OW']);
  assert.deepEqual(lookupTag(0x00280106)?.vrs, ['US', 'SS']);
  assert.equal(lookupTag(0x00080001)?.retired, true);
  assert.equal(lookupTag(0x00090010), undefined, 'private creators are not public attributes');
  assert.equal(lookupTag(0x00291010), undefined);
  assert.throws(() => tagForKeyword('NoSuchKeyword'), TypeError);
});

test('repeating groups (PS3.5 §7.6): 50xx, 60xx, 7Fxx and the masked elements', () => {
  for (const g of [0x6000, 0x6002, 0x601e]) {
    assert.equal(lookupTag(((g << 16) | 0x3000) >>> 0)?.keyword, 'OverlayData');
    assert.equal(lookupTag(((g << 16) | 0x0010) >>> 0)?.keyword, 'OverlayRows');
  }
  assert.deepEqual(lookupTag(0x60003000)?.vrs, ['OB', 'OW']);
  assert.equal(lookupTag(0x60013000), undefined, 'odd groups are private');
  assert.equal(lookupTag(0x50000005)?.keyword, 'CurveDimensions');
  assert.equal(lookupTag(0x501e3000)?.keyword, 'CurveData');
  assert.equal(lookupTag(0x50000005)?.retired, true);
  assert.equal(lookupTag(0x7f000010)?.keyword, 'VariablePixelData');
  assert.equal(lookupTag(0x00280410)?.keyword, 'RowsForNthOrderCoefficients');
  assert.equal(lookupTag(0x10000005)?.keyword, 'ShiftTableTriplet');
  assert.equal(lookupKeyword('OverlayData')?.tag, 0x60003000, 'the keyword gives the base group');
  assert.equal(lookupTag(0x00231000), undefined);
  assert.equal(lookupTag(0x00080000)?.keyword, 'GroupLength', 'generic group length (gggg,0000)');
});

test('group 0000 (PS3.7 Annex E) and group 0002 (PS3.10 §7.1)', () => {
  const cmd: [number, string, string][] = [
    [0x00000000, 'CommandGroupLength', 'UL'],
    [0x00000002, 'AffectedSOPClassUID', 'UI'],
    [0x00000100, 'CommandField', 'US'],
    [0x00000110, 'MessageID', 'US'],
    [0x00000120, 'MessageIDBeingRespondedTo', 'US'],
    [0x00000600, 'MoveDestination', 'AE'],
    [0x00000700, 'Priority', 'US'],
    [0x00000800, 'CommandDataSetType', 'US'],
    [0x00000900, 'Status', 'US'],
    [0x00001000, 'AffectedSOPInstanceUID', 'UI'],
    [0x00001021, 'NumberOfCompletedSuboperations', 'US'],
    [0x00001031, 'MoveOriginatorMessageID', 'US'],
  ];
  const meta: [number, string, string][] = [
    [0x00020000, 'FileMetaInformationGroupLength', 'UL'],
    [0x00020001, 'FileMetaInformationVersion', 'OB'],
    [0x00020002, 'MediaStorageSOPClassUID', 'UI'],
    [0x00020003, 'MediaStorageSOPInstanceUID', 'UI'],
    [0x00020010, 'TransferSyntaxUID', 'UI'],
    [0x00020012, 'ImplementationClassUID', 'UI'],
    [0x00020013, 'ImplementationVersionName', 'SH'],
    [0x00020016, 'SourceApplicationEntityTitle', 'AE'],
    [0x00020100, 'PrivateInformationCreatorUID', 'UI'],
  ];
  for (const [tag, keyword, vr] of [...cmd, ...meta]) {
    const e = lookupTag(tag);
    assert.equal(e?.keyword, keyword);
    assert.deepEqual(e?.vrs, [vr], keyword);
    assert.equal(e?.retired, false, keyword);
  }
  assert.equal(lookupTag(0x00000001)?.retired, true, 'CommandLengthToEnd is retired');
});

test('UID registry (PS3.6 Annex A)', { skip: needStandard() }, () => {
  assert.equal(lookupUid('1.2.840.10008.1.2')?.keyword, 'ImplicitVRLittleEndian');
  assert.equal(lookupUid('1.2.840.10008.1.2.1')?.type, 'Transfer Syntax');
  assert.equal(lookupUid('1.2.840.10008.1.2.2')?.retired, true, 'Explicit VR Big Endian is retired');
  assert.equal(lookupUid('1.2.840.10008.1.1')?.keyword, 'Verification');
  assert.equal(lookupUid('1.2.840.10008.5.1.4.1.1.2')?.keyword, 'CTImageStorage');
  assert.equal(lookupUidKeyword('MRImageStorage')?.uid, '1.2.840.10008.5.1.4.1.1.4');
  assert.equal(lookupUid('1.2.3.4'), undefined);
  // Against fo-dicom's registry: every transfer syntax and SOP class of 2024c is in ours with the same keyword.
  const xml = readFileSync(join(STD, 'fo-dicom/DICOM Dictionary.xml'), 'utf8');
  const theirs = [
    ...xml.matchAll(/<uid uid="([^"]+)" keyword="([^"]*)" type="(Transfer Syntax|SOP Class)"/g),
  ];
  assert.ok(theirs.length > 300);
  const missing = theirs
    .filter((m) => lookupUid(m[1]!)?.keyword !== m[2])
    .map((m) => `${m[1]} ${m[2]} → ${lookupUid(m[1]!)?.keyword}`);
  assert.deepEqual(missing, []);
  assert.equal(uidsOfType('Transfer Syntax').length, 63);
});

test('known private dictionaries: lookupPrivate(creator, tag)', () => {
  assert.equal(lookupPrivate('SIEMENS CSA HEADER', 0x00291010)?.vr, 'OB');
  assert.equal(
    lookupPrivate('SIEMENS CSA HEADER', 0x00291120)?.name,
    'CSA Series Header Info',
    'any block (here 11)',
  );
  assert.equal(lookupPrivate('SIEMENS CSA HEADER ', 0x00291008)?.vr, 'CS', 'trailing padding ignored');
  assert.equal(lookupPrivate('Philips Imaging DD 001', 0x20011003)?.vr, 'FL');
  assert.equal(lookupPrivate('PHILIPS IMAGING DD 001', 0x20011003)?.vr, 'FL', 'case ignored');
  assert.equal(lookupPrivate('GEMS_IDEN_01', 0x00091001)?.vr, 'LO');
  assert.equal(lookupPrivate('SIEMENS CSA HEADER', 0x00191010), undefined, 'wrong group');
  assert.equal(lookupPrivate(undefined, 0x00291010), undefined);
  assert.equal(lookupPrivate('UNKNOWN VENDOR', 0x00291010), undefined);
  assert.ok(knownPrivateCreators().length >= 7);
});

/**
 * In an Implicit VR file the reader takes private VRs from the known private dictionaries: CT1_UNC (GE) holds
 * GEMS_IDEN_01 and GEMS_PARM_01 blocks; every element we know gets the VR dcmdump gives it.
 */
test(
  'implicit VR private elements get their VR from the private dictionary',
  { skip: needTestdata() || needCommand('dcmdump') },
  () => {
    const file = join(TESTDATA, 'dicomParser/CT1_UNC.implicit_little_endian.dcm');
    const { dataset } = parseDicom(new Uint8Array(readFileSync(file)));
    const known = dataset.tags().filter((t) => lookupPrivate(dataset.privateCreatorOf(t), t));
    assert.equal(known.length, 20);
    const dump = spawnSync('dcmdump', ['+L', file], { encoding: 'utf8' }).stdout;
    const dcmtkVR = new Map(
      [...dump.matchAll(/^\(([0-9a-f]{4}),([0-9a-f]{4})\) (\w\w) /gm)].map((m) => [
        parseInt(m[1]! + m[2]!, 16),
        m[3]!,
      ]),
    );
    for (const t of known) {
      const vr = dataset.get(t)!.vr;
      assert.equal(vr, lookupPrivate(dataset.privateCreatorOf(t), t)!.vr);
      assert.equal(vr, dcmtkVR.get(t), `(${hex8(t)}) against dcmdump`);
    }
    assert.deepEqual(dataset.strings(0x00091004), ['HiSpeed CT/i']);
    assert.deepEqual(dataset.numbers(0x00431012), [14, 2, 3]);
    // Elements of unknown creators, or unknown elements of known creators, stay UN.
    assert.equal(dataset.get(0x00431014)?.vr, 'UN');
  },
);
