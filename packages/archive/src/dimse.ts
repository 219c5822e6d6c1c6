/**
 * The archive's DIMSE side: an {@link Archive} opens the blob store and the index (reconciling them after a
 * crash), then serves Verification, Storage (into the archive) and Query/Retrieve (Patient Root and Study Root
 * FIND, MOVE, GET over the index) with net's DicomServer. DICOMweb will be a second listener over the same store and
 * index.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { AddressInfo, Socket } from 'node:net';
import {
  allStorageSopClasses,
  Association,
  DicomServer,
  QR,
  QueryRetrieveScp,
  ServiceRegistry,
  verificationScp,
  VERIFICATION_SOP_CLASS,
  type DimseMessage,
  type Logger,
  type MoveDestination,
  type QueryLevel,
  type QueryModel,
  type QueryRetrieveProvider,
  type ServiceProvider,
} from '@dicomkit/net';
import type { Dataset } from '@dicomkit/core';
import { FsBlobStore } from './storage/fs-blob-store.js';
import { ArchiveIndex } from './index/archive-index.js';
import { IndexQuery } from './index/query.js';
import { IndexProvider } from './qr-provider.js';
import { ArchiveStorageScp } from './storage-scp.js';
import { reconcile, type ReconcileReport } from './reconcile.js';

export interface ArchiveOptions {
  /** The data folder: `index.sqlite`, `blobs/`, `tmp/` (created when missing). */
  dataDirectory: string;
  /** Our AE title (called AE title accepted, calling AE of C-MOVE sub-associations). Default DICOMKIT. */
  aeTitle?: string;
  /** C-MOVE destinations; any other AE gets A801. */
  moveDestinations?: MoveDestination[];
  /** Associations served at once (default 32). */
  maxAssociations?: number;
  /** Idle association timeout (default 120 s). */
  idleTimeoutMs?: number;
  /** One line per association and per operation. */
  log?: (line: string) => void;
  /** net's structured log of the associations (debugging). */
  netLog?: Logger;
}

const EXPLICIT_LE = '1.2.840.10008.1.2.1';
const IMPLICIT_LE = '1.2.840.10008.1.2';

export class Archive {
  private server: DicomServer | undefined;
  private readonly caller = new AsyncLocalStorage<string>();

  private constructor(
    readonly options: ArchiveOptions,
    readonly blobs: FsBlobStore,
    readonly index: ArchiveIndex,
    readonly query: IndexQuery,
    /** What start-up reconciliation found. */
    readonly reconciled: ReconcileReport,
  ) {}

  get aeTitle(): string {
    return this.options.aeTitle ?? 'DICOMKIT';
  }

  /** Opens the store and the index under `dataDirectory` and reconciles them. */
  static async open(options: ArchiveOptions): Promise<Archive> {
    await mkdir(options.dataDirectory, { recursive: true });
    const blobs = new FsBlobStore(options.dataDirectory);
    await blobs.init();
    const index = await ArchiveIndex.openSqlite(join(options.dataDirectory, 'index.sqlite'));
    try {
      const report = await reconcile(blobs, index, (m) => options.log?.(`reconcile: ${m}`));
      return new Archive(options, blobs, index, new IndexQuery(index), report);
    } catch (e) {
      await index.close();
      throw e;
    }
  }

  private log(line: string): void {
    this.options.log?.(line);
  }

  /** Starts the DIMSE listener (port 0: any free port). */
  async listen(port = 11112, host = '127.0.0.1'): Promise<AddressInfo> {
    const storage = new Set(allStorageSopClasses());
    const qr = new Set<string>(Object.values(QR));
    const provider = this.loggingProvider(
      new IndexProvider(this.query, this.blobs, { aeTitle: this.aeTitle }),
    );
    const store = new ArchiveStorageScp(this.blobs, this.index, (e) =>
      this.log(
        `C-STORE ${e.sopInstanceUid} from ${e.callingAeTitle}: ` +
          (e.result
            ? `stored${e.result.replaced ? ' (replaced)' : ''}, ${e.result.size} bytes` +
              (e.status ? ` (warning 0x${e.status.toString(16)})` : '')
            : `failed 0x${e.status.toString(16)}: ${e.error}`),
      ),
    );
    const echo: ServiceProvider = {
      commands: verificationScp.commands,
      handle: async (message, association, signal) => {
        await verificationScp.handle(message, association, signal);
        this.log(`C-ECHO from ${association.callingAeTitle}`);
      },
    };
    const handler = new ServiceRegistry([
      echo,
      store,
      this.withCaller(
        new QueryRetrieveScp({
          provider,
          aeTitle: this.aeTitle,
          destinations: this.options.moveDestinations ?? [],
        }),
      ),
    ]);
    this.server = new DicomServer({
      policy: {
        aeTitles: [this.aeTitle],
        transferSyntaxesFor: (a) =>
          qr.has(a)
            ? [EXPLICIT_LE, IMPLICIT_LE]
            : a === VERIFICATION_SOP_CLASS || storage.has(a)
              ? ['*'] // any, in the requestor's order: objects are stored as they come
              : undefined,
      },
      handler,
      maxAssociations: this.options.maxAssociations ?? 32,
      idleTimeoutMs: this.options.idleTimeoutMs ?? 120_000,
      ...(this.options.netLog ? { log: this.options.netLog } : {}),
      onAssociation: (a) => this.watch(a),
    });
    return this.server.listen(port, host);
  }

  /** One line when an association ends. */
  private watch(a: Association): void {
    const socket = a.socket as Partial<Socket>;
    const peer = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    void a.closed.then((info) => {
      if (!a.request) return; // a connection that never asked for an association
      this.log(
        `association ${a.callingAeTitle} → ${a.calledAeTitle} from ${peer}: ` +
          (info ? `aborted (${info.message ?? 'abort'})` : 'released'),
      );
    });
  }

  /** Runs a service with the calling AE title known to the provider's log lines. */
  private withCaller(inner: ServiceProvider): ServiceProvider {
    return {
      commands: inner.commands,
      handle: (message: DimseMessage, association: Association, signal: AbortSignal) =>
        this.caller.run(association.callingAeTitle, () => inner.handle(message, association, signal)),
    };
  }

  private loggingProvider(inner: IndexProvider): QueryRetrieveProvider {
    const log = (line: string) => this.log(line);
    const caller = () => this.caller.getStore() ?? '?';
    return {
      async *find(level: QueryLevel, identifier: Dataset, model: QueryModel, signal: AbortSignal) {
        let n = 0;
        try {
          for await (const d of inner.find(level, identifier, model, signal)) {
            n++;
            yield d;
          }
        } finally {
          log(
            `C-FIND ${model === 'PATIENT' ? 'Patient' : 'Study'} Root ${level} from ${caller()}: ${n} match(es)`,
          );
        }
      },
      async retrieve(level: QueryLevel, identifier: Dataset, model: QueryModel, signal: AbortSignal) {
        const files = await inner.retrieve(level, identifier, model, signal);
        log(`C-MOVE/C-GET ${level} from ${caller()}: ${files.length} instance(s) to send`);
        return files;
      },
    };
  }

  /** Stops listening (open associations get `graceMs` to finish) and closes the index. */
  async close(graceMs = 2000): Promise<void> {
    await this.server?.close(graceMs);
    this.server = undefined;
    await this.index.close();
  }
}
