/**
 * `dicomkit receive --listen [host:]port --aet AET --out DIR`: a storage SCP for every storage SOP class and
 * transfer syntax. Files are named by SOP Instance UID (only when it is a well-formed UID), streamed to a
 * hidden temporary file and renamed on success: DIR holds nothing else.
 */
import type { Command } from 'commander';
import { mkdirSync, statSync } from 'node:fs';
import {
  allStorageSopClasses,
  DicomServer,
  ServiceRegistry,
  StorageScp,
  verificationScp,
  VERIFICATION_SOP_CLASS,
} from '@dicomkit/net';
import {
  checkAeTitle,
  cliLogger,
  parseListen,
  tlsServerOptions,
  withTls,
  type TlsCliOptions,
} from '../net/address.js';
import { UsageError } from '../errors.js';

interface ReceiveOptions extends TlsCliOptions {
  listen: string;
  aet: string;
  out: string;
  maxAssociations: string;
  idleTimeout: string;
  maxPdu: string;
  fsync: boolean;
  verbose?: boolean;
  anyAet?: boolean;
}

export function registerReceive(program: Command): void {
  withTls(
    program
      .command('receive')
      .description('receive DICOM files (storage SCP)')
      .requiredOption('--listen <[host:]port>', 'address to listen on (host defaults to 127.0.0.1)')
      .option('--aet <title>', 'our AE title (requests for another called AE are rejected)', 'DICOMKIT')
      .option('--any-aet', 'accept any called AE title')
      .requiredOption('--out <dir>', 'folder for the received files')
      .option('--max-associations <n>', 'associations served at once', '32')
      .option('--idle-timeout <seconds>', 'abort an association idle this long', '120')
      .option('--max-pdu <bytes>', 'the maximum PDU length we receive', '262144')
      .option('--no-fsync', 'do not fsync each file before renaming it')
      .option('-v, --verbose', 'log associations and files'),
  ).action(async (o: ReceiveOptions) => {
    const { host, port } = parseListen(o.listen);
    mkdirSync(o.out, { recursive: true });
    if (!statSync(o.out).isDirectory()) throw new UsageError(`${o.out} is not a folder`);
    const storage = new Set(allStorageSopClasses());
    const log = cliLogger(!!o.verbose);
    let count = 0;
    const server = new DicomServer({
      policy: {
        aeTitles: o.anyAet ? [] : [checkAeTitle(o.aet)],
        preference: 'requestor',
        transferSyntaxesFor: (a) => (a === VERIFICATION_SOP_CLASS || storage.has(a) ? ['*'] : undefined),
      },
      handler: new ServiceRegistry([
        verificationScp,
        new StorageScp({
          directory: o.out,
          fsync: o.fsync,
          onStored: (s) => {
            count++;
            if (o.verbose)
              process.stderr.write(`stored ${s.path} from ${s.callingAeTitle} (${s.size} bytes)\n`);
          },
        }),
      ]),
      maxAssociations: Number(o.maxAssociations),
      idleTimeoutMs: Number(o.idleTimeout) * 1000,
      maxPduLength: Number(o.maxPdu),
      tls: tlsServerOptions(o),
      log,
    });
    const addr = await server.listen(port, host);
    process.stderr.write(`receiving as ${o.aet} on ${addr.address}:${addr.port} into ${o.out}\n`);
    const stop = (): void => {
      void server.close(5000).then(() => {
        process.stderr.write(`stopped after ${count} file(s)\n`);
        process.exit(0);
      });
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
