/**
 * DIMSE command sets (PS3.7 §9.3, §10.3, Annex E): group 0000 elements, always Implicit VR Little Endian
 * (PS3.7 §6.3.1), Command Group Length first. Encoded and decoded with @dicomkit/core.
 */
import { DicomError } from '@dicomkit/core';

/** Command Field values (PS3.7 Annex E). */
export const CommandField = {
  CStoreRq: 0x0001,
  CStoreRsp: 0x8001,
  CGetRq: 0x0010,
  CGetRsp: 0x8010,
  CFindRq: 0x0020,
  CFindRsp: 0x8020,
  CMoveRq: 0x0021,
  CMoveRsp: 0x8021,
  CEchoRq: 0x0030,
  CEchoRsp: 0x8030,
  NEventReportRq: 0x0100,
  NEventReportRsp: 0x8100,
  NGetRq: 0x0110,
  NGetRsp: 0x8110,
  NSetRq: 0x0120,
  NSetRsp: 0x8120,
  NActionRq: 0x0130,
  NActionRsp: 0x8130,
  NCreateRq: 0x0140,
  NCreateRsp: 0x8140,
  NDeleteRq: 0x0150,
  NDeleteRsp: 0x8150,
  CCancelRq: 0x0fff,
} as const;

export const COMMAND_NAMES: Record<number, string> = {
  0x0001: 'C-STORE-RQ',
  0x8001: 'C-STORE-RSP',
  0x0010: 'C-GET-RQ',
  0x8010: 'C-GET-RSP',
  0x0020: 'C-FIND-RQ',
  0x8020: 'C-FIND-RSP',
  0x0021: 'C-MOVE-RQ',
  0x8021: 'C-MOVE-RSP',
  0x0030: 'C-ECHO-RQ',
  0x8030: 'C-ECHO-RSP',
  0x0100: 'N-EVENT-REPORT-RQ',
  0x8100: 'N-EVENT-REPORT-RSP',
  0x0110: 'N-GET-RQ',
  0x8110: 'N-GET-RSP',
  0x0120: 'N-SET-RQ',
  0x8120: 'N-SET-RSP',
  0x0130: 'N-ACTION-RQ',
  0x8130: 'N-ACTION-RSP',
  0x0140: 'N-CREATE-RQ',
  0x8140: 'N-CREATE-RSP',
  0x0150: 'N-DELETE-RQ',
  0x8150: 'N-DELETE-RSP',
  0x0fff: 'C-CANCEL-RQ',
};

/** Command Data Set Type (0000,0800): 0x0101 means no data set follows (PS3.7 §9.3). */
export const NO_DATASET = 0x0101;

/** Priority (0000,0700). */
export const Priority = { Low: 0x0002, Medium: 0x0000, High: 0x0001 } as const;

/** A command set as a typed record, keyed by the standard's keywords (PS3.7 Annex E). */
export interface Command {
  CommandField: number;
  MessageID?: number;
  MessageIDBeingRespondedTo?: number;
  AffectedSOPClassUID?: string;
  RequestedSOPClassUID?: string;
  AffectedSOPInstanceUID?: string;
  RequestedSOPInstanceUID?: string;
  MoveDestination?: string;
  Priority?: number;
  /** 0x0101 when no data set follows; anything else when one does. */
  CommandDataSetType: number;
  Status?: number;
  OffendingElement?: number[];
  ErrorComment?: string;
  ErrorID?: number;
  EventTypeID?: number;
  AttributeIdentifierList?: number[];
  ActionTypeID?: number;
  NumberOfRemainingSuboperations?: number;
  NumberOfCompletedSuboperations?: number;
  NumberOfFailedSuboperations?: number;
  NumberOfWarningSuboperations?: number;
  MoveOriginatorApplicationEntityTitle?: string;
  MoveOriginatorMessageID?: number;
}

type Field = Exclude<keyof Command, never>;
/** Tag and VR of each command element (PS3.7 Table E.1-1). */
const FIELDS: [Field, number, 'UI' | 'US' | 'AE' | 'LO' | 'AT'][] = [
  ['AffectedSOPClassUID', 0x00000002, 'UI'],
  ['RequestedSOPClassUID', 0x00000003, 'UI'],
  ['CommandField', 0x00000100, 'US'],
  ['MessageID', 0x00000110, 'US'],
  ['MessageIDBeingRespondedTo', 0x00000120, 'US'],
  ['MoveDestination', 0x00000600, 'AE'],
  ['Priority', 0x00000700, 'US'],
  ['CommandDataSetType', 0x00000800, 'US'],
  ['Status', 0x00000900, 'US'],
  ['OffendingElement', 0x00000901, 'AT'],
  ['ErrorComment', 0x00000902, 'LO'],
  ['ErrorID', 0x00000903, 'US'],
  ['AffectedSOPInstanceUID', 0x00001000, 'UI'],
  ['RequestedSOPInstanceUID', 0x00001001, 'UI'],
  ['EventTypeID', 0x00001002, 'US'],
  ['AttributeIdentifierList', 0x00001005, 'AT'],
  ['ActionTypeID', 0x00001008, 'US'],
  ['NumberOfRemainingSuboperations', 0x00001020, 'US'],
  ['NumberOfCompletedSuboperations', 0x00001021, 'US'],
  ['NumberOfFailedSuboperations', 0x00001022, 'US'],
  ['NumberOfWarningSuboperations', 0x00001023, 'US'],
  ['MoveOriginatorApplicationEntityTitle', 0x00001030, 'AE'],
  ['MoveOriginatorMessageID', 0x00001031, 'US'],
];

const BY_TAG = new Map(FIELDS.map(([name, tag, vr]) => [tag, { name, vr }]));

/**
 * Encodes a command set in Implicit VR Little Endian with its Command Group Length (0000,0000). Written
 * directly: every command element's VR is known from PS3.7 Table E.1-1, so no dictionary is involved and a
 * C-STORE costs no more than a few hundred bytes of work.
 */
export function encodeCommand(cmd: Command): Uint8Array {
  const parts: { tag: number; bytes: Uint8Array }[] = [];
  let total = 0;
  for (const [name, tag, vr] of FIELDS) {
    const v = cmd[name];
    if (v === undefined) continue;
    let bytes: Uint8Array;
    if (vr === 'US') {
      bytes = new Uint8Array(2);
      new DataView(bytes.buffer).setUint16(0, v as number, true);
    } else if (vr === 'AT') {
      const tags = v as number[];
      bytes = new Uint8Array(tags.length * 4);
      const dv = new DataView(bytes.buffer);
      tags.forEach((t, i) => {
        dv.setUint16(i * 4, t >>> 16, true);
        dv.setUint16(i * 4 + 2, t & 0xffff, true);
      });
    } else {
      const str = String(v);
      if (!/^[\x20-\x7e]*$/.test(str))
        throw new DicomError('INVALID_VALUE', `${name}: only printable ASCII is allowed in a command set`, {
          tagPath: `(0000,${(tag & 0xffff).toString(16).padStart(4, '0').toUpperCase()})`,
        });
      const len = str.length + (str.length % 2);
      bytes = new Uint8Array(len);
      for (let i = 0; i < str.length; i++) bytes[i] = str.charCodeAt(i);
      if (len > str.length) bytes[len - 1] = vr === 'UI' ? 0 : 0x20; // UI pads with NUL, AE/LO with space
    }
    parts.push({ tag, bytes });
    total += 8 + bytes.length;
  }
  const out = new Uint8Array(12 + total);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, 0x00000000, true); // (0000,0000) UL, length 4, value = bytes after this element
  dv.setUint32(4, 4, true);
  dv.setUint32(8, total, true);
  let o = 12;
  for (const p of parts) {
    dv.setUint16(o, 0x0000, true);
    dv.setUint16(o + 2, p.tag & 0xffff, true);
    dv.setUint32(o + 4, p.bytes.length, true);
    out.set(p.bytes, o + 8);
    o += 8 + p.bytes.length;
  }
  return out;
}

/**
 * Decodes a command set (Implicit VR Little Endian, group 0000 only); unknown command elements are skipped. A
 * missing Command Field or Data Set Type, an element outside group 0000 or a length past the end is DIMSE_ERROR.
 */
export function decodeCommand(bytes: Uint8Array): Command {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Partial<Record<Field, number | string | number[]>> = {};
  let o = 0;
  while (o < bytes.length) {
    if (o + 8 > bytes.length)
      throw new DicomError('DIMSE_ERROR', 'command set ends inside an element header', { offset: o });
    const group = dv.getUint16(o, true);
    const element = dv.getUint16(o + 2, true);
    const len = dv.getUint32(o + 4, true);
    if (group !== 0x0000)
      throw new DicomError(
        'DIMSE_ERROR',
        `element (${group.toString(16).padStart(4, '0')},${element.toString(16).padStart(4, '0')}) in a command set`,
        { offset: o },
      );
    if (o + 8 + len > bytes.length)
      throw new DicomError(
        'DIMSE_ERROR',
        `command element (0000,${element.toString(16).padStart(4, '0')}) length ${len} runs past the command set`,
        { offset: o },
      );
    const f = BY_TAG.get(element);
    const at = o + 8;
    if (f) {
      if (f.vr === 'US') {
        if (len < 2) throw new DicomError('DIMSE_ERROR', `${f.name} shorter than 2 bytes`, { offset: o });
        out[f.name] = dv.getUint16(at, true);
      } else if (f.vr === 'AT') {
        const tags: number[] = [];
        for (let i = 0; i + 4 <= len; i += 4)
          tags.push(((dv.getUint16(at + i, true) << 16) | dv.getUint16(at + i + 2, true)) >>> 0);
        out[f.name] = tags;
      } else {
        let str = '';
        for (let i = 0; i < len; i++) str += String.fromCharCode(bytes[at + i]!);
        out[f.name] = f.vr === 'UI' ? str.replace(/[\0 ]+$/, '') : str.trim();
      }
    }
    o = at + len;
  }
  if (typeof out.CommandField !== 'number')
    throw new DicomError('DIMSE_ERROR', 'command set without Command Field (0000,0100)', {
      tagPath: '(0000,0100)',
    });
  if (typeof out.CommandDataSetType !== 'number')
    throw new DicomError('DIMSE_ERROR', 'command set without Command Data Set Type (0000,0800)', {
      tagPath: '(0000,0800)',
    });
  return out as Command;
}

export function hasDataset(cmd: Command): boolean {
  return cmd.CommandDataSetType !== NO_DATASET;
}

export function isResponse(cmd: Command): boolean {
  return (cmd.CommandField & 0x8000) !== 0;
}

export function commandName(cmd: Command | number): string {
  const f = typeof cmd === 'number' ? cmd : cmd.CommandField;
  return COMMAND_NAMES[f] ?? `command 0x${f.toString(16)}`;
}
