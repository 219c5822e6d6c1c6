/**
 * A Query/Retrieve provider over a folder of DICOM files: the headers are read once (without pixel data) into
 * an in-memory list; C-FIND matches against it, C-MOVE/C-GET return the files. For tests and the CLI's
 * `qrscp`; the archive supplies a real index behind the same {@link QueryRetrieveProvider} interface.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Dataset } from '@dicomkit/core';
import { readDicomFileSync } from '@dicomkit/core/node';
import {
  LEVELS,
  matchIdentifier,
  responseKeys,
  UNIQUE_KEY,
  type QueryLevel,
  type QueryModel,
} from './matching.js';

/** Query/Retrieve Level (0008,0052): set by the SCP on each response, not copied. */
const QUERY_LEVEL = new Set([0x00080052]);

/** What a Q/R SCP asks of its data (the archive implements it over its index). */
export interface QueryRetrieveProvider {
  /** Matches at a level: one identifier per matching entity, holding the requested keys. */
  find(
    level: QueryLevel,
    identifier: Dataset,
    model: QueryModel,
    signal: AbortSignal,
  ): AsyncIterable<Dataset> | Iterable<Dataset>;
  /** The files of the matching entities, to send with C-STORE. */
  retrieve(
    level: QueryLevel,
    identifier: Dataset,
    model: QueryModel,
    signal: AbortSignal,
  ): Promise<string[]> | string[];
}

interface Entry {
  path: string;
  header: Dataset;
}

const PATIENT_LEVEL_KEYS = [0x00100010, 0x00100020, 0x00100030, 0x00100040];

function levelsAbove(level: QueryLevel, model: QueryModel): QueryLevel[] {
  const order = model === 'PATIENT' ? LEVELS : LEVELS.slice(1);
  return order.slice(0, order.indexOf(level));
}

export class FolderProvider implements QueryRetrieveProvider {
  private entries: Entry[] = [];

  constructor(readonly directory: string) {
    this.rescan();
  }

  /** Reads every file's header (files that are not DICOM are skipped). */
  rescan(): number {
    const out: Entry[] = [];
    const walk = (d: string): void => {
      for (const name of readdirSync(d).sort()) {
        if (name.startsWith('.')) continue;
        const p = join(d, name);
        const st = statSync(p);
        if (st.isDirectory()) walk(p);
        else if (st.isFile()) {
          try {
            const f = readDicomFileSync(p, { stopBeforePixelData: true });
            if (f.dataset.string(0x00080018)) out.push({ path: p, header: f.dataset });
          } catch {
            /* not DICOM: not served */
          }
        }
      }
    };
    walk(this.directory);
    this.entries = out;
    return out.length;
  }

  get size(): number {
    return this.entries.length;
  }

  private matching(level: QueryLevel, identifier: Dataset, model: QueryModel): Map<string, Entry[]> {
    const key = UNIQUE_KEY[level];
    // Keys of levels above must be unique keys (hierarchical search, PS3.4 §C.4.1.2.1); they filter too.
    void levelsAbove(level, model);
    const groups = new Map<string, Entry[]>();
    for (const e of this.entries) {
      if (!matchIdentifier(identifier, e.header)) continue;
      const id = e.header.string(key) ?? '';
      if (!id) continue;
      const g = groups.get(id);
      if (g) g.push(e);
      else groups.set(id, [e]);
    }
    return groups;
  }

  *find(level: QueryLevel, identifier: Dataset, model: QueryModel): Iterable<Dataset> {
    const groups = this.matching(level, identifier, model);
    for (const [, group] of groups) {
      const first = group[0]!.header;
      const out = responseKeys(identifier, first, QUERY_LEVEL);
      // Number of related entities (PS3.4 §C.3.4), when asked for.
      const count = (tag: number, n: number): void => {
        if (identifier.has(tag)) out.set(tag, 'IS', String(n));
      };
      count(0x00201208, group.length); // NumberOfStudyRelatedInstances
      count(0x00201206, new Set(group.map((e) => e.header.string(0x0020000e))).size); // NumberOfStudyRelatedSeries
      count(0x00201209, group.length); // NumberOfSeriesRelatedInstances
      count(0x00201200, new Set(group.map((e) => e.header.string(0x0020000d))).size); // NumberOfPatientRelatedStudies
      out.set(0x00080052, 'CS', level);
      if (first.has(0x00080005) && !out.has(0x00080005)) out.add(first.get(0x00080005)!);
      if (model === 'STUDY' && level === 'STUDY')
        for (const t of PATIENT_LEVEL_KEYS) if (identifier.has(t) && first.has(t)) out.add(first.get(t)!);
      yield out;
    }
  }

  retrieve(level: QueryLevel, identifier: Dataset, model: QueryModel): string[] {
    return [...this.matching(level, identifier, model).values()].flat().map((e) => e.path);
  }
}
