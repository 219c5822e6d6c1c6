#!/usr/bin/env node
/**
 * The dicomkit command line: one program, a subcommand per task.
 */
import { Command } from 'commander';
import { registerDump } from './commands/dump.js';
import { registerJson } from './commands/json.js';
import { registerXml } from './commands/xml.js';
import { registerConvert } from './commands/convert.js';
import { registerEcho } from './commands/echo.js';
import { registerSend } from './commands/send.js';
import { registerReceive } from './commands/receive.js';
import { registerRender } from './commands/render.js';
import { registerQuery } from './commands/query.js';
import { registerQrScp } from './commands/qrscp.js';
import { reportAndExit } from './errors.js';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('dicomkit')
    .description('DICOM, complete, correct and fast: inspect, convert and exchange DICOM files')
    .version('0.1.0')
    .showHelpAfterError()
    .configureOutput({ outputError: (str, write) => write(str) });
  registerDump(program);
  registerJson(program);
  registerXml(program);
  registerConvert(program);
  registerEcho(program);
  registerSend(program);
  registerReceive(program);
  registerRender(program);
  registerQuery(program);
  registerQrScp(program);
  return program;
}

buildProgram()
  .parseAsync(process.argv)
  .catch((e) => reportAndExit(e));
