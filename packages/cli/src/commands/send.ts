/**
 * `dicomkit send <files|dirs...> --to AET@host:port`: C-STORE files over one association (more only when the
 * files need more than 128 presentation contexts). Each file's own transfer syntax is proposed, plus
 * uncompressed fallbacks for uncompressed files.
 */
import type { Command } from 'commander';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SingleBar, Presets } from 'cli-progress';
import { isDicomError } from '@dicomkit/core';
import {
  Association,
  contextsFor,
  fileContexts,
  describeStatus,
  readPart10Info,
  statusCategory,
  storeFiles,
  type Part10Info,
} from '@dicomkit/net';
import {
  checkAeTitle,
  cliLogger,
  parsePeer,
  tlsClientOptions,
  withTls,
  type TlsCliOptions,
} from '../net/address.js';
import { UsageError } from '../errors.js';

interface SendOptions extends TlsCliOptions {
  to: string;
  aet: string;
  timeout: string;
  maxPdu: string;
  window: string;
  associations: string;
  verbose?: boolean;
}

/** Every file under the given paths (folders recursively, hidden files skipped), in a stable order. */
export function collectFiles(paths: string[]): string[] {
  const out: string[] = [];
  const walk = (p: string): void => {
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const name of readdirSync(p).sort()) if (!name.startsWith('.')) walk(join(p, name));
    } else if (st.isFile()) out.push(p);
  };
  for (const p of paths) walk(p);
  return out;
}

export function registerSend(program: Command): void {
  withTls(
    program
      .command('send')
      .description('send DICOM files to a storage SCP (C-STORE)')
      .argument('<paths...>', 'files or folders (recursively)')
      .requiredOption('--to <peer>', 'the storage SCP as AET@host:port')
      .option('--aet <title>', 'our (calling) AE title', 'DICOMKIT')
      .option('--timeout <seconds>', 'connect and response timeout', '60')
      .option('--max-pdu <bytes>', 'the maximum PDU length we receive', '262144')
      .option('--associations <n>', 'associations to send over side by side', '1')
      .option(
        '--window <n>',
        'C-STOREs outstanding at once, when the peer negotiates asynchronous operations (PS3.7 §D.3.3.3)',
        '16',
      )
      .option('-v, --verbose', 'log each file and the association'),
  ).action(async (paths: string[], o: SendOptions) => {
    const peer = parsePeer(o.to);
    const ms = Number(o.timeout) * 1000;
    if (!(ms > 0)) throw new UsageError(`--timeout ${o.timeout} is not a positive number`);
    const files = collectFiles(paths);
    if (files.length === 0) throw new UsageError('no files to send');
    let sent = 0;
    let failed = 0;
    let warnings = 0;
    const problems: string[] = [];
    const infos: { path: string; info: Part10Info }[] = [];
    for (const path of files) {
      try {
        infos.push({ path, info: readPart10Info(path) });
      } catch (e) {
        failed++;
        problems.push(`${path}: ${isDicomError(e) ? e.describe() : (e as Error).message}`);
      }
    }
    /** Batches whose presentation contexts fit in one association (at most 128). */
    const batchesOf = (
      list: { path: string; info: Part10Info }[],
    ): { path: string; info: Part10Info }[][] => {
      const batches: { path: string; info: Part10Info }[][] = [];
      let batch: { path: string; info: Part10Info }[] = [];
      let keys = new Set<string>();
      for (const f of list) {
        const mine = fileContexts(f.info).map((c) => `${c.abstractSyntax}|${c.transferSyntaxes.join(',')}`);
        const added = mine.filter((k) => !keys.has(k));
        if (keys.size + added.length > 128 && batch.length > 0) {
          batches.push(batch);
          batch = [];
          keys = new Set();
        }
        for (const k of mine) keys.add(k);
        batch.push(f);
      }
      if (batch.length) batches.push(batch);
      return batches;
    };
    const bar =
      process.stderr.isTTY && !o.verbose
        ? new SingleBar(
            { format: 'send [{bar}] {value}/{total} files | {rate} files/s', hideCursor: true },
            Presets.shades_classic,
          )
        : undefined;
    bar?.start(files.length, failed, { rate: '0' });
    const start = Date.now();

    /** Sends one batch over one association, keeping up to the negotiated window of C-STOREs in flight. */
    const sendBatch = async (b: { path: string; info: Part10Info }[]): Promise<void> => {
      const a = await Association.connect({
        host: peer.host,
        port: peer.port,
        calledAeTitle: peer.aeTitle,
        callingAeTitle: checkAeTitle(o.aet),
        contexts: contextsFor(b.map((x) => x.info)),
        connectTimeoutMs: ms,
        dimseTimeoutMs: ms,
        maxPduLength: Number(o.maxPdu),
        ...(Number(o.window) > 1
          ? { asyncOpsWindow: { maxInvoked: Number(o.window), maxPerformed: 1 } }
          : {}),
        tls: tlsClientOptions(o),
        log: cliLogger(!!o.verbose),
        artimMs: 5000,
      });
      let notSent = 0;
      await storeFiles(a, b, {
        window: Number(o.window),
        onOutcome: ({ path, result: r, error: e, notSent: skipped }) => {
          if (r) {
            const cat = statusCategory(r.status);
            const line = `${path}: ${describeStatus(r.status)}${r.errorComment ? ` (${r.errorComment})` : ''}`;
            if (cat === 'success') sent++;
            else if (cat === 'warning') {
              sent++;
              warnings++;
              problems.push(line);
            } else {
              failed++;
              problems.push(line);
            }
            if (o.verbose)
              process.stderr.write(`${path}: ${describeStatus(r.status)} in ${r.transferSyntaxUid}\n`);
          } else if (skipped) {
            failed++;
            notSent++;
          } else {
            failed++;
            problems.push(`${path}: ${isDicomError(e) ? e.describe() : (e as Error).message}`);
          }
          bar?.update(sent + failed, {
            rate: ((sent + failed) / Math.max(0.001, (Date.now() - start) / 1000)).toFixed(1),
          });
        },
      });
      if (notSent > 0) problems.push(`${notSent} file(s) not sent: the association ended`);
      if (a.isEstablished) await a.release();
    };

    // --associations N: the files dealt round-robin to N associations that run side by side.
    const lanes = Math.max(1, Math.min(Number(o.associations) || 1, infos.length || 1));
    const groups = Array.from({ length: lanes }, (_, k) => infos.filter((_, j) => j % lanes === k));
    try {
      await Promise.all(
        groups.map(async (g) => {
          for (const b of batchesOf(g)) await sendBatch(b);
        }),
      );
    } catch (e) {
      bar?.stop();
      throw e;
    }
    bar?.stop();
    const secs = (Date.now() - start) / 1000;
    for (const p of problems) process.stderr.write(`${p}\n`);
    process.stdout.write(
      `sent ${sent}, failed ${failed}, warnings ${warnings} (${files.length} files, ${secs.toFixed(2)} s)\n`,
    );
    if (failed > 0) process.exitCode = 1;
  });
}
