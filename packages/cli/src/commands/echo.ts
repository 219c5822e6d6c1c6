/**
 * `dicomkit echo AET@host:port`: C-ECHO (Verification, PS3.4 Annex A).
 */
import type { Command } from 'commander';
import { Association, echo, describeStatus, VERIFICATION_SOP_CLASS } from '@dicomkit/net';
import {
  checkAeTitle,
  cliLogger,
  parsePeer,
  tlsClientOptions,
  withTls,
  type TlsCliOptions,
} from '../net/address.js';
import { UsageError } from '../errors.js';

interface EchoOptions extends TlsCliOptions {
  aet: string;
  timeout: string;
  verbose?: boolean;
}

export function registerEcho(program: Command): void {
  withTls(
    program
      .command('echo')
      .description('verify a DICOM peer with C-ECHO')
      .argument('<peer>', 'the peer as AET@host:port')
      .option('--aet <title>', 'our (calling) AE title', 'DICOMKIT')
      .option('--timeout <seconds>', 'connect and response timeout', '10')
      .option('-v, --verbose', 'log the association'),
  ).action(async (peerArg: string, o: EchoOptions) => {
    const peer = parsePeer(peerArg);
    const ms = Number(o.timeout) * 1000;
    if (!(ms > 0)) throw new UsageError(`--timeout ${o.timeout} is not a positive number`);
    const start = process.hrtime.bigint();
    const a = await Association.connect({
      host: peer.host,
      port: peer.port,
      calledAeTitle: peer.aeTitle,
      callingAeTitle: checkAeTitle(o.aet),
      contexts: [
        {
          abstractSyntax: VERIFICATION_SOP_CLASS,
          transferSyntaxes: ['1.2.840.10008.1.2.1', '1.2.840.10008.1.2'],
        },
      ],
      connectTimeoutMs: ms,
      dimseTimeoutMs: ms,
      tls: tlsClientOptions(o),
      log: cliLogger(!!o.verbose),
      artimMs: 5000,
    });
    const status = await echo(a);
    await a.release();
    const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
    if (status !== 0) throw new UsageError(`C-ECHO to ${peerArg} answered ${describeStatus(status)}`);
    process.stdout.write(`C-ECHO ${peerArg}: success (${elapsed.toFixed(1)} ms)\n`);
  });
}
