/**
 * The archive's Storage SCP (PS3.4 Annex B): each C-STORE data set streams into a temporary file in the blob store's
 * temporary folder behind its File Meta group (net's FileSink, part10Header and TempFileReserve, as net's
 * StorageScp does), is fsynced, and is then ingested (blob durable, then indexed); the C-STORE response is sent
 * only after that, with Success — or a failure status, leaving nothing behind.
 */
import {
  CommandField,
  Status,
  StorageSinks,
  type AcceptedContext,
  type Association,
  type Command,
  type DimseMessage,
  type FileSink,
  type ServiceProvider,
} from '@dicomkit/net';
import { rm } from 'node:fs/promises';
import { isDicomError } from '@dicomkit/core';
import type { BlobStore } from './storage/blob-store.js';
import type { ArchiveIndex } from './index/archive-index.js';
import { ingestFile, type IngestResult } from './ingest.js';

export interface StoreEvent {
  callingAeTitle: string;
  sopInstanceUid: string;
  status: number;
  result?: IngestResult;
  error?: string;
}

export class ArchiveStorageScp implements ServiceProvider {
  readonly commands = [CommandField.CStoreRq];
  private readonly sinks: StorageSinks;

  constructor(
    readonly blobs: BlobStore,
    readonly index: ArchiveIndex,
    readonly onStore: (e: StoreEvent) => void = () => undefined,
  ) {
    // Two temporary files ahead per association, fsynced, in the blob store's temporary folder.
    this.sinks = new StorageSinks(blobs.tempDirectory, true, 2);
  }

  sinkFor(command: Command, context: AcceptedContext, association: Association): FileSink {
    return this.sinks.sinkFor(command, context, association);
  }

  async handle(message: DimseMessage, association: Association): Promise<void> {
    const sink = message.sink as FileSink | undefined;
    const uid = message.command.AffectedSOPInstanceUID ?? '';
    const callingAeTitle = association.callingAeTitle;
    if (!sink) {
      await association.respond(message, {
        Status: Status.DataSetDoesNotMatchSopClass,
        ErrorComment: 'no data set',
      });
      return;
    }
    let result: IngestResult;
    try {
      await sink.finish(); // every byte received and fsynced
      await sink.commit(sink.tempPath); // closes the file, leaving it where it is (a rename to itself)
      result = await ingestFile(this.blobs, this.index, sink.tempPath, { sourceAe: callingAeTitle });
    } catch (e) {
      await sink.abort();
      await rm(sink.tempPath, { force: true }); // closed by commit(), abort() leaves it: remove it here
      const bad = isDicomError(e);
      // A data set we cannot read or place in the hierarchy: C000 (cannot understand); else out of resources.
      const status = bad ? Status.UnableToProcess : Status.OutOfResources;
      const error = bad ? e.describe() : String((e as Error).message);
      this.onStore({ callingAeTitle, sopInstanceUid: uid, status, error });
      await association.respond(message, { Status: status, ErrorComment: error.slice(0, 64) });
      return;
    }
    let status: number = Status.Success;
    // The command and the data set disagree on the instance: stored under the data set's UID, with the warning
    // B007 "Data Set does not match SOP Class" (PS3.4 Table B.2-1).
    if (uid && result.sopInstanceUid !== uid) status = Status.DataSetDoesNotMatchSopClassWarning;
    this.onStore({ callingAeTitle, sopInstanceUid: result.sopInstanceUid, status, result });
    await association.respond(message, { Status: status });
  }
}
