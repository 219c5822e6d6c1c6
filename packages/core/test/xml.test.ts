import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzTextReader } from './fuzz-lib.js';
import { readFileSync } from 'node:fs';
import {
  Dataset,
  parseDicom,
  writeDicom,
  toXml,
  fromXml,
  parseXml,
  toJson,
  isDicomError,
} from '../src/index.js';
import { dcmtkReadable, needTestdata } from './shared.js';

function sample(): Dataset {
  const ds = new Dataset();
  ds.set('SpecificCharacterSet', undefined, 'ISO_IR 192');
  ds.set('ImageType', undefined, ['ORIGINAL', '', 'AXIAL']);
  ds.set('PatientName', undefined, ['Yamada^Tarou=山田^太郎=やまだ^たろう', '^Bob^^Dr.']);
  ds.set('StudyDescription', undefined, 'a < b & "c"');
  ds.set('SliceThickness', 'DS', 1.25);
  ds.set('FrameIncrementPointer', undefined, [0x00181063]);
  ds.set(0x00290010, 'LO', 'ACME 1.0');
  ds.set(0x00291001, 'SV', [-(2n ** 62n)]);
  ds.set(0x00291002, 'OB', new Uint8Array([1, 2, 3, 4]));
  const item = new Dataset();
  item.set('CodeValue', undefined, 'T-1');
  ds.set('AnatomicRegionSequence', undefined, [item]);
  return ds;
}

test('toXml writes the Native DICOM Model (PS3.19 §A.1)', () => {
  const xml = toXml(sample());
  assert.match(
    xml,
    /^<\?xml version="1.0" encoding="UTF-8"\?>\n<NativeDicomModel xmlns="http:\/\/dicom.nema.org\/PS3.19\/models\/NativeDICOM" xml:space="preserve">/,
  );
  assert.match(
    xml,
    /<DicomAttribute tag="00080008" vr="CS" keyword="ImageType"><Value number="1">ORIGINAL<\/Value><Value number="2"><\/Value><Value number="3">AXIAL<\/Value><\/DicomAttribute>/,
  );
  assert.match(
    xml,
    /<PersonName number="1"><Alphabetic><FamilyName>Yamada<\/FamilyName><GivenName>Tarou<\/GivenName><\/Alphabetic><Ideographic><FamilyName>山田<\/FamilyName><GivenName>太郎<\/GivenName><\/Ideographic><Phonetic>/,
  );
  assert.match(
    xml,
    /<PersonName number="2"><Alphabetic><GivenName>Bob<\/GivenName><NamePrefix>Dr.<\/NamePrefix><\/Alphabetic><\/PersonName>/,
  );
  assert.match(xml, /<Value number="1">a &lt; b &amp; &quot;c&quot;<\/Value>/);
  assert.match(
    xml,
    /<DicomAttribute tag="00280009" vr="AT" keyword="FrameIncrementPointer"><Value number="1">00181063<\/Value>/,
  );
  // Private: the block byte cleared and the creator named.
  assert.match(
    xml,
    /<DicomAttribute tag="00290001" vr="SV" privateCreator="ACME 1.0"><Value number="1">-4611686018427387904<\/Value>/,
  );
  assert.match(
    xml,
    /<DicomAttribute tag="00290002" vr="OB" privateCreator="ACME 1.0"><InlineBinary>AQIDBA==<\/InlineBinary>/,
  );
  assert.match(xml, /<Item number="1">\n<DicomAttribute tag="00080100" vr="SH" keyword="CodeValue">/);
  assert.deepEqual(toJson(fromXml(xml)), toJson(sample()));
});

test("fromXml places private elements in their creator's block, reserving one when needed", () => {
  const xml = `<?xml version="1.0"?>
<NativeDicomModel>
  <DicomAttribute tag="00290001" vr="LO" privateCreator="OTHER"><Value number="1">x</Value></DicomAttribute>
  <DicomAttribute tag="00290011" vr="LO"><Value number="1">ACME</Value></DicomAttribute>
  <DicomAttribute tag="00290001" vr="LO" privateCreator="ACME"><Value number="1">y</Value></DicomAttribute>
</NativeDicomModel>`;
  const ds = fromXml(xml);
  assert.equal(ds.string(0x00291101), 'y');
  assert.equal(ds.string(0x00290010), 'OTHER');
  assert.equal(ds.string(0x00291001), 'x');
});

test('the XML reader handles entities, CDATA, comments and the declaration, and is strict', () => {
  const root = parseXml(
    '\uFEFF<?xml version="1.0" encoding="utf-8"?><!-- c --><a x=\'1\' y="&lt;&#x41;&#66;"><![CDATA[<raw & text>]]>&amp;<b/><?pi data?></a><!-- end -->',
  );
  assert.equal(root.name, 'a');
  assert.deepEqual({ ...root.attributes }, { x: '1', y: '<AB' });
  assert.equal(root.children[0], '<raw & text>&');
  const bad: [string, RegExp][] = [
    ['<a><b></a>', /does not match/],
    ['<a>', /not closed/],
    ['<a x="1" x="2"/>', /twice/],
    ['<a>&nope;</a>', /unknown entity/],
    ['<a>&#0;</a>', /names no XML character/],
    ['<a>AT&T</a>', /entity or character reference/],
    ['<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>', /DOCTYPE/],
    ['<a/><b/>', /second root/],
    ['text<a/>', /outside the root/],
    ['<a x=1/>', /quoted/],
    ['<?xml version="1.0" encoding="ISO-8859-1"?><a/>', /only UTF-8/],
    ['<a>\u0001</a>', /not allowed/],
    ['', /no root/],
  ];
  for (const [text, re] of bad) {
    assert.throws(
      () => parseXml(text),
      (e: unknown) => isDicomError(e, 'INVALID_XML') && re.test(e.message) && typeof e.offset === 'number',
      text,
    );
  }
  const err = (() => {
    try {
      parseXml('<a>\n  <b>\n</a>');
    } catch (e) {
      return e;
    }
    return undefined;
  })();
  assert.ok(isDicomError(err) && /line 3, column 1/.test(err.message) && err.offset === 10);
});

test('fromXml refuses what the Native DICOM Model does not allow', () => {
  const doc = (body: string): string => `<NativeDicomModel>${body}</NativeDicomModel>`;
  const bad: [string, RegExp][] = [
    ['<Foo/>', /DicomAttribute/],
    ['<DicomAttribute tag="0010001" vr="PN"/>', /tag=/],
    ['<DicomAttribute tag="00100010" vr="XX"/>', /not a VR/],
    [
      '<DicomAttribute tag="00280010" vr="US"><Value number="1">70000</Value></DicomAttribute>',
      /out of range/,
    ],
    [
      '<DicomAttribute tag="00280010" vr="US"><Value number="1">12px</Value></DicomAttribute>',
      /not a US number/,
    ],
    ['<DicomAttribute tag="00280010" vr="US"><Value>1</Value></DicomAttribute>', /number=/],
    [
      '<DicomAttribute tag="7FE00010" vr="OB"><InlineBinary>AQ*D</InlineBinary></DicomAttribute>',
      /invalid InlineBinary/,
    ],
    [
      '<DicomAttribute tag="00100010" vr="PN"><PersonName number="1"><Alphabetic><Nick>x</Nick></Alphabetic></PersonName></DicomAttribute>',
      /PN component/,
    ],
    [
      '<DicomAttribute tag="00100020" vr="LO"><Value number="1">a</Value><Item number="1"/></DicomAttribute>',
      /one kind/,
    ],
  ];
  for (const [body, re] of bad) {
    assert.throws(
      () => fromXml(doc(body)),
      (e: unknown) => isDicomError(e, 'INVALID_XML') && re.test(e.message),
      body,
    );
  }
  assert.throws(() => fromXml('<Other/>'), /NativeDicomModel/);
  let deep = '';
  for (let i = 0; i < 70; i++) deep += '<DicomAttribute tag="00082218" vr="SQ"><Item number="1">';
  for (let i = 0; i < 70; i++) deep += '</Item></DicomAttribute>';
  assert.throws(
    () => fromXml(doc(deep)),
    (e: unknown) => isDicomError(e, 'INVALID_XML') && /deeper/.test(e.message),
  );
  const huge = '<a>'.repeat(100_000) + '</a>'.repeat(100_000);
  assert.throws(
    () => parseXml(huge),
    (e: unknown) => isDicomError(e, 'INVALID_XML') && /deeper than 512/.test(e.message),
  );
});

test(
  'every file dcmtk reads: Part 10 → XML → Part 10 → XML is the same XML',
  { skip: needTestdata() },
  () => {
    const failures: string[] = [];
    let same = 0;
    let pendingCharsets = 0;
    let notXml = 0;
    for (const row of dcmtkReadable()) {
      let f;
      let xml: string;
      try {
        f = parseDicom(readFileSync(row.abs));
        xml = toXml(f.dataset);
      } catch (e) {
        if (isDicomError(e, 'INVALID_CHARSET')) pendingCharsets++;
        else if (isDicomError(e, 'INVALID_VALUE') && /cannot be written in XML/.test(e.message)) notXml++;
        else if (!isDicomError(e)) failures.push(`${row.path}: ${String(e)}`);
        continue;
      }
      try {
        const encapsulated = !!f.dataset.get('PixelData')?.encapsulated;
        const ts = encapsulated
          ? f.transferSyntax.encapsulated
            ? f.transferSyntax.uid
            : 'EncapsulatedUncompressedExplicitVRLittleEndian'
          : 'ExplicitVRLittleEndian';
        const back = parseDicom(writeDicom({ dataset: fromXml(xml) }, { transferSyntax: ts })).dataset;
        const again = toXml(back);
        if (again !== xml) {
          const i = [...again].findIndex((c, k) => c !== xml[k]);
          failures.push(
            `${row.path}: differs at ${i}: ${JSON.stringify(xml.slice(Math.max(0, i - 80), i + 80))} vs ${JSON.stringify(again.slice(Math.max(0, i - 80), i + 80))}`,
          );
        } else same++;
      } catch (e) {
        failures.push(`${row.path}: ${isDicomError(e) ? e.describe() : String(e).slice(0, 300)}`);
      }
    }
    console.log(
      `# XML round trip: ${same} files identical, ${failures.length} failures, ${notXml} with characters XML 1.0 cannot hold, ${pendingCharsets} pending character sets`,
    );
    assert.deepEqual(failures, []);
  },
);

test('fuzz: mutated XML gives a Dataset or a DicomError, nothing else', () => {
  const base = toXml(sample());
  const pieces = [
    '<',
    '>',
    '&',
    '&#x0;',
    '&#1114112;',
    ']]>',
    '<![CDATA[',
    '<!--',
    '"',
    '<Item number="99999999">',
    '</Value>',
    'number="0"',
    'vr="SQ"',
    '<DicomAttribute tag="7FE00010" vr="OB"><InlineBinary>A</InlineBinary></DicomAttribute>',
  ];
  const accepted = fuzzTextReader(base, pieces, 1126, 3000, (t) => {
    const ds = fromXml(t);
    toXml(ds);
    parseDicom(writeDicom({ dataset: ds }));
  });
  assert.ok(accepted > 0 && accepted < 3000);
});
