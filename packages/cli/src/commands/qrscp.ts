/**
 * `dicomkit qrscp --dir DIR --listen [host:]port --aet QRSCP [--peer AET@host:port ...]`: a Query/Retrieve SCP
 * (FIND, MOVE, GET; Patient and Study Root) over a folder, plus Verification and Storage into the folder.
 */
import type { Command } from 'commander';
import { statSync } from 'node:fs';
import {
  allStorageSopClasses,
  DicomServer,
  FolderProvider,
  QR,
  QueryRetrieveScp,
  ServiceRegistry,
  StorageScp,
  verificationScp,
  VERIFICATION_SOP_CLASS,
} from '@dicomkit/net';
import {
  checkAeTitle,
  cliLogger,
  parseListen,
  parsePeer,
  tlsServerOptions,
  withTls,
  type TlsCliOptions,
} from '../net/address.js';
import { UsageError } from '../errors.js';

interface QrScpOptions extends TlsCliOptions {
  dir: string;
  listen: string;
  aet: string;
  peer: string[];
  maxAssociations: string;
  verbose?: boolean;
}

export function registerQrScp(program: Command): void {
  withTls(
    program
      .command('qrscp')
      .description(
        'serve a folder as a Query/Retrieve SCP (C-FIND, C-MOVE, C-GET; also C-ECHO and C-STORE into it)',
      )
      .requiredOption('--dir <dir>', 'the folder of DICOM files')
      .requiredOption('--listen <[host:]port>', 'address to listen on (host defaults to 127.0.0.1)')
      .option('--aet <title>', 'our AE title', 'QRSCP')
      .option(
        '--peer <AET@host:port>',
        'a C-MOVE destination (repeatable)',
        (v: string, acc: string[]) => [...acc, v],
        [],
      )
      .option('--max-associations <n>', 'associations served at once', '32')
      .option('-v, --verbose', 'log associations'),
  ).action(async (o: QrScpOptions) => {
    if (!statSync(o.dir, { throwIfNoEntry: false })?.isDirectory())
      throw new UsageError(`${o.dir} is not a folder`);
    const { host, port } = parseListen(o.listen);
    const provider = new FolderProvider(o.dir);
    const storage = new Set(allStorageSopClasses());
    const qr = new Set<string>(Object.values(QR));
    const server = new DicomServer({
      policy: {
        aeTitles: [checkAeTitle(o.aet)],
        transferSyntaxesFor: (a) =>
          qr.has(a)
            ? ['1.2.840.10008.1.2.1', '1.2.840.10008.1.2']
            : a === VERIFICATION_SOP_CLASS || storage.has(a)
              ? ['1.2.840.10008.1.2.1', '*']
              : undefined,
      },
      handler: new ServiceRegistry([
        verificationScp,
        new StorageScp({ directory: o.dir, onStored: () => provider.rescan() }),
        new QueryRetrieveScp({ provider, aeTitle: o.aet, destinations: o.peer.map((p) => parsePeer(p)) }),
      ]),
      maxAssociations: Number(o.maxAssociations),
      idleTimeoutMs: 120_000,
      tls: tlsServerOptions(o),
      log: cliLogger(!!o.verbose),
    });
    const addr = await server.listen(port, host);
    process.stderr.write(
      `Q/R SCP ${o.aet} on ${addr.address}:${addr.port} serving ${provider.size} instance(s) from ${o.dir}\n`,
    );
    const stop = (): void => void server.close(2000).then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
