/**
 * Value Representations: one place knows each VR (PS3.5 §6.2, Table 6.2-1).
 *
 * For every VR: whether its explicit-VR header has the 4-byte length form (PS3.5 §7.1.2),
 * the padding byte for odd lengths, the kind of value, the size of a binary value unit,
 * the maximum length of one value, and whether the Specific Character Set governs it.
 */

export type VR =
  | 'AE'
  | 'AS'
  | 'AT'
  | 'CS'
  | 'DA'
  | 'DS'
  | 'DT'
  | 'FD'
  | 'FL'
  | 'IS'
  | 'LO'
  | 'LT'
  | 'OB'
  | 'OD'
  | 'OF'
  | 'OL'
  | 'OV'
  | 'OW'
  | 'PN'
  | 'SH'
  | 'SL'
  | 'SQ'
  | 'SS'
  | 'ST'
  | 'SV'
  | 'TM'
  | 'UC'
  | 'UI'
  | 'UL'
  | 'UN'
  | 'UR'
  | 'US'
  | 'UT'
  | 'UV';

/** How a VR's value is decoded. */
export type VRKind =
  | 'string' // backslash-separated, trailing/leading space handling per VR
  | 'text' // single-valued text: ST, LT, UT, UR (backslash is a character)
  | 'number-string' // IS, DS: numbers written as text
  | 'binary-number' // FL FD SS US SL UL SV UV: fixed-size binary numbers
  | 'tag' // AT
  | 'bytes' // OB OD OF OL OV OW UN
  | 'sequence'; // SQ

export interface VRInfo {
  readonly vr: VR;
  /** Explicit VR header is 12 bytes (2 reserved + 4-byte length) rather than 8 (PS3.5 §7.1.2). */
  readonly longLength: boolean;
  /** Byte appended to make an odd value even: 0x20 for text, 0x00 for UI and binary (PS3.5 §6.2). */
  readonly padding: number;
  readonly kind: VRKind;
  /** Size of one binary unit in bytes (for numbers, AT and OW/OF/OD/OL/OV; byte swapping uses it). 1 for others. */
  readonly unitSize: number;
  /** Maximum length of one value in bytes or characters, 0 when unbounded. */
  readonly maxLength: number;
  /** The Specific Character Set (0008,0005) applies to this VR (PS3.5 §6.1.2.3). */
  readonly charsetGoverned: boolean;
}

function info(
  vr: VR,
  longLength: boolean,
  padding: number,
  kind: VRKind,
  unitSize: number,
  maxLength: number,
  charsetGoverned = false,
): VRInfo {
  return { vr, longLength, padding, kind, unitSize, maxLength, charsetGoverned };
}

const SP = 0x20;
const NUL = 0x00;

/** PS3.5 Table 6.2-1, as data. */
export const VR_INFO: Readonly<Record<VR, VRInfo>> = {
  AE: info('AE', false, SP, 'string', 1, 16),
  AS: info('AS', false, SP, 'string', 1, 4),
  AT: info('AT', false, NUL, 'tag', 4, 4),
  CS: info('CS', false, SP, 'string', 1, 16),
  DA: info('DA', false, SP, 'string', 1, 8),
  DS: info('DS', false, SP, 'number-string', 1, 16),
  DT: info('DT', false, SP, 'string', 1, 26),
  FD: info('FD', false, NUL, 'binary-number', 8, 8),
  FL: info('FL', false, NUL, 'binary-number', 4, 4),
  IS: info('IS', false, SP, 'number-string', 1, 12),
  LO: info('LO', false, SP, 'string', 1, 64, true),
  LT: info('LT', false, SP, 'text', 1, 10240, true),
  OB: info('OB', true, NUL, 'bytes', 1, 0),
  OD: info('OD', true, NUL, 'bytes', 8, 0),
  OF: info('OF', true, NUL, 'bytes', 4, 0),
  OL: info('OL', true, NUL, 'bytes', 4, 0),
  OV: info('OV', true, NUL, 'bytes', 8, 0),
  OW: info('OW', true, NUL, 'bytes', 2, 0),
  PN: info('PN', false, SP, 'string', 1, 64, true),
  SH: info('SH', false, SP, 'string', 1, 16, true),
  SL: info('SL', false, NUL, 'binary-number', 4, 4),
  SQ: info('SQ', true, NUL, 'sequence', 1, 0),
  SS: info('SS', false, NUL, 'binary-number', 2, 2),
  ST: info('ST', false, SP, 'text', 1, 1024, true),
  SV: info('SV', true, NUL, 'binary-number', 8, 8),
  TM: info('TM', false, SP, 'string', 1, 14),
  UC: info('UC', true, SP, 'string', 1, 0, true),
  UI: info('UI', false, NUL, 'string', 1, 64),
  UL: info('UL', false, NUL, 'binary-number', 4, 4),
  UN: info('UN', true, NUL, 'bytes', 1, 0),
  UR: info('UR', true, SP, 'text', 1, 0),
  US: info('US', false, NUL, 'binary-number', 2, 2),
  UT: info('UT', true, SP, 'text', 1, 0, true),
  UV: info('UV', true, NUL, 'binary-number', 8, 8),
};

export const ALL_VRS: readonly VR[] = Object.keys(VR_INFO) as VR[];

/** Two ASCII bytes of a VR packed as (b0 << 8) | b1 → VR; undefined for unknown codes. */
const BY_CODE: (VR | undefined)[] = new Array(65536);
for (const vr of ALL_VRS) BY_CODE[(vr.charCodeAt(0) << 8) | vr.charCodeAt(1)] = vr;

/** The VR named by two bytes on the wire, or undefined when they name none. */
export function vrFromCode(b0: number, b1: number): VR | undefined {
  return BY_CODE[(b0 << 8) | b1];
}

export function isVR(s: string): s is VR {
  return s.length === 2 && Object.prototype.hasOwnProperty.call(VR_INFO, s);
}
