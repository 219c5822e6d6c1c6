/**
 * `dicomkit xml <file>`: the dataset as Native DICOM Model XML (PS3.19 Annex A) on stdout.
 */
import type { Command } from 'commander';
import { toXml } from '@dicomkit/core';
import { readDicomFile } from '@dicomkit/core/node';
import { reportAndExit } from '../errors.js';
import { bulkUriNamer, intOption } from './web-model-options.js';

export function registerXml(program: Command): void {
  program
    .command('xml')
    .description('print the dataset of a DICOM file as Native DICOM Model XML (PS3.19 Annex A)')
    .argument('<file>', 'DICOM file')
    .option(
      '--bulk-uri <prefix>',
      'write values of --bulk-threshold bytes or more as BulkData uri= under this prefix',
    )
    .option(
      '--bulk-threshold <bytes>',
      'smallest value written as BulkData',
      intOption('--bulk-threshold'),
      1024,
    )
    .action(async (file: string, o: { bulkUri?: string; bulkThreshold: number }) => {
      try {
        const f = await readDicomFile(file);
        process.stdout.write(
          toXml(
            f.dataset,
            o.bulkUri === undefined
              ? {}
              : { bulkDataUri: bulkUriNamer(o.bulkUri), bulkDataThreshold: o.bulkThreshold },
          ),
        );
      } catch (e) {
        reportAndExit(e, file);
      }
    });
}
