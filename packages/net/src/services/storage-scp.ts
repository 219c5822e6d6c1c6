/**
 * Storage Service Class, SCP side (PS3.4 Annex B): every C-STORE data set streams into a temporary file (see
 * {@link FileSink}); a handler decides the status; the file gets its final name only on success or warning.
 */
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { storageSopClasses, uidsOfType, TRANSFER_SYNTAXES } from '@dicomkit/core';
import type { Association, DimseMessage } from '../association.js';
import type { AcceptedContext } from '../negotiation.js';
import { CommandField, type Command } from '../dimse/command.js';
import { Status, statusCategory } from '../dimse/status.js';
import type { FileSink } from './file-sink.js';
import { StorageSinks } from './storage-sinks.js';
import type { ServiceProvider } from './registry.js';

/** What a storage handler learns about a received object. */
export interface StoredObject {
  sopClassUid: string;
  sopInstanceUid: string;
  transferSyntaxUid: string;
  callingAeTitle: string;
  /** The temporary file holding the Part 10 object (complete and fsynced). */
  tempPath: string;
  /** Bytes of the data set. */
  size: number;
}

export interface StorageScpOptions {
  /** Folder the files go to. */
  directory: string;
  /** The final file name inside the folder (default: {@link safeFileName} of the SOP Instance UID + ".dcm"). */
  fileName?(o: StoredObject): string;
  /** Decides the C-STORE status (default Success); a failure status discards the file. */
  decide?(o: StoredObject): number | Promise<number>;
  /** Called once the file is in place. */
  onStored?(o: StoredObject & { path: string; status: number }): void;
  /** fsync before rename (default true). */
  fsync?: boolean;
}

/** A UID as a file name: only when it is a well-formed UID (digits and dots, ≤ 64); else a hash of it. */
export function safeFileName(uid: string): string {
  if (/^[0-9]+(\.[0-9]+)*$/.test(uid) && uid.length <= 64) return uid;
  return `invalid-uid-${createHash('sha256').update(uid).digest('hex').slice(0, 32)}`;
}

export class StorageScp implements ServiceProvider {
  readonly commands = [CommandField.CStoreRq];
  private readonly sinks: StorageSinks;

  constructor(readonly options: StorageScpOptions) {
    this.sinks = new StorageSinks(options.directory, options.fsync ?? true);
  }

  sinkFor(command: Command, context: AcceptedContext, association: Association): FileSink {
    return this.sinks.sinkFor(command, context, association);
  }

  async handle(message: DimseMessage, association: Association): Promise<void> {
    const sink = message.sink as FileSink | undefined;
    const cmd = message.command;
    if (!sink) {
      // A C-STORE without a data set cannot be stored.
      await association.respond(message, {
        Status: Status.DataSetDoesNotMatchSopClass,
        ErrorComment: 'no data set',
      });
      return;
    }
    const obj: StoredObject = {
      sopClassUid: cmd.AffectedSOPClassUID ?? message.context.abstractSyntax,
      sopInstanceUid: cmd.AffectedSOPInstanceUID ?? '',
      transferSyntaxUid: message.context.transferSyntax,
      callingAeTitle: association.callingAeTitle,
      tempPath: sink.tempPath,
      size: sink.received,
    };
    let status: number;
    try {
      await sink.finish();
      status = await (this.options.decide?.(obj) ?? Status.Success);
    } catch (e) {
      await sink.abort();
      await association.respond(message, {
        Status: Status.OutOfResources,
        ErrorComment: String((e as Error).message).slice(0, 64),
      });
      return;
    }
    const category = statusCategory(status);
    if (category === 'success' || category === 'warning') {
      const path = join(
        this.options.directory,
        this.options.fileName?.(obj) ?? `${safeFileName(obj.sopInstanceUid)}.dcm`,
      );
      try {
        await sink.commit(path);
      } catch (e) {
        await sink.abort();
        await association.respond(message, {
          Status: Status.OutOfResources,
          ErrorComment: String((e as Error).message).slice(0, 64),
        });
        return;
      }
      this.options.onStored?.({ ...obj, path, status });
    } else await sink.abort();
    await association.respond(message, { Status: status });
  }
}

/** Every storage SOP class in the dictionary, retired ones included (old modalities still send them). */
export function allStorageSopClasses(): string[] {
  const retired = uidsOfType('SOP Class').filter(
    (e) =>
      e.retired &&
      /Storage( - For (Presentation|Processing))?( \(Retired\))?$/.test(e.name) &&
      !/Commitment/.test(e.name),
  );
  return [...new Set([...storageSopClasses(), ...retired].map((e) => e.uid))];
}

/** Every transfer syntax we know, uncompressed first (an SCP that stores bytes as they come accepts all). */
export function allTransferSyntaxes(): string[] {
  const native = [
    '1.2.840.10008.1.2.1',
    '1.2.840.10008.1.2',
    '1.2.840.10008.1.2.2',
    '1.2.840.10008.1.2.1.99',
  ];
  return [...native, ...TRANSFER_SYNTAXES.map((t) => t.uid).filter((u) => !native.includes(u))];
}
