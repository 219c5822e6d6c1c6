/**
 * `dicomkit json <file>`: the dataset as DICOM JSON (PS3.18 Annex F) on stdout. Binary values are InlineBinary;
 * with `--bulk-uri <prefix>`, values of at least `--bulk-threshold` bytes become BulkDataURIs under the prefix.
 */
import type { Command } from 'commander';
import { stringifyDicomJson, toJson } from '@dicomkit/core';
import { readDicomFile } from '@dicomkit/core/node';
import { reportAndExit } from '../errors.js';
import { bulkUriNamer, intOption } from './web-model-options.js';

export function registerJson(program: Command): void {
  program
    .command('json')
    .description('print the dataset of a DICOM file as DICOM JSON (PS3.18 Annex F)')
    .argument('<file>', 'DICOM file')
    .option(
      '--bulk-uri <prefix>',
      'write values of --bulk-threshold bytes or more as BulkDataURIs under this prefix',
    )
    .option(
      '--bulk-threshold <bytes>',
      'smallest value written as a BulkDataURI',
      intOption('--bulk-threshold'),
      1024,
    )
    .option('--indent <n>', 'spaces per indentation level (0: one line)', intOption('--indent'), 2)
    .action(async (file: string, o: { bulkUri?: string; bulkThreshold: number; indent: number }) => {
      try {
        const f = await readDicomFile(file);
        const json = toJson(
          f.dataset,
          o.bulkUri === undefined
            ? {}
            : { bulkDataUri: bulkUriNamer(o.bulkUri), bulkDataThreshold: o.bulkThreshold },
        );
        process.stdout.write(stringifyDicomJson(json, o.indent) + '\n');
      } catch (e) {
        reportAndExit(e, file);
      }
    });
}
