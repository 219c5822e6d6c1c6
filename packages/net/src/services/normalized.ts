/**
 * DIMSE-N operations (PS3.7 §10): N-EVENT-REPORT, N-GET, N-SET, N-ACTION, N-CREATE, N-DELETE as request helpers,
 * and a provider that hands N-* requests to a handler (for example Storage Commitment, PS3.4 Annex J: N-ACTION
 * from the SCU, N-EVENT-REPORT from the SCP, on the same association or a new one).
 */
import { DicomError, parseDataset, writeDatasetChunks, type Dataset } from '@dicomkit/core';
import type { Association, DimseMessage } from '../association.js';
import { CommandField, type Command } from '../dimse/command.js';
import { Status } from '../dimse/status.js';
import type { ServiceProvider } from './registry.js';

export type NOperation = 'N-EVENT-REPORT' | 'N-GET' | 'N-SET' | 'N-ACTION' | 'N-CREATE' | 'N-DELETE';

const FIELD: Record<NOperation, number> = {
  'N-EVENT-REPORT': CommandField.NEventReportRq,
  'N-GET': CommandField.NGetRq,
  'N-SET': CommandField.NSetRq,
  'N-ACTION': CommandField.NActionRq,
  'N-CREATE': CommandField.NCreateRq,
  'N-DELETE': CommandField.NDeleteRq,
};

export interface NRequest {
  sopClassUid: string;
  /** The SOP instance (N-CREATE may leave it to the SCP). */
  sopInstanceUid?: string;
  /** N-EVENT-REPORT Event Type ID, N-ACTION Action Type ID. */
  typeId?: number;
  /** N-GET: the attributes wanted (empty = all). */
  attributes?: number[];
  dataset?: Dataset;
}

export interface NResult {
  status: number;
  command: Command;
  dataset?: Dataset;
}

/** Sends one DIMSE-N request and returns its response (status, command, data set when one came). */
export async function nRequest(
  association: Association,
  op: NOperation,
  r: NRequest,
  signal?: AbortSignal,
): Promise<NResult> {
  const ctx = association.findContext(r.sopClassUid);
  if (!ctx) throw new DicomError('DIMSE_ERROR', `the peer did not accept ${r.sopClassUid}`);
  // PS3.7 Tables 10.3-1…10.3-12: Affected* for N-EVENT-REPORT and N-CREATE, Requested* for the others.
  const affected = op === 'N-EVENT-REPORT' || op === 'N-CREATE';
  const cmd: Command = {
    CommandField: FIELD[op],
    CommandDataSetType: r.dataset ? 0x0000 : 0x0101,
    ...(affected ? { AffectedSOPClassUID: r.sopClassUid } : { RequestedSOPClassUID: r.sopClassUid }),
    ...(r.sopInstanceUid
      ? affected
        ? { AffectedSOPInstanceUID: r.sopInstanceUid }
        : { RequestedSOPInstanceUID: r.sopInstanceUid }
      : {}),
    ...(op === 'N-EVENT-REPORT' && r.typeId !== undefined ? { EventTypeID: r.typeId } : {}),
    ...(op === 'N-ACTION' && r.typeId !== undefined ? { ActionTypeID: r.typeId } : {}),
    ...(op === 'N-GET' && r.attributes?.length ? { AttributeIdentifierList: r.attributes } : {}),
  };
  const rsp = await association.requestResponse(
    ctx.id,
    cmd,
    r.dataset ? writeDatasetChunks(r.dataset, ctx.transferSyntax) : undefined,
    signal ? { signal } : {},
  );
  return {
    status: rsp.command.Status ?? 0,
    command: rsp.command,
    ...(rsp.data ? { dataset: parseDataset(rsp.data, ctx.transferSyntax) } : {}),
  };
}

/** What an N-* handler gets, and returns. */
export interface NIndication {
  op: NOperation;
  command: Command;
  dataset?: Dataset;
  association: Association;
}
export type NHandler = (
  i: NIndication,
) => Promise<{ status: number; dataset?: Dataset }> | { status: number; dataset?: Dataset };

/** Serves N-* requests with one handler; the response copies the type ID and SOP class/instance. */
export class NormalizedScp implements ServiceProvider {
  readonly commands = Object.values(FIELD);

  constructor(readonly handler: NHandler) {}

  async handle(message: DimseMessage, association: Association): Promise<void> {
    const op = (Object.keys(FIELD) as NOperation[]).find((k) => FIELD[k] === message.command.CommandField)!;
    const dataset = message.data ? parseDataset(message.data, message.context.transferSyntax) : undefined;
    let r: { status: number; dataset?: Dataset };
    try {
      r = await this.handler({ op, command: message.command, association, ...(dataset ? { dataset } : {}) });
    } catch (e) {
      r = { status: Status.ProcessingFailure };
      void e;
    }
    const c = message.command;
    await association.respond(
      message,
      {
        Status: r.status,
        ...(c.EventTypeID !== undefined ? { EventTypeID: c.EventTypeID } : {}),
        ...(c.ActionTypeID !== undefined ? { ActionTypeID: c.ActionTypeID } : {}),
      },
      r.dataset ? writeDatasetChunks(r.dataset, message.context.transferSyntax) : undefined,
    );
  }
}
