/**
 * Access to ../shared (real test files, the machine-readable standard) for tests. Where it is absent, tests that
 * need it are skipped with a visible message and every other test still runs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';

const here = dirname(fileURLToPath(import.meta.url));
/** The repository root (tests run from packages/<pkg>/dist/test). */
export const REPO_ROOT = resolve(here, '../../../..');
export const SHARED = process.env.DICOMKIT_SHARED ?? resolve(REPO_ROOT, '../shared');
export const TESTDATA = join(SHARED, 'testdata');

/** A skip reason when ../shared/testdata is absent, else false (use as `{ skip: needTestdata() }`). */
export function needTestdata(): string | false {
  if (existsSync(join(TESTDATA, 'inventory.tsv'))) return false;
  const msg = `../shared/testdata not found at ${TESTDATA}: skipped`;
  console.log(`# SKIP ${msg}`);
  return msg;
}

/** A skip reason when a command is not installed, else false. */
export function needCommand(cmd: string): string | false {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`]);
  if (r.status === 0) return false;
  const msg = `${cmd} is not installed: skipped`;
  console.log(`# SKIP ${msg}`);
  return msg;
}

export interface InventoryRow {
  path: string;
  abs: string;
  [column: string]: string;
}

/** ../shared/testdata/inventory.tsv as rows keyed by column name ([] when absent). */
export function inventory(): InventoryRow[] {
  const p = join(TESTDATA, 'inventory.tsv');
  if (!existsSync(p)) return [];
  const [head, ...lines] = readFileSync(p, 'utf8').trimEnd().split('\n');
  const cols = head!.split('\t');
  return lines.map((l) => {
    const v = l.split('\t');
    const row: Record<string, string> = {};
    cols.forEach((c, i) => (row[c] = v[i] ?? ''));
    return { ...row, path: row.path!, abs: join(TESTDATA, row.path!) } as InventoryRow;
  });
}

/** Files dcmtk reads (dcmdump_rc = 0) that are DICOM. */
export function dcmtkReadable(): InventoryRow[] {
  return inventory().filter((r) => r.kind === 'dicom' && r.dcmdump_rc === '0');
}
