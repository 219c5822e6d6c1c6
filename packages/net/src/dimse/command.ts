/**
 * DIMSE command sets (PS3.7 §9.3, §10.3, Annex E): group 0000 elements, always Implicit VR Little Endian
 * (PS3.7 §6.3.1), Command Group Length first. Encoded and decoded with @dicomkit/core.
 */
import { Dataset, DicomError, ImplicitVRLittleEndian, parseDataset, writeDataset } from '@dicomkit/core';

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

/** Encodes a command set in Implicit VR Little Endian with its Command Group Length (0000,0000). */
export function encodeCommand(cmd: Command): Uint8Array {
  const ds = new Dataset();
  const rec = cmd as unknown as Record<string, unknown>;
  for (const [name, tag, vr] of FIELDS) {
    const v = rec[name];
    if (v === undefined) continue;
    if (vr === 'AT') ds.set(tag, 'AT', v as number[]);
    else ds.set(tag, vr, v as string | number);
  }
  const body = writeDataset(ds, ImplicitVRLittleEndian);
  const out = new Uint8Array(12 + body.length);
  const dv = new DataView(out.buffer);
  // (0000,0000) UL, length 4, value = bytes after this element.
  dv.setUint32(0, 0x00000000, true);
  dv.setUint32(4, 4, true);
  dv.setUint32(8, body.length, true);
  out.set(body, 12);
  return out;
}

/** Decodes a command set; a missing Command Field or Data Set Type is DIMSE_ERROR. */
export function decodeCommand(bytes: Uint8Array): Command {
  let ds: Dataset;
  try {
    ds = parseDataset(bytes, ImplicitVRLittleEndian.uid);
  } catch (e) {
    throw new DicomError('DIMSE_ERROR', `command set cannot be decoded: ${(e as Error).message}`, { cause: e });
  }
  const out: Record<string, unknown> = {};
  for (const [name, tag, vr] of FIELDS) {
    const el = ds.get(tag);
    if (!el) continue;
    if (vr === 'US') out[name] = ds.number(tag);
    else if (vr === 'AT') out[name] = ds.numbers(tag);
    else out[name] = ds.string(tag);
  }
  if (typeof out.CommandField !== 'number') throw new DicomError('DIMSE_ERROR', 'command set without Command Field (0000,0100)', { tagPath: '(0000,0100)' });
  if (typeof out.CommandDataSetType !== 'number') throw new DicomError('DIMSE_ERROR', 'command set without Command Data Set Type (0000,0800)', { tagPath: '(0000,0800)' });
  return out as unknown as Command;
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
