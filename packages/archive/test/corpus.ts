/**
 * Test helpers: files of ../shared/testdata to store, synthetic instances, data-set bytes of a Part 10 file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Dataset } from '@dicomkit/core';
import { readDicomFileSync, writeDicomFileSync } from '@dicomkit/core/node';
import { readPart10Info } from '@dicomkit/net';

// core's test helpers, compiled in core's dist (the relative path differs between source and output).
export const shared = (await import(
  new URL('../../../core/dist/test/shared.js', import.meta.url).href
)) as typeof import('../../core/test/shared.js');

export interface CorpusFile {
  path: string;
  sopInstanceUid: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  transferSyntaxUid: string;
  patientId: string | undefined;
  studyDate: string | undefined;
}

/** Transfer syntaxes newer than dcmtk 3.6.7 (JPEG XL, HTJ2K, deflated image frames): dcmtk refuses them. */
export const NEWER_THAN_DCMTK = new Set([
  '1.2.840.10008.1.2.4.110',
  '1.2.840.10008.1.2.4.111',
  '1.2.840.10008.1.2.4.112',
  '1.2.840.10008.1.2.4.201',
  '1.2.840.10008.1.2.4.202',
  '1.2.840.10008.1.2.4.203',
  '1.2.840.10008.1.2.8.1',
]);

/**
 * Up to `max` small Part 10 files dcmtk reads, of storage SOP classes, with the UIDs of every level in the data
 * set (the same SOP Instance UID in data set and File Meta), each SOP Instance UID once.
 */
export function corpusFiles(max: number, opts: { dcmtkOnly?: boolean; maxSize?: number } = {}): CorpusFile[] {
  const out: CorpusFile[] = [];
  const seen = new Set<string>();
  for (const r of shared.dcmtkReadable()) {
    if (out.length >= max) break;
    if (r.preamble_DICM !== 'Y' || Number(r.size) > (opts.maxSize ?? 1_000_000)) continue;
    if (!/Storage/.test(r.sop_class_name ?? '')) continue;
    if (opts.dcmtkOnly && NEWER_THAN_DCMTK.has(r.ts_uid ?? '')) continue;
    try {
      const info = readPart10Info(r.abs);
      const f = readDicomFileSync(r.abs, { stopBeforePixelData: true });
      const ds = f.dataset;
      const uid = ds.string('SOPInstanceUID');
      const study = ds.string('StudyInstanceUID');
      const series = ds.string('SeriesInstanceUID');
      if (!uid || !study || !series || uid !== info.sopInstanceUid || seen.has(uid)) continue;
      if (!f.meta.string(0x00020002) || f.warnings.length > 0) continue;
      seen.add(uid);
      out.push({
        path: r.abs,
        sopInstanceUid: uid,
        studyInstanceUid: study,
        seriesInstanceUid: series,
        transferSyntaxUid: info.transferSyntaxUid,
        patientId: ds.string('PatientID')?.trim() || undefined,
        studyDate: ds.string('StudyDate')?.trim() || undefined,
      });
    } catch {
      /* not usable here */
    }
  }
  return out;
}

/** The bytes of a Part 10 file's data set (after its File Meta group). */
export function datasetBytes(path: string): Buffer {
  return readFileSync(path).subarray(readPart10Info(path).datasetOffset);
}

let counter = 0;

/** A small Secondary Capture instance with the given attributes (keywords → values), written to `dir`. */
export function writeInstance(dir: string, attrs: Record<string, string | string[]>): string {
  const ds = new Dataset();
  ds.set('SpecificCharacterSet', undefined, 'ISO_IR 192');
  ds.set('SOPClassUID', undefined, '1.2.840.10008.5.1.4.1.1.7');
  for (const [k, v] of Object.entries(attrs)) ds.set(k, undefined, v);
  const path = join(dir, `synthetic-${counter++}.dcm`);
  writeDicomFileSync(path, { dataset: ds }, { transferSyntax: '1.2.840.10008.1.2.1' });
  return path;
}

export function touch(path: string, bytes = 'x'): void {
  writeFileSync(path, bytes);
}
