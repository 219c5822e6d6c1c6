/**
 * Peer addressing for the network commands: `AET@host:port` (IPv6 hosts in brackets: `AET@[::1]:104`).
 */
import { readFileSync } from 'node:fs';
import type { ConnectionOptions, TlsOptions } from 'node:tls';
import type { Command } from 'commander';
import type { Logger } from '@dicomkit/net';
import { UsageError } from '../errors.js';

export interface PeerAddress {
  aeTitle: string;
  host: string;
  port: number;
}

export function parsePeer(s: string): PeerAddress {
  const m = /^([^@]{1,16})@(\[[^\]]+\]|[^:@]+):(\d{1,5})$/.exec(s);
  if (!m) throw new UsageError(`"${s}" is not AET@host:port`);
  const port = Number(m[3]);
  if (port < 1 || port > 65535) throw new UsageError(`port ${port} is out of range`);
  return { aeTitle: m[1]!, host: m[2]!.replace(/^\[|\]$/g, ''), port };
}

export function parseListen(s: string): { host: string; port: number } {
  const m = /^(?:(\[[^\]]+\]|[^:]+):)?(\d{1,5})$/.exec(s);
  if (!m) throw new UsageError(`"${s}" is not [host:]port`);
  return { host: (m[1] ?? '127.0.0.1').replace(/^\[|\]$/g, ''), port: Number(m[2]) };
}

export function checkAeTitle(ae: string): string {
  if (!/^[\x20-\x5b\x5d-\x7e]{1,16}$/.test(ae) || ae.trim() === '')
    throw new UsageError(`"${ae}" is not a valid AE title (1–16 characters, no backslash)`);
  return ae;
}

/** Options shared by the network commands. */
export interface TlsCliOptions {
  tls?: boolean;
  tlsKey?: string;
  tlsCert?: string;
  tlsCa?: string[];
  tlsNoVerify?: boolean;
}

export function tlsClientOptions(o: TlsCliOptions): ConnectionOptions | undefined {
  if (!o.tls) return undefined;
  return {
    minVersion: 'TLSv1.2', // BCP 195
    ...(o.tlsKey ? { key: readFileSync(o.tlsKey) } : {}),
    ...(o.tlsCert ? { cert: readFileSync(o.tlsCert) } : {}),
    ...(o.tlsCa?.length ? { ca: o.tlsCa.map((p) => readFileSync(p)) } : {}),
    rejectUnauthorized: !o.tlsNoVerify,
    checkServerIdentity: () => undefined, // DICOM peers are identified by certificate chain, not host name
  };
}

export function tlsServerOptions(o: TlsCliOptions): TlsOptions | undefined {
  if (!o.tls) return undefined;
  if (!o.tlsKey || !o.tlsCert) throw new UsageError('--tls needs --tls-key and --tls-cert');
  return {
    minVersion: 'TLSv1.2',
    key: readFileSync(o.tlsKey),
    cert: readFileSync(o.tlsCert),
    ...(o.tlsCa?.length
      ? { ca: o.tlsCa.map((p) => readFileSync(p)), requestCert: true, rejectUnauthorized: !o.tlsNoVerify }
      : {}),
  };
}

/** A logger printing info and above to stderr (debug with --verbose). */
export function cliLogger(verbose: boolean): Logger {
  return (e) => {
    if (e.level === 'debug' && !verbose) return;
    if (e.level === 'info' && !verbose) return;
    process.stderr.write(`${e.level === 'warn' || e.level === 'error' ? e.level + ': ' : ''}${e.msg}\n`);
  };
}

/** Adds --tls, --tls-key, --tls-cert, --tls-ca, --tls-no-verify to a command. */
export function withTls(cmd: Command): Command {
  return cmd
    .option('--tls', 'use TLS (BCP 195: TLS 1.2 or later)')
    .option('--tls-key <file>', 'private key (PEM)')
    .option('--tls-cert <file>', 'certificate (PEM)')
    .option('--tls-ca <file...>', 'trusted CA certificates (PEM)')
    .option('--tls-no-verify', 'do not verify the peer certificate');
}
