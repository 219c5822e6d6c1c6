/**
 * Query/Retrieve Service Class, SCP side (PS3.4 Annex C): C-FIND, C-MOVE and C-GET for the Patient Root and
 * Study Root information models, delegating to a {@link QueryRetrieveProvider}. C-MOVE goes only to configured
 * destinations (A801 otherwise, ROBUSTNESS.md #17); C-GET sends its C-STORE sub-operations on the same
 * association, on contexts where the requestor took the SCP role. C-CANCEL stops matching or sub-operations.
 */
import { DicomError, parseDataset, writeDatasetChunks, type Dataset } from '@dicomkit/core';
import { Association, type DimseMessage } from '../association.js';
import { CommandField } from '../dimse/command.js';
import { Status } from '../dimse/status.js';
import type { ServiceProvider } from './registry.js';
import type { QueryRetrieveProvider } from './folder-provider.js';
import { LEVELS, type QueryLevel, type QueryModel } from './matching.js';
import { contextsFor, readPart10Info, storeFile, type Part10Info } from './storage-scu.js';
import { statusCategory } from '../dimse/status.js';

/** Q/R SOP classes (PS3.4 Annex C.6). */
export const QR = {
  PatientRootFind: '1.2.840.10008.5.1.4.1.2.1.1',
  PatientRootMove: '1.2.840.10008.5.1.4.1.2.1.2',
  PatientRootGet: '1.2.840.10008.5.1.4.1.2.1.3',
  StudyRootFind: '1.2.840.10008.5.1.4.1.2.2.1',
  StudyRootMove: '1.2.840.10008.5.1.4.1.2.2.2',
  StudyRootGet: '1.2.840.10008.5.1.4.1.2.2.3',
} as const;

export function modelOf(sopClassUid: string): QueryModel | undefined {
  if (sopClassUid.startsWith('1.2.840.10008.5.1.4.1.2.1.')) return 'PATIENT';
  if (sopClassUid.startsWith('1.2.840.10008.5.1.4.1.2.2.')) return 'STUDY';
  return undefined;
}

/** A C-MOVE destination. */
export interface MoveDestination {
  aeTitle: string;
  host: string;
  port: number;
}

export interface QueryRetrieveScpOptions {
  provider: QueryRetrieveProvider;
  /** C-MOVE destinations by AE title; any other gets A801. */
  destinations?: MoveDestination[];
  /** Our AE title, as calling AE of C-MOVE sub-associations. */
  aeTitle: string;
  /** Send a pending C-MOVE/C-GET response after every sub-operation (default true). */
  pendingEvery?: number;
}

function levelOf(identifier: Dataset, model: QueryModel): QueryLevel | undefined {
  const l = identifier.string(0x00080052)?.trim().toUpperCase();
  if (!l || !(LEVELS as readonly string[]).includes(l)) return undefined;
  if (model === 'STUDY' && l === 'PATIENT') return undefined;
  return l as QueryLevel;
}

export class QueryRetrieveScp implements ServiceProvider {
  readonly commands = [CommandField.CFindRq, CommandField.CMoveRq, CommandField.CGetRq];

  constructor(readonly options: QueryRetrieveScpOptions) {}

  async handle(message: DimseMessage, association: Association, signal: AbortSignal): Promise<void> {
    const model = modelOf(message.context.abstractSyntax);
    if (!model || !message.data) {
      await association.respond(message, {
        Status: Status.IdentifierDoesNotMatchSopClass,
        ErrorComment: 'no identifier or not a Q/R SOP class',
      });
      return;
    }
    let identifier: Dataset;
    try {
      identifier = parseDataset(message.data, message.context.transferSyntax);
    } catch (e) {
      await association.respond(message, {
        Status: Status.IdentifierDoesNotMatchSopClass,
        ErrorComment: String((e as Error).message).slice(0, 64),
      });
      return;
    }
    const level = levelOf(identifier, model);
    if (!level) {
      await association.respond(message, {
        Status: Status.IdentifierDoesNotMatchSopClass,
        ErrorComment: 'invalid QueryRetrieveLevel',
      });
      return;
    }
    switch (message.command.CommandField) {
      case CommandField.CFindRq:
        return this.find(message, association, signal, identifier, level, model);
      case CommandField.CMoveRq:
      case CommandField.CGetRq:
        return this.retrieve(message, association, signal, identifier, level, model);
    }
  }

  private async find(
    message: DimseMessage,
    association: Association,
    signal: AbortSignal,
    identifier: Dataset,
    level: QueryLevel,
    model: QueryModel,
  ): Promise<void> {
    const ts = message.context.transferSyntax;
    try {
      for await (const match of this.options.provider.find(level, identifier, model, signal)) {
        if (signal.aborted) {
          await association.respond(message, { Status: Status.Cancel });
          return;
        }
        await association.respond(message, { Status: Status.Pending }, writeDatasetChunks(match, ts));
      }
    } catch (e) {
      await association.respond(message, {
        Status: Status.UnableToProcess,
        ErrorComment: String((e as Error).message).slice(0, 64),
      });
      return;
    }
    await association.respond(message, { Status: signal.aborted ? Status.Cancel : Status.Success });
  }

  private async retrieve(
    message: DimseMessage,
    association: Association,
    signal: AbortSignal,
    identifier: Dataset,
    level: QueryLevel,
    model: QueryModel,
  ): Promise<void> {
    const isMove = message.command.CommandField === CommandField.CMoveRq;
    let target: Association | undefined;
    let files: string[];
    try {
      files = await this.options.provider.retrieve(level, identifier, model, signal);
    } catch (e) {
      await association.respond(message, {
        Status: Status.UnableToProcess,
        ErrorComment: String((e as Error).message).slice(0, 64),
      });
      return;
    }
    const infos: { path: string; info: Part10Info }[] = [];
    let failed = 0;
    for (const path of files) {
      try {
        infos.push({ path, info: readPart10Info(path) });
      } catch {
        failed++;
      }
    }
    if (isMove) {
      const destAe = (message.command.MoveDestination ?? '').trim();
      const dest = this.options.destinations?.find((d) => d.aeTitle === destAe);
      if (!dest) {
        await association.respond(message, {
          Status: Status.MoveDestinationUnknown,
          ErrorComment: `unknown destination ${destAe}`.slice(0, 64),
        });
        return;
      }
      if (infos.length > 0) {
        try {
          target = await Association.connect({
            host: dest.host,
            port: dest.port,
            callingAeTitle: this.options.aeTitle,
            calledAeTitle: dest.aeTitle,
            contexts: contextsFor(infos.map((x) => x.info)).slice(0, 128),
            log: association.options.log,
          });
        } catch (e) {
          await association.respond(message, {
            Status: Status.OutOfResourcesSubOperations,
            ErrorComment: String((e as Error).message).slice(0, 64),
          });
          return;
        }
      }
    } else target = association;

    let completed = 0;
    let warning = 0;
    const failedUids: string[] = [];
    let remaining = infos.length;
    const counts = () => ({
      NumberOfRemainingSuboperations: remaining,
      NumberOfCompletedSuboperations: completed,
      NumberOfFailedSuboperations: failed + failedUids.length,
      NumberOfWarningSuboperations: warning,
    });
    try {
      for (const { path, info } of infos) {
        if (signal.aborted) break;
        remaining--;
        try {
          const r = await storeFile(target!, path, info, {
            moveOriginator: {
              aeTitle: association.callingAeTitle,
              messageId: message.command.MessageID ?? 0,
            },
          });
          const c = statusCategory(r.status);
          if (c === 'success') completed++;
          else if (c === 'warning') warning++;
          else failedUids.push(info.sopInstanceUid);
        } catch (e) {
          failedUids.push(info.sopInstanceUid);
          if (!target!.isEstablished) break;
          void e;
        }
        if (remaining > 0) await association.respond(message, { Status: Status.Pending, ...counts() });
      }
    } finally {
      if (isMove && target?.isEstablished) await target.release().catch(() => undefined);
    }
    if (signal.aborted) {
      await association.respond(message, { Status: Status.Cancel, ...counts() });
      return;
    }
    const anyFailed = failed + failedUids.length > 0;
    const status =
      !anyFailed && warning === 0
        ? Status.Success
        : completed + warning === 0 && anyFailed
          ? Status.OutOfResourcesSubOperations
          : Status.WarningSubOperationsFailures;
    // PS3.4 §C.4.2.1.4: the final response carries no remaining count; failed UIDs go in the identifier.
    const final = {
      Status: status,
      NumberOfCompletedSuboperations: completed,
      NumberOfFailedSuboperations: failed + failedUids.length,
      NumberOfWarningSuboperations: warning,
    };
    if (failedUids.length && status !== Status.Success) {
      const { Dataset } = await import('@dicomkit/core');
      const ds = new Dataset();
      ds.set(0x00080058, 'UI', failedUids); // FailedSOPInstanceUIDList
      await association.respond(message, final, writeDatasetChunks(ds, message.context.transferSyntax));
    } else await association.respond(message, final);
  }
}

/** The retrieve status a requestor sees, as an error when it is a failure. */
export function assertRetrieveOk(status: number): void {
  if (statusCategory(status) === 'failure')
    throw new DicomError('DIMSE_ERROR', `retrieve failed with status 0x${status.toString(16)}`);
}
