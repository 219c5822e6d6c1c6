/**
 * The defined terms of Specific Character Set (0008,0005) and the ISO 2022 escape sequences, as data
 * (PS3.3 C.12.1.1.2, Tables C.12-2 to C.12-5; PS3.5 §6.1.2.5).
 *
 * A graphic character set is named by its ISO-IR registration number ("IR 100"); an ISO 2022 term designates
 * one set into G0 (bytes 0x21–0x7E) and/or one into G1 (bytes 0xA0–0xFF).
 */

/** ISO-IR registration numbers of the graphic character sets DICOM uses. */
export type GraphicSetId =
  | 'IR 6' // ISO 646 (ASCII), G0
  | 'IR 14' // JIS X 0201 Romaji, G0
  | 'IR 13' // JIS X 0201 Katakana, G1
  | 'IR 100' // ISO 8859-1 upper half, Latin alphabet No. 1
  | 'IR 101' // ISO 8859-2, Latin alphabet No. 2
  | 'IR 109' // ISO 8859-3, Latin alphabet No. 3
  | 'IR 110' // ISO 8859-4, Latin alphabet No. 4
  | 'IR 144' // ISO 8859-5, Cyrillic
  | 'IR 127' // ISO 8859-6, Arabic
  | 'IR 126' // ISO 8859-7, Greek
  | 'IR 138' // ISO 8859-8, Hebrew
  | 'IR 148' // ISO 8859-9, Latin alphabet No. 5
  | 'IR 203' // ISO 8859-15, Latin alphabet No. 9
  | 'IR 166' // TIS 620-2533, Thai
  | 'IR 87' // JIS X 0208, Kanji (94×94)
  | 'IR 159' // JIS X 0212, supplementary Kanji (94×94)
  | 'IR 149' // KS X 1001, Hangul and Hanja (94×94)
  | 'IR 58'; // GB 2312, Simplified Chinese (94×94)

/** How a defined term encodes characters. */
export type TermKind =
  /** Table C.12-2: single-byte, no code extensions (escape sequences are not expected). */
  | 'single-byte'
  /** Table C.12-3: single-byte with code extensions (ISO 2022). */
  | 'iso2022-single-byte'
  /** Table C.12-4: multi-byte with code extensions (ISO 2022); never value 1. */
  | 'iso2022-multi-byte'
  /** Table C.12-5: multi-byte without code extensions (UTF-8, GB18030, GBK). */
  | 'multi-byte';

export interface DefinedTerm {
  /** The defined term as PS3.3 writes it. */
  readonly term: string;
  readonly kind: TermKind;
  /** The character set description of the table. */
  readonly description: string;
  /** Set designated into G0 (ISO-IR 6 for most single-byte terms). */
  readonly g0?: GraphicSetId;
  /** Set designated into G1. */
  readonly g1?: GraphicSetId;
  /** WHATWG encoding label for the multi-byte terms without code extensions. */
  readonly encoding?: 'utf-8' | 'gb18030' | 'gbk';
}

function single(
  term: string,
  description: string,
  g1: GraphicSetId | undefined,
  g0: GraphicSetId = 'IR 6',
): DefinedTerm[] {
  // Each single-byte set has a term without code extensions ("ISO_IR 100", Table C.12-2) and one with
  // (“ISO 2022 IR 100”, Table C.12-3); both designate the same G0 and G1 sets.
  const n = term.slice(3);
  return [
    { term: `ISO_IR ${n}`, kind: 'single-byte', description, g0, ...(g1 ? { g1 } : {}) },
    { term: `ISO 2022 IR ${n}`, kind: 'iso2022-single-byte', description, g0, ...(g1 ? { g1 } : {}) },
  ];
}

/** Every defined term of PS3.3 Tables C.12-2, C.12-3, C.12-4 and C.12-5. */
export const DEFINED_TERMS: readonly DefinedTerm[] = [
  ...single('IR 6', 'Default repertoire', undefined),
  ...single('IR 100', 'Latin alphabet No. 1', 'IR 100'),
  ...single('IR 101', 'Latin alphabet No. 2', 'IR 101'),
  ...single('IR 109', 'Latin alphabet No. 3', 'IR 109'),
  ...single('IR 110', 'Latin alphabet No. 4', 'IR 110'),
  ...single('IR 144', 'Cyrillic', 'IR 144'),
  ...single('IR 127', 'Arabic', 'IR 127'),
  ...single('IR 126', 'Greek', 'IR 126'),
  ...single('IR 138', 'Hebrew', 'IR 138'),
  ...single('IR 148', 'Latin alphabet No. 5', 'IR 148'),
  ...single('IR 203', 'Latin alphabet No. 9', 'IR 203'),
  ...single('IR 13', 'Japanese (JIS X 0201 Katakana and Romaji)', 'IR 13', 'IR 14'),
  ...single('IR 166', 'Thai', 'IR 166'),
  // Table C.12-4: multi-byte character sets with code extensions.
  {
    term: 'ISO 2022 IR 87',
    kind: 'iso2022-multi-byte',
    description: 'Japanese (JIS X 0208 Kanji)',
    g0: 'IR 87',
  },
  {
    term: 'ISO 2022 IR 159',
    kind: 'iso2022-multi-byte',
    description: 'Japanese (JIS X 0212 supplementary Kanji)',
    g0: 'IR 159',
  },
  {
    term: 'ISO 2022 IR 149',
    kind: 'iso2022-multi-byte',
    description: 'Korean (KS X 1001 Hangul and Hanja)',
    g1: 'IR 149',
  },
  {
    term: 'ISO 2022 IR 58',
    kind: 'iso2022-multi-byte',
    description: 'Simplified Chinese (GB 2312)',
    g1: 'IR 58',
  },
  // Table C.12-5: multi-byte character sets without code extensions.
  { term: 'ISO_IR 192', kind: 'multi-byte', description: 'Unicode in UTF-8', encoding: 'utf-8' },
  { term: 'GB18030', kind: 'multi-byte', description: 'GB 18030', encoding: 'gb18030' },
  { term: 'GBK', kind: 'multi-byte', description: 'GBK', encoding: 'gbk' },
];

const BY_TERM = new Map(DEFINED_TERMS.map((t) => [t.term, t]));

/** The defined term for a normalised term ("ISO_IR 100"), or undefined for an unknown term. */
export function definedTerm(term: string): DefinedTerm | undefined {
  return BY_TERM.get(term);
}

/** A designation: which register an escape sequence loads and with which set. */
export interface Designation {
  readonly register: 0 | 1;
  readonly set: GraphicSetId;
}

/**
 * Escape sequences, keyed by the bytes after ESC (0x1B) written as Latin-1 text
 * (PS3.3 Tables C.12-3 and C.12-4: "ESC 02/13 04/01" is ESC "-" "A").
 */
export const ESCAPE_SEQUENCES: ReadonlyMap<string, Designation> = new Map<string, Designation>([
  ['(B', { register: 0, set: 'IR 6' }], // ESC 02/08 04/02
  ['(J', { register: 0, set: 'IR 14' }], // ESC 02/08 04/10
  [')I', { register: 1, set: 'IR 13' }], // ESC 02/09 04/09
  ['-A', { register: 1, set: 'IR 100' }], // ESC 02/13 04/01
  ['-B', { register: 1, set: 'IR 101' }], // ESC 02/13 04/02
  ['-C', { register: 1, set: 'IR 109' }], // ESC 02/13 04/03
  ['-D', { register: 1, set: 'IR 110' }], // ESC 02/13 04/04
  ['-L', { register: 1, set: 'IR 144' }], // ESC 02/13 04/12
  ['-G', { register: 1, set: 'IR 127' }], // ESC 02/13 04/07
  ['-F', { register: 1, set: 'IR 126' }], // ESC 02/13 04/06
  ['-H', { register: 1, set: 'IR 138' }], // ESC 02/13 04/08
  ['-M', { register: 1, set: 'IR 148' }], // ESC 02/13 04/13
  ['-b', { register: 1, set: 'IR 203' }], // ESC 02/13 06/02
  ['-T', { register: 1, set: 'IR 166' }], // ESC 02/13 05/04
  ['$B', { register: 0, set: 'IR 87' }], // ESC 02/04 04/02
  ['$(D', { register: 0, set: 'IR 159' }], // ESC 02/04 02/08 04/04
  ['$)C', { register: 1, set: 'IR 149' }], // ESC 02/04 02/09 04/03
  ['$)A', { register: 1, set: 'IR 58' }], // ESC 02/04 02/09 04/01
  // Not DICOM defined terms, but ISO 2022 designations of the same sets met in real files: read, never written.
  ['$@', { register: 0, set: 'IR 87' }], // JIS C 6226-1978, the predecessor of JIS X 0208
  ['$(B', { register: 0, set: 'IR 87' }], // the 4-byte form of ESC $ B
  ['(I', { register: 0, set: 'IR 13' }], // Katakana designated into G0
  ['$A', { register: 0, set: 'IR 58' }], // GB 2312 designated into G0
  ['$(C', { register: 0, set: 'IR 149' }], // KS X 1001 designated into G0
]);

/** The escape sequence (without ESC) that writers use to designate a set into its register. */
export function escapeFor(set: GraphicSetId): string {
  for (const [seq, d] of ESCAPE_SEQUENCES) if (d.set === set) return seq;
  throw new RangeError(`no escape sequence for ${set}`);
}
