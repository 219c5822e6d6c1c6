/**
 * `dicomkit dump <files...>`: a human-readable tree of every element, like dcmdump.
 */
import type { Command } from 'commander';
import {
  formatTag,
  lookupTag,
  VR_INFO,
  type Dataset,
  type DicomElement,
  type DicomFile,
} from '@dicomkit/core';
import { readDicomFile } from '@dicomkit/core/node';
import { reportAndExit } from '../errors.js';

export interface DumpOptions {
  meta: boolean;
  private: boolean;
  maxLength: number;
}

function describeValue(ds: Dataset, el: DicomElement, maxLength: number): string {
  if (el.encapsulated) return `(PixelSequence #=${el.encapsulated.fragments.length + 1})`;
  if (el.bulk && !el.raw) return `(not loaded: ${el.bulk.length} bytes at offset ${el.bulk.offset})`;
  const info = VR_INFO[el.vr];
  let text: string;
  try {
    if (info.kind === 'bytes') {
      const b = ds.bytes(el.tag) ?? new Uint8Array(0);
      const n = Math.min(b.length, Math.max(1, Math.floor(maxLength / 3)));
      text = Array.from(b.subarray(0, n), (x) => x.toString(16).padStart(2, '0')).join('\\');
      if (n < b.length) text += '...';
      return text || '(no value available)';
    }
    if (info.kind === 'binary-number' || info.kind === 'tag') {
      text = ds.strings(el.tag).join('\\');
    } else text = `[${ds.strings(el.tag).join('\\')}]`;
  } catch (e) {
    text = `(cannot decode: ${(e as Error).message})`;
  }
  if (text === '[]') return '(no value available)';
  return text.length > maxLength ? text.slice(0, maxLength) + '...' : text;
}

/** Value Multiplicity as dcmdump shows it: values of a string, numbers in a binary value, 1 for bytes and sequences, 0 when empty. */
export function valueMultiplicity(ds: Dataset, el: DicomElement): number {
  if (el.items || el.encapsulated) return 1;
  if (el.length === 0) return 0;
  const info = VR_INFO[el.vr];
  if (info.kind === 'bytes') return 1;
  if (info.kind === 'binary-number' || info.kind === 'tag') return Math.floor(el.length / info.unitSize);
  if (info.kind === 'text') return 1;
  try {
    return ds.strings(el.tag).length;
  } catch {
    return 1;
  }
}

export function dumpDataset(ds: Dataset, opts: DumpOptions, out: string[], depth = 0): void {
  const indent = '  '.repeat(depth);
  for (const el of ds) {
    const isPrivate = (el.tag >>> 16) % 2 === 1;
    if (isPrivate && !opts.private) continue;
    const entry = lookupTag(el.tag);
    const keyword =
      entry?.keyword ??
      (isPrivate
        ? `PrivateTag${ds.privateCreatorOf(el.tag) ? ` [${ds.privateCreatorOf(el.tag)}]` : ''}`
        : 'Unknown');
    if (el.items) {
      out.push(
        `${indent}${formatTag(el.tag)} SQ (Sequence with ${el.undefinedLength ? 'undefined' : 'explicit'} length #=${el.items.length}) # ${el.undefinedLength ? 'u/l' : '   -'}, 1 ${keyword}`,
      );
      el.items.forEach((item, i) => {
        out.push(
          `${indent}  (FFFE,E000) na (Item #${i + 1} with ${item.undefinedLength ? 'undefined' : 'explicit'} length #=${item.size})`,
        );
        dumpDataset(item, opts, out, depth + 2);
      });
      continue;
    }
    const value = describeValue(ds, el, opts.maxLength);
    const length = el.encapsulated ? 'u/l' : String(el.length);
    out.push(
      `${indent}${formatTag(el.tag)} ${el.vr} ${value.padEnd(Math.max(0, 40 - indent.length))} # ${length.padStart(4)}, ${valueMultiplicity(ds, el)} ${keyword}`,
    );
  }
}

export function dumpFile(f: DicomFile, opts: DumpOptions): string {
  const out: string[] = [];
  if (opts.meta && f.meta.size) {
    out.push('# Dicom-Meta-Information-Header', '# Used TransferSyntax: Little Endian Explicit');
    dumpDataset(f.meta, opts, out);
    out.push('');
  }
  out.push('# Dicom-Data-Set', `# Used TransferSyntax: ${f.transferSyntax.name}`);
  dumpDataset(f.dataset, opts, out);
  return out.join('\n') + '\n';
}

export function registerDump(program: Command): void {
  program
    .command('dump')
    .description(
      'print every element of DICOM files as a tree (tag, VR, value, length, keyword), like dcmdump',
    )
    .argument('<files...>', 'DICOM files')
    .option('--no-meta', 'leave out the File Meta Information')
    .option('--no-private', 'leave out private elements')
    .option('-L, --max-length <n>', 'cut values longer than n characters', (v) => parseInt(v, 10), 64)
    .action(async (files: string[], o: { meta: boolean; private: boolean; maxLength: number }) => {
      for (const path of files) {
        try {
          const f = await readDicomFile(path);
          if (files.length > 1) process.stdout.write(`# ${path}\n`);
          process.stdout.write(dumpFile(f, o));
          for (const w of f.warnings) {
            const where = `${w.offset !== undefined ? ` at byte ${w.offset}` : ''}${w.tagPath ? ` in ${w.tagPath}` : ''}`;
            process.stderr.write(`dicomkit: ${path}: warning: ${w.code}${where}: ${w.message}\n`);
          }
        } catch (e) {
          reportAndExit(e, path);
        }
      }
    });
}
