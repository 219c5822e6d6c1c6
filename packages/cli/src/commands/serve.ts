/**
 * `dicomkit serve [--data ./data] [--host 127.0.0.1] [--dimse-port 11112] [--aet DICOMKIT]
 * [--move-destination AE=host:port ...]`: the archive — DIMSE Verification, Storage and Query/Retrieve over a
 * durable store and an SQLite index under the data folder. One log line per association and operation; stops
 * cleanly on SIGINT/SIGTERM.
 */
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { Archive } from '@dicomkit/archive';
import { checkAeTitle, cliLogger } from '../net/address.js';
import { UsageError } from '../errors.js';

interface ServeOptions {
  data: string;
  host: string;
  dimsePort: string;
  aet: string;
  moveDestination: string[];
  maxAssociations: string;
  verbose?: boolean;
}

/** `AE=host:port` (IPv6 hosts in brackets). */
export function parseMoveDestination(s: string): { aeTitle: string; host: string; port: number } {
  const m = /^([^=]{1,16})=(\[[^\]]+\]|[^:=]+):(\d{1,5})$/.exec(s);
  if (!m) throw new UsageError(`"${s}" is not AE=host:port`);
  const port = Number(m[3]);
  if (port < 1 || port > 65535) throw new UsageError(`port ${port} is out of range`);
  return { aeTitle: checkAeTitle(m[1]!), host: m[2]!.replace(/^\[|\]$/g, ''), port };
}

function port(s: string): number {
  const n = Number(s);
  if (!/^\d{1,5}$/.test(s) || n > 65535) throw new UsageError(`"${s}" is not a port number`);
  return n;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the archive: DIMSE Verification, Storage, Query/Retrieve (FIND, MOVE, GET) over ./data')
    .option('--data <dir>', 'data folder (index.sqlite, blobs/, tmp/)', './data')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--dimse-port <port>', 'DIMSE port', '11112')
    .option('--aet <title>', 'our AE title', 'DICOMKIT')
    .option(
      '--move-destination <AE=host:port>',
      'a C-MOVE destination (repeatable)',
      (v: string, acc: string[]) => [...acc, v],
      [],
    )
    .option('--max-associations <n>', 'associations served at once', '32')
    .option('-v, --verbose', 'log the associations in detail')
    .action(async (o: ServeOptions) => {
      const aeTitle = checkAeTitle(o.aet);
      const moveDestinations = o.moveDestination.map(parseMoveDestination);
      const dimsePort = port(o.dimsePort);
      const line = (s: string): void => void process.stderr.write(`${new Date().toISOString()} ${s}\n`);
      const archive = await Archive.open({
        dataDirectory: resolve(o.data),
        aeTitle,
        moveDestinations,
        maxAssociations: Number(o.maxAssociations),
        log: line,
        ...(o.verbose ? { netLog: cliLogger(true) } : {}),
      });
      const r = archive.reconciled;
      if (r.temporaryFilesRemoved + r.rowsDropped + r.blobsIndexed + r.blobsRemoved > 0)
        line(
          `reconciled: ${r.temporaryFilesRemoved} temporary file(s) removed, ${r.rowsDropped} row(s) without blob dropped, ` +
            `${r.blobsIndexed} blob(s) indexed, ${r.blobsRemoved} blob(s) removed`,
        );
      let addr;
      try {
        addr = await archive.listen(dimsePort, o.host);
      } catch (e) {
        await archive.close();
        throw e;
      }
      const c = await archive.index.counts();
      line(
        `archive ${aeTitle}: DIMSE on ${addr.address}:${addr.port}, data in ${resolve(o.data)} ` +
          `(${c.patients} patient(s), ${c.studies} study(ies), ${c.series} series, ${c.instances} instance(s))`,
      );
      let stopping = false;
      const stop = (signal: string): void => {
        if (stopping) return;
        stopping = true;
        line(`${signal}: stopping`);
        void archive.close(2000).then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
    });
}
