#!/usr/bin/env node
/**
 * The dicomkit command line: one program, a subcommand per task. Only the module of the command being run is
 * loaded (a `dicomkit send` never loads the imaging codecs), which keeps start-up short; `--help` and an
 * unknown command load them all.
 */
import { Command } from 'commander';
import { reportAndExit } from './errors.js';

type Register = (program: Command) => void;

/** Each command (or group of commands) and how to load what registers it. */
const COMMANDS: [names: string[], load: () => Promise<Register>][] = [
  [['dump'], async () => (await import('./commands/dump.js')).registerDump],
  [['json'], async () => (await import('./commands/json.js')).registerJson],
  [['xml'], async () => (await import('./commands/xml.js')).registerXml],
  [['convert'], async () => (await import('./commands/convert.js')).registerConvert],
  [['render'], async () => (await import('./commands/render.js')).registerRender],
  [['echo'], async () => (await import('./commands/echo.js')).registerEcho],
  [['send'], async () => (await import('./commands/send.js')).registerSend],
  [['receive'], async () => (await import('./commands/receive.js')).registerReceive],
  [['find', 'move', 'get'], async () => (await import('./commands/query.js')).registerQuery],
  [['qrscp'], async () => (await import('./commands/qrscp.js')).registerQrScp],
  [['serve'], async () => (await import('./commands/serve.js')).registerServe],
];

/** The program with the commands needed for `argv` (all of them when the command is not one we know). */
export async function buildProgram(argv: string[] = process.argv): Promise<Command> {
  const program = new Command();
  program
    .name('dicomkit')
    .description('DICOM, complete, correct and fast: inspect, convert and exchange DICOM files')
    .version('0.1.0')
    .showHelpAfterError()
    .configureOutput({ outputError: (str, write) => write(str) });
  const name = argv[2];
  const chosen = COMMANDS.filter(([names]) => name !== undefined && names.includes(name));
  for (const [, load] of chosen.length ? chosen : COMMANDS) (await load())(program);
  return program;
}

buildProgram()
  .then((program) => program.parseAsync(process.argv))
  .catch((e) => reportAndExit(e));
