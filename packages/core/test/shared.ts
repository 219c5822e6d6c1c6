/**
 * Access to ../shared (real test files, the machine-readable standard) for tests. Where it is absent, tests that
 * need it are skipped with a visible message and every other test still runs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { test } from 'node:test';
import assert from 'node:assert/strict';

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

/** Set inside the network namespace that {@link testInNetns} re-runs a test file in. */
export const IN_NETNS = process.env.DICOMKIT_NETNS === '1';

/** Whether `unshare --net` works here (it needs root): false, or the skip message (printed as `# SKIP`). */
export function needNetns(): string | false {
  const r = spawnSync('unshare', ['--net', 'true']);
  if (r.status === 0) return false;
  const msg = 'unshare --net is not permitted here (needs root): skipped';
  console.log(`# SKIP ${msg}`);
  return msg;
}

/**
 * One test of the outer run that runs `file` again inside a fresh network namespace with only loopback up: the
 * peers' servers bind every interface, and nothing may leave the machine. The inner run's report is indented
 * under this test; the test fails when any inner test fails. Inside, {@link IN_NETNS} is true.
 */
export function testInNetns(
  name: string,
  file: string,
  options: { skip: string | false; timeoutMs: number },
): void {
  test(name, { skip: options.skip, timeout: options.timeoutMs + 10_000 }, () => {
    const r = spawnSync(
      'unshare',
      ['--net', 'sh', '-c', `ip link set lo up && exec "${process.execPath}" --test-reporter=spec "${file}"`],
      {
        env: {
          ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_TEST_CONTEXT')),
          DICOMKIT_NETNS: '1',
        },
        encoding: 'utf8',
        timeout: options.timeoutMs,
      },
    );
    process.stdout.write(
      r.stdout
        .split('\n')
        .map((l) => `  ${l}`)
        .join('\n'),
    );
    process.stderr.write(r.stderr);
    assert.equal(r.status, 0, `${name}: some scenarios failed (see above)`);
  });
}

/** Waits until something accepts connections on 127.0.0.1:`port` (polling every 50 ms, `tries` times). */
export async function waitPort(port: number, tries = 200): Promise<void> {
  for (let i = 0; i < tries; i++) {
    const ok = await new Promise<boolean>((r) => {
      const s = connect(port, '127.0.0.1', () => {
        s.destroy();
        r(true);
      });
      s.on('error', () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on ${port}`);
}

/** Stops a child process with SIGTERM and waits for it: its exit code (null when a signal ended it). */
export async function stopProcess(c: ChildProcess): Promise<number | null> {
  if (c.exitCode !== null) return c.exitCode;
  const done = new Promise<number | null>((r) => c.once('exit', r));
  c.kill('SIGTERM');
  return done;
}
