/**
 * `dicomkit find | move | get QRSCP@host:port -k KEY[=VALUE] ...`: Query/Retrieve SCU (PS3.4 Annex C).
 * `--level` defaults to STUDY; `-k QueryRetrieveLevel=SERIES` sets it too. `--model` picks Study Root (default)
 * or Patient Root.
 */
import type { Command } from 'commander';
import { mkdirSync } from 'node:fs';
import { formatTag, lookupTag, type Dataset } from '@dicomkit/core';
import {
  Association,
  QR,
  ServiceRegistry,
  StorageScp,
  checkStatus,
  describeStatus,
  find,
  get,
  getContexts,
  identifierFrom,
  move,
  type QueryLevel,
  type QueryModel,
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

interface QrOptions extends TlsCliOptions {
  aet: string;
  level: string;
  model: string;
  key: string[];
  timeout: string;
  json?: boolean;
  dest?: string;
  out?: string;
  verbose?: boolean;
}

function common(cmd: Command): Command {
  return withTls(
    cmd
      .argument('<peer>', 'the Q/R SCP as AET@host:port')
      .option('--aet <title>', 'our (calling) AE title', 'DICOMKIT')
      .option('--level <level>', 'PATIENT, STUDY, SERIES or IMAGE', 'STUDY')
      .option('--model <model>', 'information model: study (Study Root) or patient (Patient Root)', 'study')
      .option(
        '-k, --key <key=value>',
        'a matching or return key (repeatable): PatientName=A*, StudyInstanceUID, (0010,0020)=X',
        (v: string, acc: string[]) => [...acc, v],
        [],
      )
      .option('--timeout <seconds>', 'connect and response timeout', '60')
      .option('-v, --verbose', 'log the association'),
  );
}

function parse(o: QrOptions): { model: QueryModel; level: QueryLevel; ms: number } {
  const model =
    o.model.toLowerCase() === 'patient' ? 'PATIENT' : o.model.toLowerCase() === 'study' ? 'STUDY' : undefined;
  if (!model) throw new UsageError(`--model ${o.model}: use study or patient`);
  const fromKey = o.key.find((k) => /^QueryRetrieveLevel=/i.test(k))?.split('=')[1];
  const level = (fromKey ?? o.level).toUpperCase();
  if (!['PATIENT', 'STUDY', 'SERIES', 'IMAGE'].includes(level))
    throw new UsageError(`level ${level}: use PATIENT, STUDY, SERIES or IMAGE`);
  const ms = Number(o.timeout) * 1000;
  if (!(ms > 0)) throw new UsageError(`--timeout ${o.timeout} is not a positive number`);
  return { model, level: level as QueryLevel, ms };
}

async function open(
  peerArg: string,
  o: QrOptions,
  contexts: { abstractSyntax: string; transferSyntaxes: string[] }[],
  extra: Partial<Parameters<typeof Association.connect>[0]> = {},
): Promise<Association> {
  const peer = parsePeer(peerArg);
  const ms = Number(o.timeout) * 1000;
  return Association.connect({
    host: peer.host,
    port: peer.port,
    calledAeTitle: peer.aeTitle,
    callingAeTitle: checkAeTitle(o.aet),
    contexts,
    connectTimeoutMs: ms,
    dimseTimeoutMs: ms,
    artimMs: 5000,
    tls: tlsClientOptions(o),
    log: cliLogger(!!o.verbose),
    ...extra,
  });
}

const TS = ['1.2.840.10008.1.2.1', '1.2.840.10008.1.2'];

/** One line of a value for the table. */
function show(d: Dataset, tag: number): string {
  try {
    return d.strings(tag).join('\\');
  } catch {
    return '?';
  }
}

export function registerQuery(program: Command): void {
  common(program.command('find').description('query a Q/R SCP (C-FIND)'))
    .option('--json', 'print the matches as DICOM JSON (PS3.18 F.2)')
    .action(async (peerArg: string, o: QrOptions) => {
      const { model, level } = parse(o);
      const identifier = identifierFrom(
        o.key.filter((k) => !/^QueryRetrieveLevel=/i.test(k)),
        level,
      );
      const uid = model === 'PATIENT' ? QR.PatientRootFind : QR.StudyRootFind;
      const a = await open(peerArg, o, [{ abstractSyntax: uid, transferSyntaxes: TS }]);
      const { status, matches } = await find(a, model, identifier);
      await a.release();
      checkStatus(status, 'C-FIND');
      const tags = [...identifier].map((e) => e.tag).filter((t) => t !== 0x00080052);
      if (o.json) {
        const json = matches.map((m) => {
          const obj: Record<string, unknown> = {};
          for (const el of m) {
            const key = el.tag.toString(16).toUpperCase().padStart(8, '0');
            let Value: unknown[] = [];
            try {
              Value =
                el.vr === 'PN'
                  ? m.strings(el.tag).map((s) => ({ Alphabetic: s }))
                  : el.vr === 'SQ'
                    ? []
                    : ((m.value(el.tag) as unknown[]) ?? []);
            } catch {
              Value = [];
            }
            obj[key] = Array.isArray(Value) && Value.length ? { vr: el.vr, Value } : { vr: el.vr };
          }
          return obj;
        });
        process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
        return;
      }
      const head = tags.map((t) => lookupTag(t)?.keyword ?? formatTag(t));
      const rows = matches.map((m) => tags.map((t) => show(m, t)));
      const widths = head.map((h, i) => Math.min(48, Math.max(h.length, ...rows.map((r) => r[i]!.length))));
      const line = (cells: string[]): string =>
        cells
          .map((c, i) => c.slice(0, 48).padEnd(widths[i]!))
          .join('  ')
          .trimEnd();
      process.stdout.write(`${line(head)}\n${line(widths.map((w) => '-'.repeat(w)))}\n`);
      for (const r of rows) process.stdout.write(`${line(r)}\n`);
      process.stderr.write(`${matches.length} match(es)\n`);
    });

  common(program.command('move').description('retrieve to another AE (C-MOVE)'))
    .requiredOption('--dest <aet>', 'the move destination AE title (known to the SCP)')
    .action(async (peerArg: string, o: QrOptions) => {
      const { model, level } = parse(o);
      const identifier = identifierFrom(
        o.key.filter((k) => !/^QueryRetrieveLevel=/i.test(k)),
        level,
      );
      const uid = model === 'PATIENT' ? QR.PatientRootMove : QR.StudyRootMove;
      const a = await open(peerArg, o, [{ abstractSyntax: uid, transferSyntaxes: TS }]);
      const r = await move(a, model, identifier, checkAeTitle(o.dest!), {
        onProgress: (p) =>
          o.verbose &&
          process.stderr.write(`remaining ${p.remaining}, completed ${p.completed}, failed ${p.failed}\n`),
      });
      await a.release();
      process.stdout.write(
        `C-MOVE ${describeStatus(r.status)}: completed ${r.completed}, failed ${r.failed}, warnings ${r.warning}\n`,
      );
      checkStatus(r.status, 'C-MOVE');
      if (r.failed > 0) process.exitCode = 1;
    });

  common(program.command('get').description('retrieve here (C-GET)'))
    .requiredOption('--out <dir>', 'folder for the retrieved files')
    .action(async (peerArg: string, o: QrOptions) => {
      const { model, level } = parse(o);
      const identifier = identifierFrom(
        o.key.filter((k) => !/^QueryRetrieveLevel=/i.test(k)),
        level,
      );
      mkdirSync(o.out!, { recursive: true });
      const { contexts, roleSelections } = getContexts(model);
      const a = await open(peerArg, o, contexts, { roleSelections });
      a.handler = new ServiceRegistry([new StorageScp({ directory: o.out! })]);
      const r = await get(a, model, identifier);
      await a.release();
      process.stdout.write(
        `C-GET ${describeStatus(r.status)}: completed ${r.completed}, failed ${r.failed}, warnings ${r.warning}\n`,
      );
      checkStatus(r.status, 'C-GET');
      if (r.failed > 0) process.exitCode = 1;
    });
}
